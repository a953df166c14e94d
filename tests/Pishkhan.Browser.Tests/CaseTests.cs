using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Pishkhan.Browser.Tests;

[Collection(BrowserGroup.Name)]
public sealed class CaseTests(BrowserApp app)
{
    /// <summary>A demo agent; the admin's language is left alone so the tests do not depend on each other's order.</summary>
    private const string PersianAgent = "sara@pishkhan.local";

    /// <summary>The demo data's sixth contact (an English name); unique under the autocomplete's search.</summary>
    private const string DemoContactEmail = "customer6@example.com";

    [BrowserFact]
    public async Task An_agent_creates_a_case_replies_and_changes_its_status()
    {
        var page = await app.NewPageAsync();
        await page.SignInAsync(BrowserApp.AdminEmail, BrowserApp.Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        var subject = $"Printer on fire {Guid.NewGuid():N}"[..28];

        // Create: subject, description, and a contact picked from the autocomplete.
        await page.GotoAsync("/cases/new");
        await page.InteractiveAsync("save-case");
        await page.TestId("subject").FillAsync(subject);
        await page.TestId("description").FillAsync("It started smoking during the quarterly report.");
        var contact = page.TestId("contact");
        await contact.ClickAsync();
        // One input event with the whole text: key-by-key typing races the circuit's re-render of the bound value.
        await contact.FillAsync(DemoContactEmail);
        // Wait for the debounced search to narrow the list to the one match before clicking: the list shown on focus
        // is re-rendered when the search returns, and a click in between is lost.
        var options = page.Locator(".mud-popover-open .mud-list-item");
        await Assertions.Expect(options).ToHaveCountAsync(1);
        await Assertions.Expect(options).ToContainTextAsync(DemoContactEmail);
        var optionText = (await options.InnerTextAsync()).Trim();
        await options.ClickAsync();
        var contactName = optionText.Split(" <")[0].Trim();
        await Assertions.Expect(contact).ToHaveValueAsync(optionText);
        await page.TestId("save-case").ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/cases/\d{4}-\d{6}$"));
        await Assertions.Expect(page.TestId("case-subject")).ToHaveTextAsync(subject);
        await Assertions.Expect(page.Locator($"a[href^='/contacts/']").Filter(new() { HasText = contactName }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.TestId("status-chip")).ToHaveTextAsync("New");
        await Assertions.Expect(page.TestId("case-created-at")).ToHaveTextAsync(Ui.IsoDateTime());

        // Reply: it appears on the timeline as an outbound message.
        var reply = $"We are sending a technician ({Guid.NewGuid():N}).";
        await page.InteractiveAsync("send-message");
        await page.TestId("mode-reply").CheckAsync();
        await page.TestId("message-body").FillAsync(reply);
        await page.TestId("send-message").ClickAsync();
        var sent = page.Locator("[data-testid='timeline-entry'][data-kind='OutboundMessage']").Filter(new() { HasText = reply });
        await Assertions.Expect(sent).ToHaveCountAsync(1);
        await Assertions.Expect(page.TestId("message-body")).ToHaveValueAsync("");

        // Status: the chip changes and a status event joins the timeline.
        await page.ChooseAsync("status-select", "Open");
        await page.TestId("save-properties").ClickAsync();
        await Assertions.Expect(page.TestId("status-chip")).ToHaveTextAsync("Open");
        var statusEvent = page.Locator("[data-testid='timeline-entry'][data-kind='Event']").Filter(new() { HasText = "Status: New → Open" });
        await Assertions.Expect(statusEvent).ToHaveCountAsync(1);

        // It survives a reload (the server has it, not just the circuit).
        await page.ReloadAsync();
        await Assertions.Expect(page.TestId("status-chip")).ToHaveTextAsync("Open");
        await Assertions.Expect(sent).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task In_Persian_the_case_page_is_right_to_left_with_Jalali_dates_in_Persian_digits()
    {
        var page = await app.NewPageAsync();
        await page.SignInAsync(PersianAgent, BrowserApp.Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await SwitchLanguageAsync(page, "en");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "ltr");

        // A link followed before the circuit is live is an enhanced navigation the starting circuit can override with
        // the page it was started for (the address says /cases/…, the content is the list): wait for it first.
        await page.InteractiveAsync("new-case");
        await page.TestId("case-row").First.Locator("a[href^='/cases/']").First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/cases/\d{4}-\d{6}$"));
        await Assertions.Expect(page.TestId("case-created-at")).ToHaveTextAsync(Ui.IsoDateTime());

        await SwitchLanguageAsync(page, "fa");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/cases/\d{4}-\d{6}$"));
        var html = page.Locator("html");
        await Assertions.Expect(html).ToHaveAttributeAsync("dir", "rtl");
        await Assertions.Expect(html).ToHaveAttributeAsync("lang", "fa");
        await Assertions.Expect(page.TestId("case-created-at")).ToHaveTextAsync(Ui.JalaliDateTime());
        var created = await page.TestId("case-created-at").InnerTextAsync();
        Assert.StartsWith("۱۴", created, StringComparison.Ordinal);
        await Assertions.Expect(page.TestId("lang-en")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".mud-application-layout-rtl, .mud-rtl-provider, [dir='rtl'] .mud-layout").First).ToBeAttachedAsync();
        await page.Context.CloseAsync();
    }

    /// <summary>Clicks the app bar's language link (a full page load) and waits for the page to come back in it.</summary>
    internal static async Task SwitchLanguageAsync(IPage page, string language)
    {
        var link = page.TestId($"lang-{language}");
        if (await link.CountAsync() == 0)
        {
            return; // already in that language
        }

        // After an in-place (Blazor) navigation the address bar changes before the new render arrives; until then the
        // link still carries the previous page as its returnUrl. Wait for it to name the page we are on.
        var here = new Uri(page.Url).PathAndQuery;
        await Assertions.Expect(link).ToHaveAttributeAsync("href", new Regex("returnUrl=" + Regex.Escape(Uri.EscapeDataString(here)) + "$"));
        await link.ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        Assert.Equal(here, new Uri(page.Url).PathAndQuery);
    }
}
