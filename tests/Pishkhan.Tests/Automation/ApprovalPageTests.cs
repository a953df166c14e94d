using System.Net;
using System.Net.Http.Json;
using Pishkhan.Features.Automation;
using Pishkhan.Features.Identity;

namespace Pishkhan.Tests.Automation;

/// <summary>Approvals for their approvers only (API and page), and the case view's automation section and timeline entries.</summary>
[Trait("Category", "Integration")]
public sealed class ApprovalPageTests
{
    [Fact]
    public async Task OnlyANamedApproverSeesAndDecides_AnotherSupervisorGets403_ThePageListsWhatWaits()
    {
        using var a = new AutomationApp();
        a.Clock.Set(TimeProvider.System.GetUtcNow()); // the sign-in cookie expires by the app's clock
        var lead = await a.App.CreateUserAsync($"lead-{Guid.NewGuid():N}@test.local", UserRole.Supervisor);
        var other = await a.App.CreateUserAsync($"other-{Guid.NewGuid():N}@test.local", UserRole.Supervisor);
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "created" },
            steps = new object[]
            {
                new { id = "ask", type = "approval", userIds = new[] { lead.Id }, title = "Refund for {{ case.number }}?", timeout = new { hours = 4 } },
                new { id = "yes", type = "addTag", tag = "refund-approved" },
            },
        }, "Refund approval");
        var created = await a.App.CreateCaseAsync();
        await a.TickAsync();
        var leadClient = await a.App.LoginAsync(lead.Email!);
        var otherClient = await a.App.LoginAsync(other.Email!);

        var mine = Assert.Single((await leadClient.GetFromJsonAsync<List<ApprovalDto>>("/api/v1/workflow-approvals", PishkhanAppFactory.Json))!);
        Assert.Equal("Refund approval", mine.WorkflowName);
        Assert.Equal(created.Number, mine.RecordNumber);
        Assert.Empty((await otherClient.GetFromJsonAsync<List<ApprovalDto>>("/api/v1/workflow-approvals", PishkhanAppFactory.Json))!);

        // Not an approver: 403 on both decisions, and nothing changes; an unknown approval is 404.
        Assert.Equal(HttpStatusCode.Forbidden, (await otherClient.PostAsJsonAsync($"/api/v1/workflow-approvals/{mine.Id}/approve", new { }, PishkhanAppFactory.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherClient.PostAsJsonAsync($"/api/v1/workflow-approvals/{mine.Id}/reject", new { }, PishkhanAppFactory.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.PostAsJsonAsync($"/api/v1/workflow-approvals/{Guid.NewGuid()}/approve", new { }, PishkhanAppFactory.Json)).StatusCode);
        Assert.Single((await leadClient.GetFromJsonAsync<List<ApprovalDto>>("/api/v1/workflow-approvals", PishkhanAppFactory.Json))!);

        // The page: the approver sees the row with the workflow, the case and the question; the other sees none.
        var page = WebUtility.HtmlDecode(await leadClient.GetStringAsync("/approvals"));
        Assert.Contains("data-testid=\"approval-row\"", page, StringComparison.Ordinal);
        Assert.Contains("Refund approval", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/cases/{created.Number}\"", page, StringComparison.Ordinal);
        Assert.Contains($"Refund for {created.Number}?", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"approve\"", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"no-approvals\"", await otherClient.GetStringAsync("/approvals"), StringComparison.Ordinal);

        var approved = await leadClient.PostAsJsonAsync($"/api/v1/workflow-approvals/{mine.Id}/approve", new { comment = "ok" }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        await a.TickAsync();
        Assert.Equal(["refund-approved"], (await a.CaseAsync(created.Id)).Tags);
    }

    [Fact]
    public async Task TheCaseView_NamesTheWorkflowInItsTimeline_AndListsTheRunsInItsAutomationSection()
    {
        using var a = new AutomationApp();
        a.Clock.Set(TimeProvider.System.GetUtcNow());
        await a.CreateWorkflowAsync(new { trigger = new { type = "created" }, steps = new object[] { new { id = "t", type = "addTag", tag = "seen" } } }, "Tag new cases");
        await a.CreateWorkflowAsync(new { trigger = new { type = "created" }, steps = new object[] { new { id = "bad", type = "setField", field = "status", value = "No such status" } } }, "Broken rule");
        var created = await a.App.CreateCaseAsync();
        await a.TickAsync();
        var runs = await a.RunsAsync(created.Id);
        Assert.Equal(2, runs.Count);

        var admin = await a.App.LoginAsync(PishkhanAppFactory.AdminEmail);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.GetAsync("/account/language/en")).StatusCode);
        var page = WebUtility.HtmlDecode(await admin.GetStringAsync($"/cases/{created.Number}"));

        Assert.Contains("Automation: Tag new cases (version 1): Completed", page, StringComparison.Ordinal);
        Assert.Contains("Automation: Broken rule (version 1): Failed — Step 'bad' failed: No status is named 'No such status'.", page, StringComparison.Ordinal);
        foreach (var run in runs)
        {
            Assert.DoesNotContain($": {run.Id} →", page, StringComparison.Ordinal);
            Assert.Contains($"href=\"/admin/workflows/{run.WorkflowId}?run={run.Id}\"", page, StringComparison.Ordinal);
        }

        Assert.Contains("data-testid=\"case-automation\"", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"case-run\" data-status=\"Failed\"", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"case-run-error\"", page, StringComparison.Ordinal);

        // The link opens that run's log on the workflows page.
        var failed = runs.Single(r => r.Status == RunStatus.Failed);
        var log = WebUtility.HtmlDecode(await admin.GetStringAsync($"/admin/workflows/{failed.WorkflowId}?run={failed.Id}"));
        Assert.Contains("data-testid=\"run-log\"", log, StringComparison.Ordinal);
    }
}
