using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Triage;
using Pishkhan.Platform.Data;

namespace Pishkhan.Tests.Triage;

[Trait("Category", "Integration")]
public sealed class TriageApiTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    private static readonly string[] Tags = ["billing"];

    [Fact]
    public async Task The_matrix_can_be_resized_and_relabelled_a_bad_one_is_refused_with_each_item_named_and_new_cases_follow_it()
    {
        var client = app.ApiClient();
        var current = await client.GetFromJsonAsync<PriorityMatrixDto>("/api/v1/priority-matrix", PishkhanAppFactory.Json);
        Assert.Equal(["high", "medium", "low"], current!.Urgency.Select(l => l!.Level));
        Assert.Equal(["critical", "high", "medium"], current.Cells[0]);

        var bad = await client.PutAsJsonAsync("/api/v1/priority-matrix", new
        {
            urgency = new[] { new { level = "high", en = "High", fa = "زیاد" } },
            impact = new[] { new { level = "high", en = "High", fa = "زیاد" }, new { level = "huge", en = "Huge", fa = "" } },
            cells = new[] { new[] { "critical", "urgent" } },
            version = current.Version,
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = await Problems.ErrorsAsync(bad);
        Assert.Contains("urgency", errors.Keys);
        Assert.Contains("impact[1].level", errors.Keys);
        Assert.Contains("impact[1].fa", errors.Keys);
        Assert.Equal(current.Version, (await client.GetFromJsonAsync<PriorityMatrixDto>("/api/v1/priority-matrix", PishkhanAppFactory.Json))!.Version);

        var fourByTwo = new
        {
            urgency = new[]
            {
                new { level = "critical", en = "Now", fa = "فوری" }, new { level = "high", en = "Today", fa = "امروز" },
                new { level = "medium", en = "This week", fa = "این هفته" }, new { level = "low", en = "Whenever", fa = "هر وقت" },
            },
            impact = new[] { new { level = "high", en = "Many", fa = "زیاد" }, new { level = "low", en = "One", fa = "یک نفر" } },
            cells = new[] { new[] { "critical", "critical" }, new[] { "critical", "high" }, new[] { "high", "medium" }, new[] { "medium", "low" } },
            version = current.Version,
        };
        var saved = await client.PutAsJsonAsync("/api/v1/priority-matrix", fourByTwo);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var stale = await client.PutAsJsonAsync("/api/v1/priority-matrix", fourByTwo);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        try
        {
            var contact = await app.CreateContactAsync();
            var created = await client.PostAsJsonAsync("/api/v1/cases", new { subject = "Down", contactId = contact.Id, urgency = "critical", impact = "low" });
            var c = (await created.Content.ReadFromJsonAsync<CaseDto>(PishkhanAppFactory.Json))!;
            Assert.Equal(Priority.Critical, c.Priority);
            Assert.False(c.PriorityOverridden);

            var offAxis = await client.PostAsJsonAsync("/api/v1/cases", new { subject = "x", contactId = contact.Id, impact = "medium" });
            Assert.Equal(HttpStatusCode.BadRequest, offAxis.StatusCode);
            Assert.Contains("use one of: high, low", (await Problems.ErrorsAsync(offAxis))["impact"][0], StringComparison.Ordinal);

            var history = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.EntityType == nameof(TriageSettings)).CountAsync());
            Assert.True(history >= 1);
        }
        finally
        {
            var now = await client.GetFromJsonAsync<PriorityMatrixDto>("/api/v1/priority-matrix", PishkhanAppFactory.Json);
            var body = PriorityMatrix.Default.ToBody() with { Version = now!.Version };
            (await client.PutAsJsonAsync("/api/v1/priority-matrix", body, PishkhanAppFactory.Json)).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Only_supervisors_override_priority_the_override_is_audited_and_holds_until_urgency_or_impact_change()
    {
        var team = await app.CreateTeamAsync($"Team {Guid.NewGuid():N}");
        var agentEmail = $"agent-{Guid.NewGuid():N}@test.local";
        var supervisorEmail = $"sup-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(agentEmail, UserRole.Agent, team);
        await app.CreateUserAsync(supervisorEmail, UserRole.Supervisor, team);
        var agent = await app.LoginAsync(agentEmail);
        var supervisor = await app.LoginAsync(supervisorEmail);
        var contact = await app.CreateContactAsync();

        var refused = await agent.PostAsJsonAsync("/api/v1/cases", new { subject = "x", contactId = contact.Id, teamId = team, priority = "critical" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("supervisors", (await Problems.ErrorsAsync(refused))["priority"][0], StringComparison.Ordinal);

        var created = await agent.PostAsJsonAsync("/api/v1/cases", new { subject = "x", contactId = contact.Id, teamId = team, urgency = "high", impact = "low" });
        var c = (await created.Content.ReadFromJsonAsync<CaseDto>(PishkhanAppFactory.Json))!;
        Assert.Equal(Priority.Medium, c.Priority);

        var agentOverride = await agent.PatchAsJsonAsync($"/api/v1/cases/{c.Id}", new { version = c.Version, priority = "low" });
        Assert.Equal(HttpStatusCode.BadRequest, agentOverride.StatusCode);

        c = await PatchAsync(supervisor, c.Id, new { version = c.Version, priority = "critical" });
        Assert.Equal((Priority.Critical, true), (c.Priority, c.PriorityOverridden));
        c = await PatchAsync(agent, c.Id, new { version = c.Version, subject = "still overridden" });
        Assert.Equal((Priority.Critical, true), (c.Priority, c.PriorityOverridden));
        c = await PatchAsync(agent, c.Id, new { version = c.Version, urgency = "high" }); // the same urgency is no change
        Assert.True(c.PriorityOverridden);
        c = await PatchAsync(agent, c.Id, new { version = c.Version, impact = "medium" });
        Assert.Equal((Priority.High, false), (c.Priority, c.PriorityOverridden));

        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.EntityId == c.Id).ToListAsync());
        Assert.Contains(audit, a => a.Field == "priority" && a.NewValue == "Critical" && a.ActorName == supervisorEmail);
        Assert.Contains(audit, a => a.Field == "priorityOverridden" && a.NewValue == "True");
        Assert.Contains(audit, a => a.Field == "priorityOverridden" && a.NewValue == "False");
    }

    [Fact]
    public async Task Rules_categorise_new_cases_before_routing_and_a_bad_rule_names_each_bad_item()
    {
        var client = app.ApiClient();
        var billing = await app.WithDbAsync(db => db.Categories.Where(c => c.Name == "Billing").Select(c => c.Id).SingleAsync());
        var bad = await client.PostAsJsonAsync("/api/v1/categorisation-rules", new
        {
            name = "Broken",
            setCategoryId = Guid.NewGuid(),
            conditions = new object[]
            {
                new { field = "keyword", @operator = "matches", values = new[] { "[unclosed" } },
                new { field = "language", @operator = "in", values = new[] { "de" } },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = await Problems.ErrorsAsync(bad);
        Assert.Contains("Not a valid pattern", errors["conditions[0].values[0]"][0], StringComparison.Ordinal);
        Assert.Contains("conditions[1].values", errors.Keys);
        Assert.Contains("No category has the id", errors["setCategoryId"][0], StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.CategorisationRules.CountAsync()));

        var created = await client.PostAsJsonAsync("/api/v1/categorisation-rules", new
        {
            name = "Invoices from acme",
            conditions = new object[]
            {
                new { field = "keyword", @operator = "matches", values = new[] { "فاکتور|invoice" } },
                new { field = "senderDomain", @operator = "in", values = new[] { "acme.ir" } },
            },
            setCategoryId = billing,
            setProduct = "Cloud",
            addTags = Tags,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var rule = (await created.Content.ReadFromJsonAsync<CategorisationRuleDto>(PishkhanAppFactory.Json))!;

        var acme = await app.CreateContactAsync(emails: ["ali@acme.ir"]);
        var other = await app.CreateContactAsync(emails: ["sara@other.ir"]);
        var matched = await app.CreateCaseAsync("مشكل فاكتور اسفند", acme.Id);
        var unmatched = await app.CreateCaseAsync("مشكل فاكتور اسفند", other.Id);
        Assert.Equal(billing, matched.Category?.Id);
        Assert.Equal("Cloud", matched.Product);
        Assert.Contains("billing", matched.Tags);
        Assert.Null(unmatched.Category);
        var timeline = await client.GetFromJsonAsync<List<TimelineEntryDto>>($"/api/v1/cases/{matched.Id}/timeline", PishkhanAppFactory.Json);
        Assert.Contains(timeline!, e => e.Field == "categorised" && e.NewValue!.Contains("Invoices from acme", StringComparison.Ordinal));

        var update = await client.PutAsJsonAsync($"/api/v1/categorisation-rules/{rule.Id}", new { name = "Renamed", conditions = new[] { new { field = "channel", @operator = "in", values = new[] { "sms" } } }, addTags = Tags });
        Assert.Contains("version", (await Problems.ErrorsAsync(update)).Keys);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/categorisation-rules/{rule.Id}")).StatusCode);
    }

    [Fact]
    public async Task The_classifier_says_when_data_is_short_learns_from_resolved_cases_keeps_its_model_and_applies_above_the_threshold()
    {
        var client = app.ApiClient();
        var status = await client.GetFromJsonAsync<ClassifierStatusDto>("/api/v1/classifier", PishkhanAppFactory.Json);
        Assert.Equal("notEnoughData", status!.State);
        var trained = await (await client.PostAsync("/api/v1/classifier/train", null)).Content.ReadFromJsonAsync<ClassifierStatusDto>(PishkhanAppFactory.Json);
        Assert.Equal("notEnoughData", trained!.State);
        Assert.Contains("at least 50", trained.Message, StringComparison.Ordinal);
        var none = await (await client.PostAsJsonAsync("/api/v1/classifier/suggest", new { subject = "فاکتور" })).Content.ReadFromJsonAsync<SuggestionDto>(PishkhanAppFactory.Json);
        Assert.Null(none!.Category);

        var categories = await app.WithDbAsync(db => db.Categories.OrderBy(c => c.Name).Take(2).Select(c => c.Id).ToListAsync());
        var contact = await app.CreateContactAsync();
        var examples = ClassifierTrainingTests.Generate(
            40, (categories[0], ["فاکتور", "پرداخت", "invoice", "refund"]), (categories[1], ["اینترنت", "قطعی", "router", "wifi"]));
        await app.WithDbAsync(async db =>
        {
            var resolved = await db.CaseStatuses.FirstAsync(s => s.Category == StatusCategory.Resolved);
            var i = 0;
            foreach (var e in examples)
            {
                db.Cases.Add(new Case
                {
                    Id = e.CaseId,
                    Number = $"T-{i++:D5}",
                    Subject = e.Text,
                    ContactId = contact.Id,
                    StatusId = resolved.Id,
                    CategoryId = e.CategoryId,
                    ResolvedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                    CreatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                });
            }

            return await db.SaveChangesAsync();
        });

        trained = await (await client.PostAsync("/api/v1/classifier/train", null)).Content.ReadFromJsonAsync<ClassifierStatusDto>(PishkhanAppFactory.Json);
        Assert.Equal("ready", trained!.State);
        Assert.True(trained.Accuracy > 0.8, $"accuracy {trained.Accuracy}");
        Assert.Equal(80, trained.TrainingCases + trained.HeldOutCases);

        // A fresh classifier, as after a restart, loads the stored model.
        using var fresh = new CategoryClassifier(
            app.Services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>(), TimeProvider.System, NullLogger<CategoryClassifier>.Instance);
        var suggestion = await fresh.SuggestAsync(new SuggestRequest("روتر و wifi قطع است", "اینترنت نداریم"));
        Assert.Equal(categories[1], suggestion.Category?.Id);

        Assert.Contains("threshold", (await Problems.ErrorsAsync(await client.PutAsJsonAsync("/api/v1/classifier/settings", new { threshold = 1.5 }))).Keys);
        (await client.PutAsJsonAsync("/api/v1/classifier/settings", new { threshold = 0.0, applies = true })).EnsureSuccessStatusCode();
        var c = await app.CreateCaseAsync("اینترنت قطع است router wifi", contact.Id);
        Assert.Equal(categories[1], c.Category?.Id);
        (await client.PutAsJsonAsync("/api/v1/classifier/settings", new { applies = false })).EnsureSuccessStatusCode();
        Assert.Null((await app.CreateCaseAsync("اینترنت قطع است router wifi", contact.Id)).Category);
    }

    private static async Task<CaseDto> PatchAsync(HttpClient client, Guid id, object body)
    {
        var response = await client.PatchAsJsonAsync($"/api/v1/cases/{id}", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CaseDto>(PishkhanAppFactory.Json))!;
    }
}
