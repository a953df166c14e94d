using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Automation;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Sla;

namespace Pishkhan.Tests.Automation;

/// <summary>
/// The engine works through claimed events and runs in batches (one transaction each); these check that a batch
/// keeps the one-at-a-time semantics: a failing run fails alone, records keep apart, the loop cap holds inside a batch.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BatchingTests
{
    [Fact]
    public async Task ARunWhoseStepThrows_FailsAlone_TheOtherRunsOfTheBatchCompleteWithEachStepOnce()
    {
        using var a = new AutomationApp();
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "updated", fields = new[] { "customFields.d" } },
            steps = new object[]
            {
                new { id = "a", type = "addTag", tag = "seen" },
                // 10 / 0 throws while rendering: on one case only.
                new { id = "b", type = "setField", field = "customFields.ratio", value = "{{ 10 | divided_by: case.customFields.d }}" },
                new { id = "c", type = "addTag", tag = "done" },
            },
        }, "Ratio");
        var cases = new List<CaseDto>();
        for (var i = 0; i < 5; i++)
        {
            cases.Add(await a.App.CreateCaseAsync($"Case {i}"));
        }

        await a.TickAsync(); // the created events (routing's queue moves too), so the changes below come in one batch
        for (var i = 0; i < cases.Count; i++)
        {
            await a.PatchAsync(cases[i].Id, new { customFields = new { d = i == 2 ? "0" : "2" } });
        }

        await a.TickAsync();

        for (var i = 0; i < cases.Count; i++)
        {
            var run = Assert.Single(await a.RunsAsync(cases[i].Id), r => r.WorkflowName == "Ratio");
            var log = await a.LogAsync(run.Id);
            var current = await a.CaseAsync(cases[i].Id);
            Assert.Single(log, l => l.StepId == "a");
            Assert.Single(log, l => l.StepId == "b");
            if (i == 2)
            {
                Assert.Equal(RunStatus.Failed, run.Status);
                Assert.StartsWith("Step 'b' failed", run.Error, StringComparison.Ordinal);
                Assert.DoesNotContain(log, l => l.StepId == "c");
                Assert.Equal(["seen"], current.Tags);
                Assert.False(current.CustomFields.ContainsKey("ratio"));
            }
            else
            {
                Assert.Equal(RunStatus.Completed, run.Status);
                Assert.Null(run.Error);
                Assert.Single(log, l => l.StepId == "c");
                Assert.Equal(new[] { "done", "seen" }, current.Tags.Order(StringComparer.Ordinal).ToArray());
                Assert.Equal("5", current.CustomFields["ratio"]);
            }

            // The run's steps changed the record once (they run one after the other as one change), and it was saved
            // once: one audit row for the tags, from none to what the steps that succeeded left.
            var audit = Assert.Single(await a.App.WithDbAsync(db => db.AuditEntries.Where(e => e.EntityId == cases[i].Id && e.Field == "tags").ToListAsync()));
            Assert.Equal(i == 2 ? "[\"seen\"]" : "[\"seen\",\"done\"]", audit.NewValue);
        }

        Assert.Empty(await a.App.WithDbAsync(db => db.Set<WorkflowRun>().Where(r => r.LeaseOwner != null).ToListAsync()));
    }

    [Fact]
    public async Task EventsOfTwoRecordsAndTwoWorkflows_InOneBatch_EachChangeKeepsItsRecordOriginAndAuthor()
    {
        using var a = new AutomationApp();
        var numbering = await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "updated", fields = new[] { "priority" }, to = "high" },
            steps = new object[] { new { id = "n", type = "setField", field = "customFields.number", value = "{{ case.number }}" } },
        }, "Numbering");
        var tagging = await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "updated", fields = new[] { "priority" }, to = "high" },
            steps = new object[] { new { id = "t", type = "addTag", tag = "urgent-{{ case.number }}" } },
        }, "Tagging");
        var first = await a.App.CreateCaseAsync("First");
        var second = await a.App.CreateCaseAsync("Second");
        await a.TickAsync();
        await a.PatchAsync(first.Id, new { priority = "high" });
        await a.PatchAsync(second.Id, new { priority = "high" });
        await a.TickAsync();

        foreach (var created in new[] { first, second })
        {
            var current = await a.CaseAsync(created.Id);
            Assert.Equal(current.Number, current.CustomFields["number"]);
            Assert.Equal([$"urgent-{current.Number}"], current.Tags);
            var runs = await a.RunsAsync(created.Id);
            Assert.Single(runs, r => r.WorkflowName == "Numbering" && r.Status == RunStatus.Completed);
            Assert.Single(runs, r => r.WorkflowName == "Tagging" && r.Status == RunStatus.Completed);

            // The events the steps wrote name the workflow that made each change (so neither re-triggers itself).
            var events = await a.App.WithDbAsync(db => db.Set<AutomationEvent>().Where(e => e.RecordId == created.Id && e.OriginWorkflowId != null).ToListAsync());
            Assert.Equal(numbering.Id, Assert.Single(events, e => e.Changes.ContainsKey("customFields.number")).OriginWorkflowId);
            Assert.Equal(tagging.Id, Assert.Single(events, e => e.Changes.ContainsKey("tags")).OriginWorkflowId);
            Assert.All(events, e => Assert.Equal(1, e.Depth));

            var audits = await a.App.WithDbAsync(db => db.AuditEntries.Where(e => e.EntityId == created.Id && (e.Field == "tags" || e.Field == "customFields")).ToListAsync());
            Assert.Equal("Automation: Numbering", Assert.Single(audits, e => e.Field == "customFields").ActorName);
            Assert.Equal("Automation: Tagging", Assert.Single(audits, e => e.Field == "tags").ActorName);
        }
    }

    [Fact]
    public async Task TheHourlyCap_HoldsForAutomatedChangesOfOneRecordThatArriveInOneBatch()
    {
        using var a = new AutomationApp(new Dictionary<string, string> { ["Pishkhan:Automation:MaxAutomatedRunsPerRecordPerHour"] = "2" });
        // Four automated changes of the record, one per workflow: four events that the next tick takes as one batch.
        for (var i = 1; i <= 4; i++)
        {
            await a.CreateWorkflowAsync(new
            {
                trigger = new { type = "created" },
                steps = new object[] { new { id = $"s{i}", type = "setField", field = $"customFields.s{i}", value = $"{i}" } },
            }, $"Set {i}");
        }

        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "updated", fields = new[] { "customFields.s1", "customFields.s2", "customFields.s3", "customFields.s4" } },
            steps = new object[] { new { id = "echo", type = "addTag", tag = "echo" } },
        }, "Echo");
        var created = await a.App.CreateCaseAsync();
        await a.TickAsync();

        var echoes = (await a.RunsAsync(created.Id)).Where(r => r.WorkflowName == "Echo").ToList();
        Assert.Equal(4, echoes.Count);
        Assert.All(echoes, r => Assert.Equal(1, r.Depth));
        Assert.Equal(2, echoes.Count(r => r.Status == RunStatus.Completed));
        var stopped = echoes.Where(r => r.Status == RunStatus.Stopped).ToList();
        Assert.Equal(2, stopped.Count);
        Assert.All(stopped, r => Assert.Contains("in the last hour (at most 2)", r.Error, StringComparison.Ordinal));
        Assert.Equal(["echo"], (await a.CaseAsync(created.Id)).Tags);
    }

    [Fact]
    public async Task SetField_ReplaysTheSla_ForAFieldPoliciesRead_AndNotForOneTheyCannotRead()
    {
        using var a = new AutomationApp();
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "created" },
            conditions = new { all = new object[] { new { field = "subject", op = "contains", value = "stage" } } },
            steps = new object[] { new { id = "s", type = "setField", field = "customFields.stage", value = "triaged" } },
        }, "Stage");
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "created" },
            conditions = new { all = new object[] { new { field = "subject", op = "contains", value = "urgent" } } },
            steps = new object[] { new { id = "p", type = "setField", field = "priority", value = "high" } },
        }, "Urgent");
        var stage = await a.App.CreateCaseAsync("Printer stage");
        var urgent = await a.App.CreateCaseAsync("Printer urgent");
        var before = await a.App.WithDbAsync(db => db.Set<SlaInstance>().AsNoTracking().Where(i => i.CaseId == stage.Id).OrderBy(i => i.Metric).ToListAsync());
        Assert.NotEmpty(before);

        // A week later, with the SLA sweeper off: every medium target has passed, and only a replay would say so.
        a.Clock.Advance(TimeSpan.FromDays(7));
        await a.TickAsync();

        // A custom field: no policy or target reads it, so the SLA is left exactly as it was (not replayed).
        Assert.Equal("triaged", (await a.CaseAsync(stage.Id)).CustomFields["stage"]);
        var after = await a.App.WithDbAsync(db => db.Set<SlaInstance>().AsNoTracking().Where(i => i.CaseId == stage.Id).OrderBy(i => i.Metric).ToListAsync());
        Assert.Equal(before.Select(i => (i.Metric, i.State, i.DueAt, i.ComputedAt)), after.Select(i => (i.Metric, i.State, i.DueAt, i.ComputedAt)));
        Assert.DoesNotContain(after, i => i.State == SlaState.Breached);

        // The priority: the SLA is replayed at once, with the new targets, and is breached by now.
        Assert.Equal("high", (await a.CaseAsync(urgent.Id)).Priority.ToString().ToLowerInvariant());
        var replayed = await a.App.WithDbAsync(db => db.Set<SlaInstance>().AsNoTracking().Where(i => i.CaseId == urgent.Id && i.State != SlaState.Cancelled).ToListAsync());
        Assert.Contains(replayed, i => i.State == SlaState.Breached);
        Assert.All(replayed, i => Assert.Equal(a.Clock.GetUtcNow().UtcDateTime, i.ComputedAt));

        Assert.False(SlaEngine.IsAffectedBy("subject"));
        Assert.False(SlaEngine.IsAffectedBy("customFields.stage"));
        Assert.True(SlaEngine.IsAffectedBy("priority"));
        Assert.True(SlaEngine.IsAffectedBy("status"));
        Assert.True(SlaEngine.IsAffectedBy("product"));
    }

    [Fact]
    public async Task ManyRunsOfSeveralStepsInOneBatch_EachRunsStepsAreOneChange_EachStepSeesTheOnesBefore_AndHasItsLogLine()
    {
        using var a = new AutomationApp();
        var flow = await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "created" },
            steps = new object[]
            {
                new { id = "a", type = "addTag", tag = "seen" },
                new { id = "b", type = "setField", field = "customFields.stage", value = "triaged {{ case.number }} {{ case.tags }}" },
                new { id = "c", type = "addTag", tag = "bench" },
                new { id = "d", type = "removeTag", tag = "seen" },
            },
        }, "Steps");
        // A second workflow listens for the change the first one makes (one updated event for the run's steps).
        var echo = await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "updated", fields = new[] { "customFields.stage" } },
            conditions = new { all = new object[] { new { field = "customFields.stage", op = "startsWith", value = "triaged" } } },
            steps = new object[] { new { id = "e", type = "setField", field = "customFields.echo", value = "{{ case.customFields.stage }}" } },
        }, "Echo");
        var cases = new List<CaseDto>();
        for (var i = 0; i < 6; i++)
        {
            cases.Add(await a.App.CreateCaseAsync($"Case {i}"));
        }

        await a.TickAsync();

        foreach (var created in cases)
        {
            var current = await a.CaseAsync(created.Id);
            Assert.Equal(["bench"], current.Tags);
            Assert.Equal($"triaged {current.Number} seen", current.CustomFields["stage"]);
            Assert.Equal(current.CustomFields["stage"], current.CustomFields["echo"]);
            var runs = await a.RunsAsync(created.Id);
            var run = Assert.Single(runs, r => r.WorkflowName == "Steps");
            Assert.Equal(RunStatus.Completed, run.Status);
            Assert.Equal(RunStatus.Completed, Assert.Single(runs, r => r.WorkflowName == "Echo").Status);
            var log = await a.LogAsync(run.Id);
            Assert.Equal(["trigger", "a", "b", "c", "d"], log.Select(l => l.StepId));
            Assert.All(log.Where(l => l.StepId != "trigger"), l => Assert.Equal("ok", l.Outcome));
            Assert.Equal("customFields.stage: '' → 'triaged " + current.Number + " seen'", log.Single(l => l.StepId == "b").Detail);

            // Four steps, one change of the record (as a person's edit of several fields is one): one updated event
            // with what the steps did together, one audit row per field, each step its own log line (above).
            var change = Assert.Single(await a.App.WithDbAsync(db => db.Set<AutomationEvent>().Where(e => e.RecordId == created.Id && e.OriginWorkflowId == flow.Id).ToListAsync()));
            Assert.Equal(TriggerTypes.Updated, change.Kind);
            Assert.Equal(new FieldChange("", "bench"), change.Changes["tags"]);
            Assert.Equal(new FieldChange(null, current.CustomFields["stage"]), change.Changes["customFields.stage"]);
            var echoEvent = await a.App.WithDbAsync(db => db.Set<AutomationEvent>().Where(e => e.RecordId == created.Id && e.OriginWorkflowId == echo.Id).ToListAsync());
            Assert.Single(echoEvent);
            var audits = await a.App.WithDbAsync(db => db.AuditEntries.Where(e => e.EntityId == created.Id && e.ActorName == "Automation: Steps").ToListAsync());
            Assert.Equal("[\"bench\"]", Assert.Single(audits, e => e.Field == "tags").NewValue);
            Assert.Single(audits, e => e.Field == "customFields");
        }
    }
}
