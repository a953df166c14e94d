using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Pishkhan.Browser.Tests;

[Collection(BrowserGroup.Name)]
public sealed class PortalKnowledgeTests(BrowserApp app)
{
    /// <summary>
    /// A customer on a 375 px phone, in Persian, searches the portal's help articles, reads one, rates it; the
    /// new-request form's suggestion script lists the article and reports the opening for the deflection report.
    /// </summary>
    [BrowserFact]
    public async Task A_customer_searches_reads_and_rates_a_public_article_on_a_phone()
    {
        var admin = await app.NewPageAsync();
        await admin.SignInAsync(BrowserApp.AdminEmail, BrowserApp.Password);
        await admin.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        var word = "pk" + Guid.NewGuid().ToString("N")[..8];
        var created = await admin.Context.APIRequest.PostAsync("/api/v1/kb/articles", new()
        {
            DataObject = new { title = $"راه‌اندازی دوباره مودم {word}", summary = "دکمهٔ ریست را نگه دارید.", body = "دکمهٔ **ریست** را ده ثانیه نگه دارید.", language = "fa", visibility = "public" },
        });
        Assert.True(created.Ok, await created.TextAsync());
        using var article = JsonDocument.Parse(await created.TextAsync());
        var id = article.RootElement.GetProperty("id").GetString();
        var published = await admin.Context.APIRequest.PostAsync($"/api/v1/kb/articles/{id}/publish", new() { DataObject = new { version = article.RootElement.GetProperty("version").GetInt32() } });
        Assert.True(published.Ok, await published.TextAsync());

        var phone = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 375, Height = 740 },
            Locale = "fa-IR",
        });
        phone.SetDefaultTimeout(30_000);
        var page = await phone.NewPageAsync();
        Diagnostics.Watch(page);

        // Search (Arabic-keyboard «ي» for «ی»), see the match marked, open it.
        await page.GotoAsync("/portal/kb");
        await Assertions.Expect(page.Locator(".portal")).ToHaveAttributeAsync("dir", "rtl");
        await page.GetByLabel("جستجو در راهنماها").FillAsync($"راه‌اندازي مودم {word}");
        await page.TestId("pkb-search-submit").ClickAsync();
        var hit = page.TestId("pkb-hit").Filter(new() { HasText = word });
        await Assertions.Expect(hit.Locator("mark").First).ToBeVisibleAsync();
        await hit.Locator("a").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/portal/kb/{id}$"));
        await Assertions.Expect(page.TestId("pkb-article-body").Locator("strong")).ToHaveTextAsync("ریست");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 375"), "the article page scrolls sideways at 375 px");

        // Rate it: the form posts with its antiforgery token; the page thanks and does not ask again.
        await page.TestId("pkb-rate-yes").CheckAsync();
        await page.GetByLabel("چه چیزی را می‌توان بهتر کرد؟ (اختیاری)").FillAsync("کامل بود");
        await page.TestId("pkb-rate-submit").ClickAsync();
        await Assertions.Expect(page.TestId("pkb-rate-thanks")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.TestId("pkb-rate-already")).ToBeVisibleAsync();

        // The new-request form's markup (the portal's form page adds it): suggestions as the subject is typed.
        var formId = Guid.NewGuid();
        await page.EvaluateAsync(
            "formId => { const f = document.createElement('form'); f.innerHTML = `<label for=s>Subject</label><input id=s data-suggest-form-id=\"${formId}\"><div data-suggestions aria-live=polite></div>`; document.querySelector('main').appendChild(f); window.pishkhanSuggest.attach(); }",
            formId.ToString());
        await page.Locator("#s").PressSequentiallyAsync($"مودم {word}");
        var suggestion = page.TestId("kb-suggestion").Filter(new() { HasText = word });
        await Assertions.Expect(suggestion).ToHaveAttributeAsync("target", "_blank");
        var popup = await page.RunAndWaitForPopupAsync(() => suggestion.ClickAsync());
        await Assertions.Expect(popup.TestId("pkb-article-title")).ToContainTextAsync(word);

        // The opening reached the deflection report.
        var today = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var opened = false;
        for (var attempt = 0; attempt < 40 && !opened; attempt++)
        {
            if (attempt > 0)
            {
                await page.WaitForTimeoutAsync(250); // the beacon is sent in the background
            }

            var report = await admin.Context.APIRequest.GetAsync($"/api/v1/kb/deflection?from={today}&to={today}");
            using var json = JsonDocument.Parse(await report.TextAsync());
            opened = json.RootElement.GetProperty("articles").EnumerateArray().Any(a => a.GetProperty("articleId").GetString() == id && a.GetProperty("opened").GetInt32() == 1);
        }

        Assert.True(opened, "the opened suggestion did not reach the deflection report");
        await phone.CloseAsync();
        await admin.Context.CloseAsync();
    }
}
