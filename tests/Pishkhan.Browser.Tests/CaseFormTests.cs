using Microsoft.Playwright;

namespace Pishkhan.Browser.Tests;

[Collection(BrowserGroup.Name)]
public sealed class CaseFormTests(BrowserApp app)
{
    [BrowserFact]
    public async Task The_new_case_form_suggests_a_category_from_the_text_and_takes_it_with_one_click()
    {
        var page = await app.NewPageAsync();
        await page.SignInAsync(BrowserApp.AdminEmail, BrowserApp.Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await CaseTests.SwitchLanguageAsync(page, "fa");
        await page.GotoAsync("/cases/new");

        await (await page.InteractiveAsync("subject")).FillAsync("فاكتور اشتباه است"); // Arabic kaf: normalised like the training text
        await page.TestId("description").FillAsync("مبلغ فاکتور با قرارداد همخوانی ندارد");
        await page.TestId("description").BlurAsync();

        var suggestion = page.TestId("category-suggestion");
        await Assertions.Expect(suggestion).ToContainTextAsync("مالی › فاکتورها");
        await Assertions.Expect(suggestion).ToContainTextAsync(new System.Text.RegularExpressions.Regex("\\([۰-۹]+ ?%\\)")); // its confidence, in Persian digits
        await page.TestId("use-suggestion").ClickAsync();
        await Assertions.Expect(suggestion).ToHaveCountAsync(0); // shown only while the category differs from it
        await page.Context.CloseAsync();
    }
}
