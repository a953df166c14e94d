using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Pishkhan.Browser.Tests;

[Collection(BrowserGroup.Name)]
public sealed class KnowledgeTests(BrowserApp app)
{
    [BrowserFact]
    public async Task An_approver_writes_publishes_finds_and_rates_an_article()
    {
        var page = await app.NewPageAsync();
        await page.SignInAsync(BrowserApp.AdminEmail, BrowserApp.Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        var word = "kb" + Guid.NewGuid().ToString("N")[..8];

        // Write: a draft with Markdown, previewed, then saved.
        await page.GotoAsync("/knowledge/new");
        await page.InteractiveAsync("article-save");
        await page.TestId("article-title-input").FillAsync($"Scanner {word} shows a blank page");
        await page.TestId("article-summary-input").FillAsync("Clean the glass and recalibrate.");
        await page.TestId("article-body-input").FillAsync("Open the **lid** and wipe the glass.");
        await page.TestId("article-save").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/knowledge/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.TestId("article-html").Locator("strong")).ToHaveTextAsync("lid");
        await Assertions.Expect(page.TestId("article-status")).ToHaveAttributeAsync("data-status", "Draft");

        // Publish (the admin is an approver).
        await (await page.InteractiveAsync("step-publish")).ClickAsync();
        await Assertions.Expect(page.TestId("article-status")).ToHaveAttributeAsync("data-status", "Published");

        // Rate it.
        await (await page.InteractiveAsync("feedback-helpful")).ClickAsync();
        await Assertions.Expect(page.TestId("article-rating")).ToContainTextAsync("1 / 0");

        // Find it with a typo, highlighted.
        await page.GotoAsync("/knowledge");
        await (await page.InteractiveAsync("kb-search")).FillAsync($"scaner {word}");
        var hit = page.TestId("kb-hit").Filter(new() { HasText = word });
        await Assertions.Expect(hit).ToHaveCountAsync(1);
        await Assertions.Expect(hit.Locator("mark").First).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
