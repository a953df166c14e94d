using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Auditing;

namespace Pishkhan.Tests.Cases;

[Trait("Category", "Integration")]
public sealed class CaseApiTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    [Fact]
    public async Task Create_ManyAtOnce_AllSucceedWithDistinctNumbers_AndEachAnswerEqualsALaterRead()
    {
        var client = app.ApiClient();
        var accountResponse = await client.PostAsJsonAsync("/api/v1/accounts", new { name = $"Parallel Co {Guid.NewGuid():N}" });
        Assert.Equal(HttpStatusCode.Created, accountResponse.StatusCode);
        var accountId = (await accountResponse.Content.ReadFromJsonAsync<JsonElementId>(PishkhanAppFactory.Json))!.Id;
        var contactResponse = await client.PostAsJsonAsync("/api/v1/contacts", new { name = "Parallel Person", accountId, emails = new[] { $"p{Guid.NewGuid():N}@example.com" } });
        Assert.Equal(HttpStatusCode.Created, contactResponse.StatusCode);
        var contactId = (await contactResponse.Content.ReadFromJsonAsync<JsonElementId>(PishkhanAppFactory.Json))!.Id;
        var teamId = await app.CreateTeamAsync($"Parallel team {Guid.NewGuid():N}");

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.PostAsJsonAsync("/api/v1/cases",
            new { subject = $"Parallel {i}", description = "at once", contactId, teamId, priority = "high", tags = BulkTag })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var created = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<CaseDto>(PishkhanAppFactory.Json)));
        Assert.Equal(40, created.Select(c => c!.Number).Distinct().Count());
        foreach (var answer in created)
        {
            var read = await client.GetFromJsonAsync<CaseDto>($"/api/v1/cases/{answer!.Id}", PishkhanAppFactory.Json);
            Assert.Equivalent(read, answer, strict: true);
            Assert.Equal(accountId, answer.Account!.Id);
            Assert.Equal(teamId, answer.Team!.Id);
        }
    }

    private static readonly string[] BulkTag = ["bulk"];

    private sealed record JsonElementId(Guid Id);

    [Fact]
    public async Task Create_TwiceWithSameIdempotencyKey_CreatesOneCase()
    {
        var contact = await app.CreateContactAsync();
        var before = await app.CountCasesAsync();
        var client = app.ApiClient();
        var body = new CreateCaseRequest("Idempotent subject", "once", contact.Id);

        async Task<HttpResponseMessage> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = Problems.JsonBody(body) };
            request.Headers.Add("Idempotency-Key", "retry-123");
            return await client.SendAsync(request);
        }

        var first = await PostAsync();
        var second = await PostAsync();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var a = await first.Content.ReadFromJsonAsync<CaseDto>(PishkhanAppFactory.Json);
        var b = await second.Content.ReadFromJsonAsync<CaseDto>(PishkhanAppFactory.Json);
        Assert.Equal(a!.Id, b!.Id);
        Assert.Equal(a.Number, b.Number);
        Assert.Equal(before + 1, await app.CountCasesAsync());
    }

    [Fact]
    public async Task Create_SameIdempotencyKeyWithAnotherBody_IsConflict()
    {
        var contact = await app.CreateContactAsync();
        var client = app.ApiClient();
        foreach (var (subject, expected) in new[] { ("First", HttpStatusCode.Created), ("Second", HttpStatusCode.Conflict) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = Problems.JsonBody(new CreateCaseRequest(subject, "", contact.Id)) };
            request.Headers.Add("Idempotency-Key", "reused-key");
            Assert.Equal(expected, (await client.SendAsync(request)).StatusCode);
        }
    }

    [Fact]
    public async Task Create_EmptySubjectAndUnknownContact_Returns400NamingBoth_AndWritesNothing()
    {
        // Records created, not all audit rows: routing may still be writing about other tests' cases in the background.
        var before = await app.CountCasesAsync();
        var audits = await app.WithDbAsync(db => Task.FromResult(db.AuditEntries.Count(a => a.Field == "created")));

        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/cases", new { subject = "", contactId = Guid.NewGuid() }, PishkhanAppFactory.Json);

        var errors = await Problems.ErrorsAsync(response);
        Assert.Contains("subject", errors.Keys);
        Assert.Contains("contactId", errors.Keys);
        Assert.Equal(before, await app.CountCasesAsync());
        Assert.Equal(audits, await app.WithDbAsync(db => Task.FromResult(db.AuditEntries.Count(a => a.Field == "created"))));
    }

    [Fact]
    public async Task Create_UnknownEnumValues_AreNamedWithTheAllowedValues()
    {
        var contact = await app.CreateContactAsync();
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/cases", new { subject = "x", contactId = contact.Id, priority = "urgent!", channel = "fax" }, PishkhanAppFactory.Json);

        var errors = await Problems.ErrorsAsync(response);
        Assert.Contains("critical", errors["priority"][0], StringComparison.Ordinal);
        Assert.Contains("channel", errors.Keys);
    }

    [Fact]
    public async Task Create_NumbersCasesByJalaliYearInSequence()
    {
        var first = await app.CreateCaseAsync();
        var second = await app.CreateCaseAsync();

        Assert.Matches(new Regex(@"^14\d\d-\d{6}$"), first.Number);
        Assert.Equal(first.Number[..4], second.Number[..4]);
        Assert.True(string.CompareOrdinal(second.Number, first.Number) > 0);
        Assert.Equal(CaseNumbers.JalaliYear(first.CreatedAt).ToString(System.Globalization.CultureInfo.InvariantCulture), first.Number[..4]);
    }

    [Fact]
    public async Task Create_PriorityFollowsUrgencyAndImpactUnlessGiven()
    {
        var contact = await app.CreateContactAsync();
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/cases", new { subject = "Matrix", contactId = contact.Id, urgency = "high", impact = "high" }, PishkhanAppFactory.Json);
        var created = await response.Content.ReadFromJsonAsync<CaseDto>(PishkhanAppFactory.Json);
        Assert.Equal(Priority.Critical, created!.Priority);
    }

    [Fact]
    public async Task Update_WithStaleVersion_Returns409_AndChangesNothing()
    {
        var created = await app.CreateCaseAsync("Original subject");
        var client = app.ApiClient();
        var ok = await client.PatchAsync($"/api/v1/cases/{created.Id}", Problems.JsonBody(new { version = created.Version, subject = "First edit" }));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var stale = await client.PatchAsync($"/api/v1/cases/{created.Id}", Problems.JsonBody(new { version = created.Version, subject = "Second edit" }));

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var current = await client.GetFromJsonAsync<CaseDto>($"/api/v1/cases/{created.Id}", PishkhanAppFactory.Json);
        Assert.Equal("First edit", current!.Subject);
        Assert.Equal(created.Version + 1, current.Version);
    }

    [Fact]
    public async Task Update_UnknownFieldWrongTypeAndMissingVersion_AreEachNamed()
    {
        var created = await app.CreateCaseAsync();
        var response = await app.ApiClient().PatchAsync($"/api/v1/cases/{created.Id}", Problems.JsonBody(new { colour = "red", ownerId = 42 }));

        var errors = await Problems.ErrorsAsync(response);
        Assert.Contains("colour", errors.Keys);
        Assert.Contains("ownerId", errors.Keys);
        Assert.Contains("version", errors.Keys);
    }

    [Fact]
    public async Task Update_StatusToResolved_StampsTime_AddsTimelineEventAndAudit_AndReopeningClearsIt()
    {
        var created = await app.CreateCaseAsync();
        var client = app.ApiClient();
        var statuses = await client.GetFromJsonAsync<List<StatusRef>>("/api/v1/statuses", PishkhanAppFactory.Json);
        var resolved = statuses!.First(s => s.Category == StatusCategory.Resolved);
        var open = statuses!.First(s => s.Category == StatusCategory.Open);

        var response = await client.PatchAsync($"/api/v1/cases/{created.Id}", Problems.JsonBody(new { version = created.Version, statusId = resolved.Id }));
        var updated = await response.Content.ReadFromJsonAsync<CaseDto>(PishkhanAppFactory.Json);

        Assert.Equal(resolved.Id, updated!.Status.Id);
        Assert.NotNull(updated.ResolvedAt);
        var timeline = await client.GetFromJsonAsync<List<TimelineEntryDto>>($"/api/v1/cases/{created.Id}/timeline", PishkhanAppFactory.Json);
        Assert.Contains(timeline!, e => e.Kind == TimelineKind.Event && e.Field == "status" && e.NewValue == resolved.Name);
        var audit = await client.GetFromJsonAsync<List<AuditEntryDto>>($"/api/v1/cases/{created.Id}/audit", PishkhanAppFactory.Json);
        Assert.Contains(audit!, a => a.Field == "statusId" && a.OldValue == created.Status.Id.ToString() && a.NewValue == resolved.Id.ToString());
        Assert.Contains(audit!, a => a.Field == "created");

        var reopened = await (await client.PatchAsync($"/api/v1/cases/{created.Id}", Problems.JsonBody(new { version = updated.Version, statusId = open.Id })))
            .Content.ReadFromJsonAsync<CaseDto>(PishkhanAppFactory.Json);
        Assert.Null(reopened!.ResolvedAt);
    }

    [Fact]
    public async Task Reply_StampsFirstResponse_NoteDoesNot_AndNoteIsNotPublic()
    {
        var created = await app.CreateCaseAsync();
        var client = app.ApiClient();

        var note = await client.PostAsJsonAsync($"/api/v1/cases/{created.Id}/notes", new CaseMessageRequest("internal only"), PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, note.StatusCode);
        Assert.Null((await client.GetFromJsonAsync<CaseDto>($"/api/v1/cases/{created.Id}", PishkhanAppFactory.Json))!.FirstResponseAt);

        var reply = await client.PostAsJsonAsync($"/api/v1/cases/{created.Id}/replies", new CaseMessageRequest("Hello!"), PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.NotNull((await client.GetFromJsonAsync<CaseDto>($"/api/v1/cases/{created.Id}", PishkhanAppFactory.Json))!.FirstResponseAt);

        var timeline = await client.GetFromJsonAsync<List<TimelineEntryDto>>($"/api/v1/cases/{created.Id}/timeline", PishkhanAppFactory.Json);
        Assert.False(timeline!.Single(e => e.Kind == TimelineKind.Note).IsPublic);
        Assert.True(timeline!.Single(e => e.Kind == TimelineKind.OutboundMessage).IsPublic);
    }

    [Fact]
    public async Task Reply_WithEmptyBody_Is400()
    {
        var created = await app.CreateCaseAsync();
        var response = await app.ApiClient().PostAsJsonAsync($"/api/v1/cases/{created.Id}/replies", new CaseMessageRequest("  "), PishkhanAppFactory.Json);
        Assert.Contains("body", (await Problems.ErrorsAsync(response)).Keys);
    }

    [Fact]
    public async Task UnknownCase_Is404()
    {
        var response = await app.ApiClient().GetAsync($"/api/v1/cases/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var patch = await app.ApiClient().PatchAsync($"/api/v1/cases/{Guid.NewGuid()}", Problems.JsonBody(new { version = 0 }));
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
    }

    [Fact]
    public async Task List_FiltersByPriorityAndNormalisedText_SortsAndPagesWithTotals()
    {
        var marker = "زنگ" + Guid.NewGuid().ToString("N")[..6];
        var contact = await app.CreateContactAsync();
        await app.CreateCaseAsync($"مشکل {marker} يك", contact.Id, priority: "low");
        await app.CreateCaseAsync($"مشکل {marker} دو", contact.Id, priority: "critical");
        await app.CreateCaseAsync($"مشکل {marker} سه", contact.Id, priority: "critical");
        var client = app.ApiClient();

        // Arabic ي/ك in the query must find Persian ی/ک in the data and the other way round.
        var byText = await client.GetFromJsonAsync<PagedResult<CaseDto>>($"/api/v1/cases?q={Uri.EscapeDataString(marker + " یک")}", PishkhanAppFactory.Json);
        Assert.Equal(1, byText!.Total);

        var critical = await client.GetFromJsonAsync<PagedResult<CaseDto>>($"/api/v1/cases?q={marker}&priority=critical&pageSize=1&page=2&sort=createdAt", PishkhanAppFactory.Json);
        Assert.Equal(2, critical!.Total);
        Assert.Single(critical.Items);
        Assert.EndsWith("سه", critical.Items[0].Subject, StringComparison.Ordinal);

        var bad = await client.GetAsync("/api/v1/cases?sort=colour&pageSize=1000&priority=urgent");
        var errors = await Problems.ErrorsAsync(bad);
        Assert.Contains("sort", errors.Keys);
        Assert.Contains("pageSize", errors.Keys);
        Assert.Contains("priority", errors.Keys);
    }

    [Fact]
    public async Task ByNumber_FindsTheCase()
    {
        var created = await app.CreateCaseAsync();
        var found = await app.ApiClient().GetFromJsonAsync<CaseDto>($"/api/v1/cases/by-number/{created.Number}", PishkhanAppFactory.Json);
        Assert.Equal(created.Id, found!.Id);
    }
}
