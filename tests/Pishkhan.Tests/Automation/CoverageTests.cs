using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Automation;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Email;
using Pishkhan.Features.Identity;
using static Pishkhan.Tests.Automation.AutomationApp;

namespace Pishkhan.Tests.Automation;

/// <summary>
/// The trigger and step types the other suites leave out (deleted, SLA warning, send email, remove tag, wait until a
/// date field), the subscription-expiry yardstick, "retry from this step", and how long run history is kept.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CoverageTests
{
    [Fact]
    public async Task SendEmail_RendersTheTemplateInTheContactsLanguage_WithJalaliDates_AndKeepsItOnTheTimeline()
    {
        using var a = new AutomationApp();
        a.Clock.Set(Utc(2026, 1, 10, 8, 0)); // Tehran 11:30 on 20 Dey 1404
        var client = a.App.ApiClient();
        var saved = await client.PutAsJsonAsync("/api/v1/email-templates/welcome", new
        {
            name = "Welcome",
            subjectEn = "Welcome, {{ contact.name }}",
            bodyEn = "Your case {{ case.number }} was opened on {{ case.createdAt | tehran }}.",
            subjectFa = "{{ contact.name }}، خوش آمدید",
            bodyFa = "پرونده {{ case.number }} در {{ case.createdAt | jalali: 'date' }} باز شد.",
        }, PishkhanAppFactory.Json);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());

        // A template that does not exist is named where it is used, and nothing is saved.
        var bad = await client.PostAsJsonAsync("/api/v1/workflows", new
        {
            name = "Bad",
            definition = new { trigger = new { type = "created" }, steps = new object[] { new { id = "mail", type = "sendEmail", template = "welcom", language = "de" } } },
        }, PishkhanAppFactory.Json);
        var errors = await Problems.ErrorsAsync(bad);
        Assert.Contains("No email template has the key 'welcom'", errors["definition.steps[0].template"][0]);
        Assert.Contains("definition.steps[0].language", errors.Keys);

        await a.CreateWorkflowAsync(new { trigger = new { type = "created" }, steps = new object[] { new { id = "mail", type = "sendEmail", template = "welcome" } } }, "Welcome email");
        var persian = await a.App.CreateContactAsync("Sara", emails: ["sara@example.ir"]);
        var englishResponse = await client.PostAsJsonAsync("/api/v1/contacts", new ContactRequest("John", Language: "en", Emails: ["john@example.com"]), PishkhanAppFactory.Json);
        var english = (await englishResponse.Content.ReadFromJsonAsync<ContactDto>(PishkhanAppFactory.Json))!;
        var mailbox = new Mailbox
        {
            Name = "Support",
            Address = "support@pishkhan.test",
            ImapHost = "127.0.0.1",
            ImapPort = 1,
            ImapUser = "support",
            SmtpHost = "127.0.0.1",
            SmtpPort = 1,
        };
        await a.App.WithDbAsync(async db => { db.Add(mailbox); await db.SaveChangesAsync(); return 0; });
        var faCase = await a.App.CreateCaseAsync("Order 1", persian.Id);
        var enCase = await a.App.CreateCaseAsync("Order 2", english.Id);
        await a.TickAsync();

        // Each email is queued once in the outbox from the mailbox, threaded with its case and marked automatic.
        var queued = await a.App.WithDbAsync(db => db.Set<OutboundEmail>().Where(o => o.CaseId == faCase.Id || o.CaseId == enCase.Id).ToListAsync());
        Assert.Equal(2, queued.Count);
        var enEmail = Assert.Single(queued, o => o.CaseId == enCase.Id);
        Assert.Equal(("john@example.com", $"Welcome, John [#{enCase.Number}]", mailbox.Id, true), (enEmail.To, enEmail.Subject, enEmail.MailboxId, enEmail.IsAutoReply));
        Assert.StartsWith("Your case", enEmail.TextBody, StringComparison.Ordinal);
        Assert.Equal("sara@example.ir", Assert.Single(queued, o => o.CaseId == faCase.Id).To);

        var fa = Assert.Single(await a.TimelineAsync(faCase.Id), e => e.Kind == TimelineKind.OutboundMessage);
        Assert.Equal($"Sara، خوش آمدید\n\nپرونده {faCase.Number} در ۱۴۰۴/۱۰/۲۰ باز شد.", fa.Body);
        var en = Assert.Single(await a.TimelineAsync(enCase.Id), e => e.Kind == TimelineKind.OutboundMessage);
        Assert.Equal($"Welcome, John\n\nYour case {enCase.Number} was opened on 2026-01-10 11:30.", en.Body);
        var run = await a.RunAsync((await a.RunsAsync(enCase.Id)).Single().Id);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.StartsWith("To: john@example.com\nSubject: Welcome, John", run.Log!.Single(l => l.StepId == "mail").Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubscriptionExpiry_ReminderSevenDaysBefore_FollowsTheDateWhenItMoves_ThenWaitsUntilTheDate()
    {
        using var a = new AutomationApp();
        a.Clock.Set(Utc(2026, 2, 1, 8, 0));
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "relative", field = "customFields.subscriptionEndsOn", offset = new { days = -7 } },
            steps = new object[]
            {
                new { id = "remind", type = "addTag", tag = "renewal-due" },
                new { id = "untilEnd", type = "wait", untilField = "customFields.subscriptionEndsOn" },
                new { id = "clear", type = "removeTag", tag = "renewal-due" },
                new { id = "lapsed", type = "addTag", tag = "lapsed" },
            },
        }, "Subscription expiry");
        var created = await a.App.CreateCaseAsync("Subscription");
        await a.PatchAsync(created.Id, new { customFields = new { subscriptionEndsOn = "2026-03-01" } });
        await a.TickAsync();
        var first = Assert.Single(await a.RunsAsync(created.Id));
        Assert.Equal(new DateTime(2026, 2, 22, 0, 0, 0, DateTimeKind.Utc), first.DueAt);

        // Renewed before the reminder: the old reminder does nothing, a new one is due 7 days before the new date.
        await a.PatchAsync(created.Id, new { customFields = new { subscriptionEndsOn = "2026-04-01" } });
        await a.TickAsync();
        a.Clock.Set(Utc(2026, 2, 22, 0, 0));
        await a.TickAsync();
        Assert.Empty((await a.CaseAsync(created.Id)).Tags);
        var runs = await a.RunsAsync(created.Id);
        Assert.Equal(RunStatus.Skipped, Assert.Single(runs, r => r.Id == first.Id).Status);
        var second = Assert.Single(runs, r => r.Id != first.Id);
        Assert.Equal(new DateTime(2026, 3, 25, 0, 0, 0, DateTimeKind.Utc), second.DueAt);

        a.Clock.Set(Utc(2026, 3, 25, 0, 0));
        await a.TickAsync();
        Assert.Equal(["renewal-due"], (await a.CaseAsync(created.Id)).Tags);
        Assert.Equal(new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc), (await a.RunAsync(second.Id)).DueAt);

        a.Clock.Set(Utc(2026, 4, 1, 0, 0));
        await a.TickAsync();
        Assert.Equal(["lapsed"], (await a.CaseAsync(created.Id)).Tags);
        Assert.Equal(RunStatus.Completed, (await a.RunAsync(second.Id)).Status);
    }

    [Fact]
    public async Task Triggers_DeletedCarriesTheLastValues_SlaWarningFires()
    {
        using var a = new AutomationApp();
        var watcher = await a.App.CreateUserAsync("watcher@automation.local", UserRole.Supervisor);
        await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "deleted" },
            conditions = new { field = "subject", op = "startsWith", value = "Doomed" },
            steps = new object[] { new { id = "tell", type = "notify", userIds = new[] { watcher.Id }, title = "Deleted: {{ case.subject }}" } },
        }, "On delete");
        await a.CreateWorkflowAsync(new { trigger = new { type = "slaWarning" }, steps = new object[] { new { id = "t", type = "addTag", tag = "sla-warned" } } }, "On SLA warning");
        var warned = await a.App.CreateCaseAsync("Warned one");
        var doomed = await a.App.CreateCaseAsync("Doomed one");
        var spared = await a.App.CreateCaseAsync("Spared one");
        await a.TickAsync();

        await a.App.WithDbAsync(async db =>
        {
            // What the SLA sweeper writes when a metric reaches its warning point.
            db.TimelineEntries.Add(new TimelineEntry { CaseId = warned.Id, Kind = TimelineKind.Event, Field = Features.Sla.SlaEngine.TimelineField, OldValue = "resolution", NewValue = "warned", AuthorName = "SLA", CreatedAt = a.Clock.GetUtcNow().UtcDateTime });
            db.Cases.RemoveRange(await db.Cases.Where(c => c.Id == doomed.Id || c.Id == spared.Id).ToListAsync());
            return await db.SaveChangesAsync();
        });
        await a.TickAsync();

        Assert.Equal(["sla-warned"], (await a.CaseAsync(warned.Id)).Tags);
        var notes = await a.App.WithDbAsync(db => db.Notifications.Where(n => n.UserId == watcher.Id).Select(n => n.Title).ToListAsync());
        Assert.Equal(["Deleted: Doomed one"], notes);
        var runs = await a.App.WithDbAsync(db => db.Set<WorkflowRun>().Where(r => r.Trigger == TriggerTypes.Deleted).ToListAsync());
        Assert.Equal(doomed.Id, Assert.Single(runs).RecordId);
        Assert.Equal(RunStatus.Completed, runs[0].Status);
    }

    [Fact]
    public async Task AFailedRun_IsVisibleWithItsError_AndRetriesFromTheStepItFailedOn()
    {
        using var a = new AutomationApp();
        var client = a.App.ApiClient();
        Assert.True((await client.PutAsJsonAsync("/api/v1/email-templates/ack", new { subjectEn = "Got it", bodyEn = "We have case {{ case.number }}." }, PishkhanAppFactory.Json)).IsSuccessStatusCode);
        var workflow = await a.CreateWorkflowAsync(new
        {
            trigger = new { type = "created" },
            steps = new object[] { new { id = "tag", type = "addTag", tag = "seen" }, new { id = "mail", type = "sendEmail", template = "ack", language = "en" } },
        }, "Ack");
        var contact = await a.App.CreateContactAsync("No email yet");
        var created = await a.App.CreateCaseAsync("Hello", contact.Id);
        await a.TickAsync();

        var failed = Assert.Single(await client.GetFromJsonAsync<List<RunDto>>($"/api/v1/workflows/{workflow.Id}/runs", PishkhanAppFactory.Json) ?? []);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("mail", failed.CurrentStepId);
        Assert.Contains("The contact has no email address.", failed.Error, StringComparison.Ordinal);

        // Only failed runs can be retried, and only from a step the run's version has.
        var wrongStep = await client.PostAsJsonAsync($"/api/v1/workflow-runs/{failed.Id}/retry", new { stepId = "nope" }, PishkhanAppFactory.Json);
        Assert.Contains("no step 'nope'", (await Problems.ErrorsAsync(wrongStep))["stepId"][0]);
        var agentKey = await a.App.CreateApiKeyAsync(Scopes.CasesRead, Scopes.CasesWrite);
        Assert.Equal(HttpStatusCode.Forbidden, (await a.App.ApiClient(agentKey).PostAsync($"/api/v1/workflow-runs/{failed.Id}/retry", null)).StatusCode);

        await a.App.WithDbAsync(db =>
        {
            db.ContactChannels.Add(new ContactChannel { ContactId = contact.Id, Kind = ContactChannelKind.Email, Value = "later@example.com" });
            return db.SaveChangesAsync();
        });
        var retried = await client.PostAsync($"/api/v1/workflow-runs/{failed.Id}/retry", null);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        await a.TickAsync();

        var run = await a.RunAsync(failed.Id);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Null(run.Error);
        Assert.Equal(["tag", "mail", "mail", "mail"], run.Log!.Where(l => l.StepId is "tag" or "mail").Select(l => l.StepId));
        Assert.Equal(["seen"], (await a.CaseAsync(created.Id)).Tags); // the tag step ran once
        Assert.Single(await a.TimelineAsync(created.Id), e => e.Kind == TimelineKind.OutboundMessage && e.Body.StartsWith("Got it", StringComparison.Ordinal));
        var again = await client.PostAsync($"/api/v1/workflow-runs/{failed.Id}/retry", null);
        Assert.Contains("completed", (await Problems.ErrorsAsync(again))["status"][0]);
    }

    [Fact]
    public async Task RunHistory_IsKeptKeepDays_ThenPurged()
    {
        using var a = new AutomationApp(new Dictionary<string, string> { ["Pishkhan:Automation:KeepDays"] = "30" });
        await a.CreateWorkflowAsync(new { trigger = new { type = "created" }, steps = new object[] { new { id = "t", type = "addTag", tag = "x" } } });
        var old = await a.App.CreateCaseAsync();
        await a.TickAsync();
        Assert.Single(await a.RunsAsync(old.Id));

        a.Clock.Advance(TimeSpan.FromDays(29));
        await a.TickAsync();
        Assert.Single(await a.RunsAsync(old.Id));

        a.Clock.Advance(TimeSpan.FromDays(2));
        var fresh = await a.App.CreateCaseAsync();
        await a.TickAsync();
        Assert.Empty(await a.RunsAsync(old.Id));
        Assert.Single(await a.RunsAsync(fresh.Id));
        Assert.Empty(await a.App.WithDbAsync(db => db.Set<WorkflowRunLog>().Where(l => !db.Set<WorkflowRun>().Any(r => r.Id == l.RunId)).ToListAsync()));
    }
}
