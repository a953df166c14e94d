using System.Net;
using Pishkhan.Features.Identity;

namespace Pishkhan.Tests.Automation;

/// <summary>The workflows admin page as the server first renders it.</summary>
[Trait("Category", "Integration")]
public sealed class WorkflowPageTests
{
    [Fact]
    public async Task Admin_SeesWorkflowsWithTheirVersionsAndRecentRuns_InPersianToo_AgentIsRefused()
    {
        using var a = new AutomationApp();
        a.Clock.Set(TimeProvider.System.GetUtcNow()); // the sign-in cookie expires by the app's clock, and the client drops cookies expired by the real one
        var workflow = await a.CreateWorkflowAsync(new { trigger = new { type = "created" }, steps = new object[] { new { id = "t", type = "addTag", tag = "seen" } } }, "Tag new cases");
        var created = await a.App.CreateCaseAsync();
        await a.TickAsync();

        var admin = await a.App.LoginAsync(PishkhanAppFactory.AdminEmail);
        var first = await admin.GetAsync("/admin/workflows");
        Assert.True(first.StatusCode == HttpStatusCode.OK, $"{first.StatusCode} {first.Headers.Location}");
        var list = await first.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"nav-workflows\"", list, StringComparison.Ordinal);
        Assert.Contains("Tag new cases", list, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"workflow-builder\"", list, StringComparison.Ordinal); // a new workflow opens in the builder

        var page = WebUtility.HtmlDecode(await admin.GetStringAsync($"/admin/workflows/{workflow.Id}"));
        Assert.Contains("data-testid=\"workflow-version\"", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"workflow-run\" data-status=\"Completed\"", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/cases/{created.Number}\"", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"wfb-step-tag\"", page, StringComparison.Ordinal); // a workflow the builder can show opens there
        Assert.Matches("<input[^>]*value=\"seen\"", page);

        Assert.Equal(HttpStatusCode.Redirect, (await admin.GetAsync("/account/language/fa")).StatusCode);
        var fa = WebUtility.HtmlDecode(await admin.GetStringAsync($"/admin/workflows/{workflow.Id}"));
        Assert.Contains("اجراهای اخیر", fa, StringComparison.Ordinal);
        Assert.Contains("پایان‌یافته", fa, StringComparison.Ordinal);

        var email = $"agent-{Guid.NewGuid():N}@test.local";
        await a.App.CreateUserAsync(email, UserRole.Agent);
        var agent = await a.App.LoginAsync(email);
        var refused = await agent.GetAsync("/admin/workflows");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/forbidden", refused.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
