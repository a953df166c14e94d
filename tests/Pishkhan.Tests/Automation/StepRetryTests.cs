using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Automation;

namespace Pishkhan.Tests.Automation;

/// <summary>
/// A failed step is tried again per its policy (<c>maxAttempts</c>, <c>backoffSeconds</c>, doubling), then the run fails
/// on that step; without a policy it fails at once.
/// </summary>
[Trait("Category", "Integration")]
public sealed class StepRetryTests
{
    // The status comes from a custom field: no status is named "soon", so the step fails until someone fixes the field
    // (which starts no second run: the workflow starts when the field becomes "soon").
    private static object Definition(int? maxAttempts) => new
    {
        trigger = new { type = "updated", fields = new[] { "customFields.wanted" }, to = "soon" },
        steps = new object[]
        {
            maxAttempts is { } n
                ? new { id = "p", type = "setField", field = "status", value = "{{ case.customFields.wanted }}", maxAttempts = n, backoffSeconds = 60 }
                : (object)new { id = "p", type = "setField", field = "status", value = "{{ case.customFields.wanted }}" },
            new { id = "t", type = "addTag", tag = "prioritised" },
        },
    };

    [Fact]
    public async Task AFailingStep_IsTriedAgainAfterItsBackoff_AndTheRunGoesOnWhenItSucceeds()
    {
        using var a = new AutomationApp();
        await a.CreateWorkflowAsync(Definition(maxAttempts: 3), "Prioritise");
        var created = await a.App.CreateCaseAsync("Retry me");
        await a.TickAsync();
        await a.PatchAsync(created.Id, new { customFields = new { wanted = "soon" } });
        await a.TickAsync();

        var run = Assert.Single(await a.RunsAsync(created.Id), r => r.WorkflowName == "Prioritise");
        var start = run.StartedAt;
        Assert.Equal(RunStatus.Waiting, run.Status);
        Assert.Equal(start.AddSeconds(60), run.DueAt);
        var first = Assert.Single(await a.LogAsync(run.Id), l => l.StepId == "p");
        Assert.Equal("retrying", first.Outcome);
        Assert.Contains("attempt 1 of 3 failed", first.Detail, StringComparison.Ordinal);
        Assert.Contains("No status is named 'soon'", first.Error, StringComparison.Ordinal);

        // Not before its time; at it, attempt 2 fails again and waits twice as long.
        a.Clock.Advance(TimeSpan.FromSeconds(59));
        await a.TickAsync();
        Assert.Single(await a.LogAsync(run.Id), l => l.StepId == "p");
        a.Clock.Advance(TimeSpan.FromSeconds(1));
        await a.TickAsync();
        run = await a.RunAsync(run.Id);
        Assert.Equal(RunStatus.Waiting, run.Status);
        Assert.Equal(start.AddSeconds(60 + 120), run.DueAt);

        // Someone fixes the field; the run's third try reads the case afresh and succeeds.
        await a.PatchAsync(created.Id, new { customFields = new { wanted = "Open" } });
        a.Clock.Advance(TimeSpan.FromSeconds(120));
        await a.TickAsync();
        run = await a.RunAsync(run.Id);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Single(await a.RunsAsync(created.Id), r => r.WorkflowName == "Prioritise");
        var log = await a.LogAsync(run.Id);
        Assert.Equal(["retrying", "retrying", "ok"], log.Where(l => l.StepId == "p").Select(l => l.Outcome));
        Assert.Equal("ok", Assert.Single(log, l => l.StepId == "t").Outcome);
        Assert.Contains("prioritised", (await a.CaseAsync(created.Id)).Tags);
        Assert.Equal("Open", await a.App.WithDbAsync(db => db.Cases.Where(c => c.Id == created.Id).Select(c => c.Status!.Name).FirstAsync()));
    }

    [Fact]
    public async Task AStepOutOfAttempts_FailsTheRunOnThatStep_AndWithoutAPolicyItFailsAtOnce()
    {
        using var a = new AutomationApp();
        await a.CreateWorkflowAsync(Definition(maxAttempts: 2), "Twice");
        await a.CreateWorkflowAsync(Definition(maxAttempts: null), "Once");
        var created = await a.App.CreateCaseAsync("Give up");
        await a.TickAsync();
        await a.PatchAsync(created.Id, new { customFields = new { wanted = "soon" } });
        await a.TickAsync();

        var runs = await a.RunsAsync(created.Id);
        var once = Assert.Single(runs, r => r.WorkflowName == "Once");
        Assert.Equal(RunStatus.Failed, once.Status);
        Assert.StartsWith("Step 'p' failed", once.Error, StringComparison.Ordinal);
        Assert.Equal("failed", Assert.Single(await a.LogAsync(once.Id), l => l.StepId == "p").Outcome);

        var twice = Assert.Single(runs, r => r.WorkflowName == "Twice");
        Assert.Equal(RunStatus.Waiting, twice.Status);
        a.Clock.Advance(TimeSpan.FromSeconds(60));
        await a.TickAsync();
        twice = await a.RunAsync(twice.Id);
        Assert.Equal(RunStatus.Failed, twice.Status);
        Assert.Equal("p", twice.CurrentStepId); // "retry from this step" takes it up again
        Assert.Equal(["retrying", "failed"], (await a.LogAsync(twice.Id)).Where(l => l.StepId == "p").Select(l => l.Outcome));
        Assert.DoesNotContain("prioritised", (await a.CaseAsync(created.Id)).Tags);
    }

    [Fact]
    public async Task ARetryPolicyOutOfRange_IsRefusedWithItsLocation()
    {
        using var a = new AutomationApp();
        var response = await a.App.ApiClient().PostAsJsonAsync("/api/v1/workflows", new
        {
            name = "Too many",
            definition = new
            {
                trigger = new { type = "created" },
                steps = new object[] { new { id = "t", type = "addTag", tag = "x", maxAttempts = 11, backoffSeconds = 0 } },
            },
        }, PishkhanAppFactory.Json);
        var errors = await Problems.ErrorsAsync(response);
        Assert.Contains("definition.steps[0].maxAttempts", errors.Keys);
        Assert.Contains("definition.steps[0].backoffSeconds", errors.Keys);
    }
}
