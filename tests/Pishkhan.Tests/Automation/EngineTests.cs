using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Automation;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using static Pishkhan.Tests.Automation.AutomationApp;

namespace Pishkhan.Tests.Automation;

/// <summary>Durability, loop safety, versioning, and each trigger and step type, through the real app on a test clock.</summary>
[Trait("Category", "Integration")]
public sealed class EngineTests
{
    [Fact]
    public async Task RestartDuringAWait_TheSecondProcessResumesAtTheRightInstant_AndTheRunContinuesExactlyOnce()
    {
        using var a = new AutomationApp();
        await a.UseOfficeCalendarAsync();
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "created" },
            steps = new object[]
            {
                new { id = "wait", type = "wait", duration = new { businessHours = 10 } },
                new { id = "tag", type = "addTag", tag = "waited" },
            },
        });
        a.Clock.Set(Utc(2026, 1, 9, 15, 0)); // Friday 15:00: 2 hours today, Monday is a holiday, 8 hours Tuesday → Tuesday 17:00
        var created = await a.App.CreateCaseAsync();
        await a.TickAsync();
        var run = Assert.Single(await a.RunsAsync(created.Id));
        Assert.Equal(RunStatus.Waiting, run.Status);
        Assert.Equal(new DateTime(2026, 1, 13, 17, 0, 0, DateTimeKind.Utc), run.DueAt);

        // "Restart": a second process on the same database, with a fresh engine; the first one keeps ticking too.
        using var b = new PishkhanAppFactory(a.App, a.Clock, Manual);
        var first = a.Service<AutomationEngine>();
        var second = b.Services.GetRequiredService<AutomationEngine>();
        a.Clock.Set(Utc(2026, 1, 13, 16, 59));
        // A minute early nothing fires. (The tick may still consume an unrelated event, e.g. routing's queue move
        // that lands after the first tick, so the run's state is what is checked, not the tick's count.)
        await second.TickAsync();
        Assert.Equal(RunStatus.Waiting, (await a.RunAsync(run.Id)).Status);
        Assert.Empty((await a.CaseAsync(created.Id)).Tags);
        a.Clock.Set(Utc(2026, 1, 13, 17, 0));
        await Task.WhenAll(second.RunUntilIdleAsync(), first.RunUntilIdleAsync(), second.RunUntilIdleAsync());

        Assert.Equal(["waited"], (await a.CaseAsync(created.Id)).Tags);
        var log = await a.LogAsync(run.Id);
        Assert.Single(log, l => l.StepId == "tag");
        Assert.Single(log, l => l.StepId == "wait" && l.Outcome == "ok");
        Assert.Equal(RunStatus.Completed, (await a.RunAsync(run.Id)).Status);
        Assert.Single(await a.App.WithDbAsync(db => db.AuditEntries.Where(e => e.EntityId == created.Id && e.Field == "tags").ToListAsync()));
    }

    [Fact]
    public async Task EveryAcknowledgedChange_HasItsOutboxEvent_InTheSameTransaction()
    {
        using var a = new AutomationApp();
        var created = await a.App.CreateCaseAsync();
        await a.RoutedAsync(created.Id);
        await a.PatchAsync(created.Id, new { priority = "high", subject = "Changed" });
        var events = await a.App.WithDbAsync(db => db.Set<AutomationEvent>().Where(e => e.RecordId == created.Id).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).ToListAsync());
        // Routing put the new case in the default queue (an update of its own); ours is the one with the subject.
        Assert.Equal("created", events[0].Kind);
        var ours = Assert.Single(events, e => e.Changes.ContainsKey("subject"));
        Assert.Equal(new FieldChange("medium", "high"), ours.Changes["priority"]);
        Assert.Equal(new FieldChange("Printer is on fire", "Changed"), ours.Changes["subject"]);
        var count = events.Count;
        Assert.All(events, e => Assert.Null(e.ProcessedAt));
        await a.TickAsync();
        Assert.Empty(await a.App.WithDbAsync(db => db.Set<AutomationEvent>().Where(e => e.ProcessedAt == null).ToListAsync()));

        // A change that is refused (stale version) writes no event.
        var stale = await a.App.ApiClient().PatchAsync($"/api/v1/cases/{created.Id}", Problems.JsonBody(new { version = 0, subject = "Nope" }));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(count, await a.App.WithDbAsync(db => db.Set<AutomationEvent>().CountAsync(e => e.RecordId == created.Id)));
    }

    [Fact]
    public async Task TwoWorkflowsThatUpdateEachOther_StopAtTheHourlyCap_WithALoggedError()
    {
        using var a = new AutomationApp(new Dictionary<string, string> { ["Pishkhan:Automation:MaxDepth"] = "100", ["Pishkhan:Automation:MaxAutomatedRunsPerRecordPerHour"] = "6" });
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "updated", fields = new[] { "customFields.ping" } },
            steps = new object[] { new { id = "pong", type = "setField", field = "customFields.pong", value = "{{ case.customFields.ping }}o" } },
        }, "Ping");
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "updated", fields = new[] { "customFields.pong" } },
            steps = new object[] { new { id = "ping", type = "setField", field = "customFields.ping", value = "{{ case.customFields.pong }}i" } },
        }, "Pong");
        var created = await a.App.CreateCaseAsync();
        await a.RoutedAsync(created.Id);
        await a.PatchAsync(created.Id, new { customFields = new { ping = "p" } });
        await a.TickAsync();

        var runs = await a.RunsAsync(created.Id);
        Assert.Equal(1, runs.Count(r => r.Depth == 0));
        Assert.Equal(6, runs.Count(r => r.Depth > 0 && r.Status == RunStatus.Completed));
        var stopped = Assert.Single(runs, r => r.Status == RunStatus.Stopped);
        Assert.Contains("in the last hour (at most 6)", stopped.Error, StringComparison.Ordinal);
        Assert.Empty(await a.App.WithDbAsync(db => db.Set<AutomationEvent>().Where(e => e.ProcessedAt == null).ToListAsync()));
        Assert.Contains(await a.TimelineAsync(created.Id), e => e.Field == "automation" && e.NewValue == "stopped");
    }

    [Fact]
    public async Task ALongChainOfAutomatedChanges_StopsAtTheDepthLimit_AndAWorkflowIgnoresItsOwnChanges()
    {
        using var a = new AutomationApp(new Dictionary<string, string> { ["Pishkhan:Automation:MaxDepth"] = "3" });
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "updated", fields = new[] { "customFields.ping" } },
            steps = new object[] { new { id = "pong", type = "setField", field = "customFields.pong", value = "{{ case.customFields.ping }}o" } },
        });
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "updated", fields = new[] { "customFields.pong" } },
            steps = new object[] { new { id = "ping", type = "setField", field = "customFields.ping", value = "{{ case.customFields.pong }}i" } },
        });
        // Re-triggered by its own change were it not for loop protection.
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "updated", fields = new[] { "subject" } },
            steps = new object[] { new { id = "self", type = "setField", field = "subject", value = "{{ case.subject }}!" } },
        }, "Self");
        var created = await a.App.CreateCaseAsync();
        await a.PatchAsync(created.Id, new { customFields = new { ping = "p" }, subject = "Hello" });
        await a.TickAsync();

        var runs = await a.RunsAsync(created.Id);
        var stopped = Assert.Single(runs, r => r.Status == RunStatus.Stopped);
        Assert.Equal(4, stopped.Depth);
        Assert.Contains("chain of 4 automated changes (at most 3)", stopped.Error, StringComparison.Ordinal);
        Assert.Single(runs, r => r.WorkflowName == "Self");
        Assert.Equal("Hello!", (await a.CaseAsync(created.Id)).Subject);
    }

    [Fact]
    public async Task EditingAWorkflow_MakesANewVersion_ARunningInstanceFinishesOnItsOwn()
    {
        using var a = new AutomationApp();
        var workflow = await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "created" },
            steps = new object[] { new { id = "wait", type = "wait", duration = new { hours = 1 } }, new { id = "tag", type = "addTag", tag = "v1" } },
        });
        var early = await a.App.CreateCaseAsync();
        await a.TickAsync();

        var client = a.App.ApiClient();
        var put = await client.PutAsJsonAsync($"/api/v1/workflows/{workflow.Id}", new
        {
            name = workflow.Name,
            version = workflow.Version,
            definition = new { trigger = new { type = "created" }, steps = new object[] { new { id = "tag", type = "addTag", tag = "v2" } } },
        }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var saved = (await put.Content.ReadFromJsonAsync<WorkflowDto>(PishkhanAppFactory.Json))!;
        Assert.Equal(2, saved.CurrentVersion);
        var stale = await client.PutAsJsonAsync($"/api/v1/workflows/{workflow.Id}", new { name = workflow.Name, version = workflow.Version, definition = new { trigger = new { type = "created" }, steps = new object[] { new { id = "t", type = "addTag", tag = "x" } } } }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        var late = await a.App.CreateCaseAsync();
        a.Clock.Advance(TimeSpan.FromHours(1));
        await a.TickAsync();
        Assert.Equal(["v1"], (await a.CaseAsync(early.Id)).Tags);
        Assert.Equal(["v2"], (await a.CaseAsync(late.Id)).Tags);
        Assert.Equal(1, (await a.RunsAsync(early.Id)).Single().WorkflowVersion);
        Assert.Equal(2, (await a.RunsAsync(late.Id)).Single().WorkflowVersion);
        var versions = await client.GetFromJsonAsync<List<WorkflowVersionDto>>($"/api/v1/workflows/{workflow.Id}/versions", PishkhanAppFactory.Json);
        Assert.Equal([2, 1], versions!.Select(v => v.Number));

        // Disabled, it runs no more; enabled again, it does.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/v1/workflows/{workflow.Id}/disable", null)).StatusCode);
        var off = await a.App.CreateCaseAsync();
        await a.TickAsync();
        Assert.Empty(await a.RunsAsync(off.Id));
    }

    [Fact]
    public async Task AdminApi_NamesEveryProblem_AndIsAdminOnly()
    {
        using var a = new AutomationApp();
        var client = a.App.ApiClient();
        var bad = await client.PostAsJsonAsync("/api/v1/workflows", new
        {
            name = "",
            definition = new
            {
                trigger = new { type = "updated", fields = new[] { "colour" } },
                steps = new object[] { new { id = "w", type = "wait", duration = new { businessHours = 1, calendarId = Guid.NewGuid() } } },
            },
        }, PishkhanAppFactory.Json);
        var errors = await Problems.ErrorsAsync(bad);
        Assert.Contains("name", errors.Keys);
        Assert.Contains("definition.trigger.fields[0]", errors.Keys);
        Assert.Contains("definition.steps[0].duration.calendarId", errors.Keys);
        Assert.Equal(BuiltInWorkflows.All.Count, await a.App.WithDbAsync(db => db.Set<Workflow>().CountAsync())); // the seeded ones only

        var notJson = await client.PostAsJsonAsync("/api/v1/workflows/validate", new { definition = new { trigger = new { type = "created" }, steps = "nope" } }, PishkhanAppFactory.Json);
        Assert.Contains("definition.steps", (await Problems.ErrorsAsync(notJson)).Keys);
        var valid = await client.PostAsJsonAsync("/api/v1/workflows/validate", new { definition = new { trigger = new { type = "created" }, steps = new object[] { new { id = "a", type = "addTag", tag = "x" } } } }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);

        var created = await a.CreateWorkflowAsync(new { trigger = new { type = "created" }, steps = new object[] { new { id = "a", type = "addTag", tag = "x" } } }, "Tagger", enabled: false);
        var duplicate = await client.PostAsJsonAsync("/api/v1/workflows", new { name = "Tagger", definition = new { trigger = new { type = "created" }, steps = new object[] { new { id = "a", type = "addTag", tag = "x" } } } }, PishkhanAppFactory.Json);
        Assert.Contains("already exists", (await Problems.ErrorsAsync(duplicate))["name"][0]);
        var noVersion = await client.PutAsJsonAsync($"/api/v1/workflows/{created.Id}", new { name = "Tagger", definition = new { trigger = new { type = "created" }, steps = new object[] { new { id = "a", type = "addTag", tag = "x" } } } }, PishkhanAppFactory.Json);
        Assert.Contains("version", (await Problems.ErrorsAsync(noVersion)).Keys);
        Assert.Single((await client.GetFromJsonAsync<List<WorkflowDto>>("/api/v1/workflows", PishkhanAppFactory.Json))!, w => w.Name == "Tagger");

        var agentKey = await a.App.CreateApiKeyAsync(Scopes.CasesRead, Scopes.CasesWrite);
        Assert.Equal(HttpStatusCode.Forbidden, (await a.App.ApiClient(agentKey).GetAsync("/api/v1/workflows")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await a.App.AnonymousClient().GetAsync("/api/v1/workflows")).StatusCode);

        // Dry run: says what would happen and changes nothing.
        var someCase = await a.App.CreateCaseAsync();
        var dry = await client.PostAsJsonAsync($"/api/v1/workflows/{created.Id}/dry-run", new { recordId = someCase.Id }, PishkhanAppFactory.Json);
        var result = (await dry.Content.ReadFromJsonAsync<DryRunDto>(PishkhanAppFactory.Json))!;
        Assert.True(result.ConditionsHold);
        Assert.Equal(["a (addTag)"], result.Steps);
        Assert.Empty((await a.CaseAsync(someCase.Id)).Tags);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/workflows/{created.Id}")).StatusCode);
    }

    [Fact]
    public async Task Triggers_StatusChangedAssignedMessageReceivedSlaBreachedAndDeleted()
    {
        using var a = new AutomationApp();
        var statuses = await a.App.WithDbAsync(db => db.CaseStatuses.ToDictionaryAsync(s => s.Name, s => s.Id));
        var resolved = statuses.Keys.First(k => k.Contains("Resolved", StringComparison.OrdinalIgnoreCase));
        foreach (var (type, tag, extra) in new (string, string, object?)[] { ("statusChanged", "status", null), ("assigned", "assigned", null), ("messageReceived", "message", null), ("slaBreached", "sla", null) })
        {
            await a.CreateWorkflowAsync(new { trigger = new { type, to = type == "statusChanged" ? resolved : null }, steps = new object[] { new { id = "t", type = "addTag", tag } } }, type);
        }

        var team = await a.App.CreateTeamAsync("T");
        var created = await a.App.CreateCaseAsync();
        await a.PatchAsync(created.Id, new { statusId = statuses[resolved] });
        await a.PatchAsync(created.Id, new { teamId = team });
        await a.App.WithDbAsync(async db =>
        {
            db.TimelineEntries.Add(new TimelineEntry { CaseId = created.Id, Kind = TimelineKind.InboundMessage, IsPublic = true, Body = "Any news?", AuthorName = "Customer", CreatedAt = a.Clock.GetUtcNow().UtcDateTime });
            // What the SLA sweeper writes when a metric breaches.
            db.TimelineEntries.Add(new TimelineEntry { CaseId = created.Id, Kind = TimelineKind.Event, Field = Features.Sla.SlaEngine.TimelineField, OldValue = "firstResponse", NewValue = "breached", AuthorName = "SLA", CreatedAt = a.Clock.GetUtcNow().UtcDateTime });
            return await db.SaveChangesAsync();
        });
        await a.TickAsync();

        Assert.Equal(["assigned", "message", "sla", "status"], (await a.CaseAsync(created.Id)).Tags.Order());
        // The workflows' own tag changes trigger none of them again.
        Assert.Equal(4, (await a.RunsAsync(created.Id)).Count);
    }

    [Fact]
    public async Task ScheduledAndRelativeTriggers_FireOnTheCalendar()
    {
        using var a = new AutomationApp();
        var office = await a.UseOfficeCalendarAsync();
        var open = await a.App.CreateCaseAsync("Open one");
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "relative", field = "createdAt", offset = new { businessHours = 2 } },
            steps = new object[] { new { id = "t", type = "addTag", tag = "two-business-hours" } },
        });
        a.Clock.Set(Utc(2026, 1, 9, 16, 0)); // Friday 16:00: 1 hour today + 1 on Tuesday (Monday is a holiday) → Tuesday 10:00
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "scheduled", cron = "0 9 * * *", calendarId = office, onlyWhileOpen = true },
            conditions = new { field = "subject", op = "startsWith", value = "Open" },
            steps = new object[] { new { id = "t", type = "addTag", tag = "morning" } },
        });
        var late = await a.App.CreateCaseAsync("Late one");
        await a.TickAsync();
        Assert.Equal(new DateTime(2026, 1, 13, 10, 0, 0, DateTimeKind.Utc), (await a.RunsAsync(late.Id)).Single().DueAt);

        a.Clock.Set(Utc(2026, 1, 10, 9, 0)); // Saturday 09:00: the schedule fires but the calendar is closed
        await a.TickAsync();
        Assert.Equal(["two-business-hours"], (await a.CaseAsync(open.Id)).Tags); // its own relative run, due Monday 12:00
        a.Clock.Set(Utc(2026, 1, 13, 9, 0)); // Tuesday 09:00
        await a.TickAsync();
        Assert.Equal(["morning", "two-business-hours"], (await a.CaseAsync(open.Id)).Tags.Order());
        Assert.Empty((await a.CaseAsync(late.Id)).Tags); // not "Open…", and not yet 10:00
        a.Clock.Set(Utc(2026, 1, 13, 10, 0));
        await a.TickAsync();
        Assert.Equal(["two-business-hours"], (await a.CaseAsync(late.Id)).Tags);
        Assert.Single(await a.RunsAsync(open.Id), r => r.Trigger == "scheduled");
    }

    [Fact]
    public async Task Steps_SetFieldAssignNotifySmsCreateRecordAndWaitUntilACondition()
    {
        using var a = new AutomationApp();
        var team = await a.App.CreateTeamAsync("Escalations");
        var lead = await a.App.CreateUserAsync("lead@steps.local", UserRole.Supervisor, team);
        var contact = await a.App.CreateContactAsync("Reza", phones: ["+989121234567"]);
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "created" },
            conditions = new { field = "subject", op = "contains", value = "outage" },
            steps = new object[]
            {
                new { id = "priority", type = "setField", field = "priority", value = "critical" },
                new { id = "team", type = "assign", teamId = team },
                new { id = "owner", type = "assign", userId = lead.Id },
                new { id = "tell", type = "notify", to = "teamLeads", title = "Outage: {{ case.number }}" },
                new { id = "text", type = "sms", body = "We are on it, {{ contact.name }}." },
                new { id = "child", type = "createRecord", recordType = "case", subject = "Post-mortem for {{ case.number }}" },
                new { id = "untilResolved", type = "wait", until = new { field = "statusCategory", op = "in", value = new[] { "resolved", "closed" } }, timeout = new { hours = 2 }, on = new { timeout = "chase" } },
                new { id = "done", type = "addTag", tag = "resolved-in-time", next = "end" },
                new { id = "chase", type = "addTag", tag = "not-resolved" },
            },
        });
        var created = await a.App.CreateCaseAsync("Total outage", contact.Id);
        await a.TickAsync();

        var dto = await a.CaseAsync(created.Id);
        Assert.Equal(Priority.Critical, dto.Priority);
        Assert.Equal(team, dto.Team!.Id);
        Assert.Equal(lead.Id, dto.Owner!.Id);
        Assert.True(await a.App.WithDbAsync(db => db.Notifications.AnyAsync(n => n.UserId == lead.Id && n.Title == $"Outage: {created.Number}")));
        var child = await a.App.WithDbAsync(db => db.Cases.SingleAsync(c => c.Subject == $"Post-mortem for {created.Number}"));
        Assert.Equal(contact.Id, child.ContactId);
        var run = (await a.RunsAsync(created.Id)).Single();
        Assert.Equal("untilResolved", run.CurrentStepId);
        Assert.Contains((await a.RunAsync(run.Id)).Log!, l => l.StepId == "text" && l.Output == "We are on it, Reza.");

        a.Clock.Advance(TimeSpan.FromHours(2));
        await a.TickAsync();
        Assert.Contains("not-resolved", (await a.CaseAsync(created.Id)).Tags);
        Assert.Equal(RunStatus.Completed, (await a.RunAsync(run.Id)).Status);
    }
}
