using Microsoft.Playwright;

namespace Pishkhan.Browser.Tests;

[Collection(BrowserGroup.Name)]
public sealed class RoutingAdminTests(BrowserApp app)
{
    [BrowserFact]
    public async Task An_admin_sets_up_a_queue_a_rule_that_feeds_it_and_an_agents_skills_from_the_routing_page()
    {
        var page = await app.NewPageAsync();
        await page.SignInAsync(BrowserApp.AdminEmail, BrowserApp.Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await CaseTests.SwitchLanguageAsync(page, "en");
        await Assertions.Expect(page.TestId("nav-routing")).ToHaveAttributeAsync("href", "/admin/routing");
        await page.GotoAsync("/admin/routing");

        // A queue without a name is refused, naming the field; then saved with one.
        await (await page.InteractiveAsync("save-queue")).ClickAsync();
        await Assertions.Expect(page.TestId("field-errors")).ToContainTextAsync("name");
        var queue = $"Billing {Guid.NewGuid():N}"[..16];
        await page.TestId("queue-name").FillAsync(queue);
        await page.ChooseAsync("queue-strategy", "Least loaded");
        await page.TestId("queue-skills").FillAsync("language:fa=3");
        await page.TestId("save-queue").ClickAsync();
        var row = page.TestId("queue-row").Filter(new() { HasText = queue });
        await Assertions.Expect(row).ToContainTextAsync("Least loaded");
        await Assertions.Expect(row).ToContainTextAsync("language:fa≥3");

        // A rule that sends invoices to it.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Routing rules" }).ClickAsync();
        await (await page.InteractiveAsync("routing-rule-name")).FillAsync($"Invoices to {queue}");
        await page.ChooseAsync("routing-rule-queue", queue);
        await page.TestId("routing-condition-values").FillAsync("invoice، فاکتور");
        await page.TestId("save-routing-rule").ClickAsync();
        var rule = page.TestId("routing-rule-row").Filter(new() { HasText = $"Invoices to {queue}" });
        await Assertions.Expect(rule).ToContainTextAsync("Subject or description contains invoice، فاکتور");

        // An agent's skills: a level out of range is refused, a good one kept across a reload.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Agents" }).ClickAsync();
        var reza = page.Locator("[data-testid='agent-profile-row'][data-user='reza@pishkhan.local']");
        await reza.Locator("[data-testid='agent-skills']").FillAsync("language:fa=9");
        await reza.Locator("[data-testid='save-agent-profile']").ClickAsync();
        await Assertions.Expect(page.TestId("field-errors")).ToContainTextAsync("between 1 and 5");
        await reza.Locator("[data-testid='agent-skills']").FillAsync("language:fa=4, product:crm=2");
        await reza.Locator("[data-testid='save-agent-profile']").ClickAsync();
        await Assertions.Expect(page.TestId("field-errors")).ToHaveCountAsync(0);

        await page.ReloadAsync();
        await page.InteractiveAsync("queue-name");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Agents" }).ClickAsync();
        await Assertions.Expect(reza.Locator("[data-testid='agent-skills']")).ToHaveValueAsync("language:fa=4, product:crm=2");
        await page.Context.CloseAsync();
    }
}
