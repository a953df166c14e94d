using Microsoft.Playwright;

namespace Pishkhan.Browser.Tests;

[Collection(BrowserGroup.Name)]
public sealed class SignInTests(BrowserApp app)
{
    [BrowserFact]
    public async Task Signing_in_lands_on_the_case_list()
    {
        var page = await app.NewPageAsync();

        await page.SignInAsync(BrowserApp.AdminEmail, BrowserApp.Password);

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Assertions.Expect(page.TestId("current-user")).ToBeVisibleAsync();
        await Assertions.Expect(page.TestId("case-row").First).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_wrong_password_shows_the_error_and_stays_on_login()
    {
        var page = await app.NewPageAsync();

        await page.SignInAsync(BrowserApp.AdminEmail, "not-the-password");

        await page.WaitForURLAsync(url => new Uri(url).Query.Contains("error=invalid", StringComparison.Ordinal));
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or password is wrong.");
        await Assertions.Expect(page.Locator("#password")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task An_anonymous_visit_to_the_case_list_redirects_to_login()
    {
        var page = await app.NewPageAsync();

        await page.GotoAsync("/");

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/login");
        await Assertions.Expect(page.Locator("#email")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
