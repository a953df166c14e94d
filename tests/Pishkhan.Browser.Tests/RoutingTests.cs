using Microsoft.Playwright;

namespace Pishkhan.Browser.Tests;

[Collection(BrowserGroup.Name)]
public sealed class RoutingTests(BrowserApp app)
{
    [BrowserFact]
    public async Task An_agents_presence_survives_a_reload_and_only_supervisors_see_the_queue_board()
    {
        var page = await app.NewPageAsync();
        await page.SignInAsync("reza@pishkhan.local", BrowserApp.Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await CaseTests.SwitchLanguageAsync(page, "en");
        await page.InteractiveAsync("next-case");

        await page.TestId("presence").Locator("button").First.ClickAsync();
        await page.TestId("presence-away").ClickAsync();
        await Assertions.Expect(page.TestId("presence")).ToContainTextAsync("Away");
        await page.ReloadAsync();
        await Assertions.Expect(page.TestId("presence")).ToContainTextAsync("Away");

        await Assertions.Expect(page.TestId("nav-queues")).ToHaveCountAsync(0);
        await page.GotoAsync("/queues");
        await Assertions.Expect(page.TestId("forbidden")).ToBeVisibleAsync();
        await Assertions.Expect(page.TestId("board-queue")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();

        page = await app.NewPageAsync();
        await page.SignInAsync("supervisor@pishkhan.local", BrowserApp.Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Assertions.Expect(page.TestId("nav-queues")).ToHaveAttributeAsync("href", "/queues");
        await page.GotoAsync("/queues"); // a click before the circuit is live can be lost; the link itself is checked above
        await Assertions.Expect(page.TestId("board-queue").First).ToBeVisibleAsync();
        await Assertions.Expect(page.TestId("board-queue-name").First).ToHaveTextAsync("General");
        await Assertions.Expect(page.TestId("board-agent").Filter(new() { HasText = "رضا احمدی" }).First).ToContainTextAsync("دور از میز");
        await page.Context.CloseAsync();
    }
}
