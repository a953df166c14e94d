using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Pishkhan.Browser.Tests;

/// <summary>Refreshes docs/screenshots (run with <c>PISHKHAN_SCREENSHOTS=1</c>); checks what it shoots as well.</summary>
[Collection(BrowserGroup.Name)]
public sealed class ScreenshotTests(BrowserApp app)
{
    [ScreenshotFact]
    public async Task Screenshots_of_the_case_list_in_English_and_a_case_in_Persian()
    {
        var folder = Path.Combine(RepositoryRoot(), "docs", "screenshots");
        Directory.CreateDirectory(folder);

        var page = await app.NewPageAsync();
        await page.SignInAsync(BrowserApp.AdminEmail, BrowserApp.Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await CaseTests.SwitchLanguageAsync(page, "en");
        await page.InteractiveAsync("new-case");
        await Assertions.Expect(page.TestId("case-row")).Not.ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "cases-en.png") });
        await page.Context.CloseAsync();

        page = await app.NewPageAsync();
        await page.SignInAsync("sara@pishkhan.local", BrowserApp.Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        // A link followed before the circuit is live is an enhanced navigation the starting circuit can override with
        // the page it was started for (the address says /cases/…, the content is the list): wait for it first.
        await page.InteractiveAsync("new-case");
        await page.TestId("case-row").First.Locator("a[href^='/cases/']").First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/cases/\d{4}-\d{6}$"));
        await Assertions.Expect(page.TestId("case-created-at")).ToBeVisibleAsync();
        await CaseTests.SwitchLanguageAsync(page, "fa");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await page.InteractiveAsync("send-message");
        await Assertions.Expect(page.TestId("case-created-at")).ToHaveTextAsync(Ui.JalaliDateTime());
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "case-fa.png") });
        await page.Context.CloseAsync();

        Assert.True(new FileInfo(Path.Combine(folder, "cases-en.png")).Length > 10_000);
        Assert.True(new FileInfo(Path.Combine(folder, "case-fa.png")).Length > 10_000);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pishkhan.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Pishkhan.slnx not found above " + AppContext.BaseDirectory);
    }
}
