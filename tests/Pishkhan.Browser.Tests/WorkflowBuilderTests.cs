using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pishkhan.Features.Automation;
using Pishkhan.Platform.Data;

namespace Pishkhan.Browser.Tests;

[Collection(BrowserGroup.Name)]
public sealed class WorkflowBuilderTests(BrowserApp app)
{
    /// <summary>
    /// An admin builds the out-of-hours acknowledgement without writing JSON: the example opens in the builder, they add a
    /// tag step, save, and the saved definition is the one the builder showed; the JSON view shows the same workflow.
    /// </summary>
    [BrowserFact]
    public async Task An_admin_adds_a_step_in_the_builder_and_saves_the_workflow()
    {
        var page = await app.NewPageAsync();
        await page.SignInAsync(BrowserApp.AdminEmail, BrowserApp.Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await page.GotoAsync("/admin/workflows");
        var name = $"After hours {Guid.NewGuid():N}"[..24];

        await (await page.InteractiveAsync("wfb-add-step")).ClickAsync();
        await page.TestId("wfb-step-tag").FillAsync("after-hours");
        await page.TestId("workflow-name").FillAsync(name);
        await page.TestId("save-workflow").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/admin/workflows/", StringComparison.Ordinal));

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>().CreateDbContextAsync();
        var saved = await db.Set<Workflow>().SingleAsync(w => w.Name == name);
        var definition = WorkflowDefinition.FromJson(await db.Set<WorkflowVersion>().Where(v => v.Id == saved.CurrentVersionId).Select(v => v.Definition).SingleAsync());
        Assert.Equal([StepTypes.Reply, StepTypes.AddTag], definition.Steps!.Select(s => s.Type));
        Assert.Equal("after-hours", definition.Steps![1].Tag);
        Assert.Equal("closed", definition.Conditions!.Is ?? definition.Conditions.All?.Single().Is);

        await Assertions.Expect(page.TestId("wfb-step")).ToHaveCountAsync(2); // the saved workflow opens in the builder again
        await page.TestId("show-json").ClickAsync();
        await Assertions.Expect(page.TestId("workflow-json")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"tag\": \"after-hours\""));
    }
}
