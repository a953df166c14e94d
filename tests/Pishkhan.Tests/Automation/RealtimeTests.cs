using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Automation;
using Pishkhan.Features.Cases;

namespace Pishkhan.Tests.Automation;

/// <summary>Real-time workflows (validation rules): inside the change's transaction, on the proposed values, able to refuse it.</summary>
[Trait("Category", "Integration")]
public sealed class RealtimeTests : IDisposable
{
    private readonly AutomationApp _a = new();

    public void Dispose() => _a.Dispose();

    /// <summary>A new case, once routing has put it in the default queue (an update of its own, in the background).</summary>
    private async Task<CaseDto> RoutedCaseAsync()
    {
        var created = await _a.App.CreateCaseAsync();
        await Routing.RoutingSteps.WaitUntilAsync(async () => await _a.App.WithDbAsync(db => db.Cases.AnyAsync(c => c.Id == created.Id && c.QueueId != null)));
        return await _a.CaseAsync(created.Id);
    }

    private static readonly object ResolveNeedsCategory = new
    {
        mode = "realtime",
        trigger = new { type = "statusChanged" },
        conditions = new
        {
            all = new object[]
            {
                new { field = "statusCategory", op = "changedTo", value = "resolved" },
                new { field = "categoryId", op = "isEmpty" },
            },
        },
        steps = new object[]
        {
            new { id = "no", type = "reject", field = "categoryId", message = new { fa = "پیش از حل کردن، دسته‌بندی را مشخص کنید.", en = "Choose a category before resolving the case." } },
        },
    };

    [Fact]
    public async Task ARuleTakesEffectAtOnceWhenEnabled_AndStopsAtOnceWhenDisabled_ThoughTheRulesAreKeptInMemory()
    {
        // The case's creation and first change read the (empty) list of rules and keep it for a few seconds.
        var created = await RoutedCaseAsync();
        var resolved = await _a.App.WithDbAsync(db => db.CaseStatuses.Where(s => s.Category == StatusCategory.Resolved).Select(s => s.Id).FirstAsync());
        var client = _a.App.ApiClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync($"/api/v1/cases/{created.Id}", Problems.JsonBody(new { version = created.Version, subject = "Renamed" }))).StatusCode);

        var rule = await _a.CreateWorkflowAsync(ResolveNeedsCategory, "Resolve needs a category");
        var current = await _a.CaseAsync(created.Id);
        var refused = await client.PatchAsync($"/api/v1/cases/{created.Id}", Problems.JsonBody(new { version = current.Version, statusId = resolved }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/v1/workflows/{rule.Id}/disable", null)).StatusCode);
        var accepted = await client.PatchAsync($"/api/v1/cases/{created.Id}", Problems.JsonBody(new { version = current.Version, statusId = resolved }));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task ARuleRejectsResolvingWithoutACategory_WithItsMessage_AndNothingOfTheChangeIsSaved()
    {
        var rule = await _a.CreateWorkflowAsync(ResolveNeedsCategory, "Resolve needs a category");
        var created = await RoutedCaseAsync();
        var resolved = await _a.App.WithDbAsync(db => db.CaseStatuses.Where(s => s.Category == StatusCategory.Resolved).Select(s => s.Id).FirstAsync());
        var before = await _a.CaseAsync(created.Id);
        var audits = await _a.App.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.EntityId == created.Id));
        var timeline = (await _a.TimelineAsync(created.Id)).Count;
        var events = await _a.App.WithDbAsync(db => db.Set<AutomationEvent>().CountAsync(e => e.RecordId == created.Id));

        var client = _a.App.ApiClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var response = await client.PatchAsync($"/api/v1/cases/{created.Id}", Problems.JsonBody(new { version = before.Version, statusId = resolved, subject = "Fixed" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["Choose a category before resolving the case."], (await Problems.ErrorsAsync(response))["categoryId"]);
        var after = await _a.CaseAsync(created.Id);
        Assert.Equal(before.Status.Id, after.Status.Id);
        Assert.Equal(before.Subject, after.Subject);
        Assert.Equal(before.Version, after.Version);
        Assert.Null(after.ResolvedAt);
        Assert.Equal(audits, await _a.App.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.EntityId == created.Id)));
        Assert.Equal(timeline, (await _a.TimelineAsync(created.Id)).Count);
        Assert.Equal(events, await _a.App.WithDbAsync(db => db.Set<AutomationEvent>().CountAsync(e => e.RecordId == created.Id)));

        // The rejection is in the run log; in Persian (the default language) the message is the Persian one.
        var run = Assert.Single(await _a.RunsAsync(created.Id));
        Assert.Equal(RunStatus.Rejected, run.Status);
        Assert.Equal(rule.Id, run.WorkflowId);
        Assert.Contains(await _a.LogAsync(run.Id), l => l.StepId == "no" && l.Outcome == "rejected");
        var persian = await _a.App.ApiClient().PatchAsync($"/api/v1/cases/{created.Id}", Problems.JsonBody(new { version = before.Version, statusId = resolved }));
        Assert.Equal(["پیش از حل کردن، دسته‌بندی را مشخص کنید."], (await Problems.ErrorsAsync(persian))["categoryId"]);

        // With a category, the same change goes through; the rule's conditions do not hold, so it logs nothing.
        var category = await _a.App.WithDbAsync(db => db.Categories.Select(c => c.Id).FirstAsync());
        var ok = await _a.PatchAsync(created.Id, new { statusId = resolved, categoryId = category });
        Assert.NotNull(ok.ResolvedAt);
        Assert.Equal(2, (await _a.RunsAsync(created.Id)).Count);
    }

    [Fact]
    public async Task ARuleOnCreate_RefusesTheNewCase_SoNoCaseExists()
    {
        await _a.CreateWorkflowAsync(new
        {
            mode = "realtime",
            trigger = new { type = "created" },
            conditions = new { field = "subject", op = "startsWith", value = "test" },
            steps = new object[] { new { id = "no", type = "reject", message = new { fa = "پروندهٔ آزمایشی ثبت نکنید.", en = "Do not open test cases." } } },
        });
        var contact = await _a.App.CreateContactAsync();
        var count = await _a.App.CountCasesAsync();
        var client = _a.App.ApiClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        var response = await client.PostAsJsonAsync("/api/v1/cases", new CreateCaseRequest("Test please ignore", "", contact.Id), PishkhanAppFactory.Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["Do not open test cases."], (await Problems.ErrorsAsync(response))[RealtimeAutomation.WholeRecord]);
        Assert.Equal(count, await _a.App.CountCasesAsync());
        Assert.Equal(RunStatus.Rejected, (await _a.App.WithDbAsync(db => db.Set<WorkflowRun>().SingleAsync())).Status);
        await _a.App.CreateCaseAsync("A real problem", contact.Id);
    }

    [Fact]
    public async Task ARealtimeSetField_IsInTheSameSave_AndInTheAnswer()
    {
        await _a.CreateWorkflowAsync(new
        {
            mode = "realtime",
            trigger = new { type = "updated", fields = new[] { "priority" }, to = "critical" },
            steps = new object[]
            {
                new { id = "tag", type = "addTag", tag = "escalated" },
                new { id = "mark", type = "setField", field = "customFields.escalated", value = "{{ case.priority }} by rule" },
            },
        }, "Escalation marker");
        var created = await RoutedCaseAsync();
        var version = (await _a.CaseAsync(created.Id)).Version;

        var patched = await _a.PatchAsync(created.Id, new { priority = "critical" });

        // One save: the person's change and the rule's, one version step, one outbox event carrying both.
        Assert.Equal(["escalated"], patched.Tags);
        Assert.Equal("critical by rule", patched.CustomFields["escalated"]);
        Assert.Equal(version + 1, patched.Version);
        var ev = Assert.Single(await _a.App.WithDbAsync(db => db.Set<AutomationEvent>().Where(e => e.RecordId == created.Id && e.Kind == "updated").ToListAsync()),
            e => e.Changes.ContainsKey("priority"));
        Assert.True(ev.Changes.ContainsKey("tags"));
        var run = Assert.Single(await _a.RunsAsync(created.Id));
        Assert.Equal(RunStatus.Completed, run.Status);
        var log = await _a.LogAsync(run.Id);
        Assert.Equal(["trigger", "tag", "mark"], log.Select(l => l.StepId));

        // A change the trigger does not match runs nothing.
        await _a.PatchAsync(created.Id, new { subject = "Other" });
        Assert.Single(await _a.RunsAsync(created.Id));
    }

    [Fact]
    public async Task TheValidator_RefusesWaitsAndOutsideStepsInRealtimeMode_AndRejectStepsInBackgroundMode()
    {
        var client = _a.App.ApiClient();
        var realtime = await client.PostAsJsonAsync("/api/v1/workflows/validate", new
        {
            name = "x",
            definition = new
            {
                mode = "realtime",
                trigger = new { type = "scheduled", cron = "0 9 * * *" },
                steps = new object[]
                {
                    new { id = "tag", type = "addTag", tag = "a" },
                    new { id = "wait", type = "wait", duration = new { hours = 1 } },
                    new { id = "hook", type = "webhook", url = "https://example.com/x" },
                    new { id = "no", type = "reject", message = new { fa = "نه" } },
                },
            },
        }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.BadRequest, realtime.StatusCode);
        var errors = await Problems.ErrorsAsync(realtime);
        Assert.Contains("wait", errors["definition.steps[1].type"].Single());
        Assert.Contains("real-time", errors["definition.steps[2].type"].Single());
        Assert.Contains("scheduled", errors["definition.trigger.type"].Single());
        Assert.True(errors.ContainsKey("definition.steps[3].message.en"));
        Assert.False(errors.ContainsKey("definition.steps[0].type"));

        var background = await client.PostAsJsonAsync("/api/v1/workflows/validate", new
        {
            name = "x",
            definition = new
            {
                mode = "sometimes",
                trigger = new { type = "created" },
                steps = new object[] { new { id = "no", type = "reject", message = new { fa = "نه", en = "No" } } },
            },
        }, PishkhanAppFactory.Json);
        var backgroundErrors = await Problems.ErrorsAsync(background);
        Assert.True(backgroundErrors.ContainsKey("definition.mode"));
        Assert.Contains("real-time", backgroundErrors["definition.steps[0].type"].Single());
    }
}
