using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Sla;

namespace Pishkhan.Tests.Sla;

[Trait("Category", "Integration")]
public sealed class SlaPolicyApiTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    private static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static object Policy(string name, object? conditions = null, int minutes = 60, int? position = null, int? version = null) => new
    {
        name,
        position,
        conditions,
        is24x7 = true,
        targets = new object[] { new { priority = "high", metric = "firstResponse", minutes, warnPercent = 75 } },
        escalations = new object[] { new { trigger = "breach", actions = new object[] { new { kind = "notifyOwner" } } } },
        version,
    };

    private async Task<SlaPolicyDto> CreateAsync(object body)
    {
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/sla-policies", body, PishkhanAppFactory.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<SlaPolicyDto>(PishkhanAppFactory.Json))!;
    }

    private async Task<List<SlaPolicyDto>> ListAsync() =>
        (await app.ApiClient().GetFromJsonAsync<List<SlaPolicyDto>>("/api/v1/sla-policies", PishkhanAppFactory.Json))!;

    [Fact]
    public async Task DefaultPolicy_IsSeeded_AsTheFallbackWithTargetsForEveryPriority()
    {
        var fallback = Assert.Single(await ListAsync(), p => p.Name == DefaultSlaPolicy.Name);
        Assert.True(fallback.Conditions.IsEmpty);
        Assert.Null(fallback.CalendarId); // follows the default calendar
        Assert.False(fallback.Is24x7);
        Assert.Equal(12, fallback.Targets.Count);
        Assert.Contains(fallback.Targets, t => t is { Priority: Features.Cases.Priority.Critical, Metric: SlaMetric.FirstResponse, Minutes: 60 });
        Assert.Contains(fallback.Escalations, e => e.Trigger == SlaLevelTrigger.Breach);
    }

    [Fact]
    public async Task Create_WithConditionsAndNoPosition_GoesBeforeTheFallback()
    {
        var team = await app.CreateTeamAsync(Unique("VIP"));
        var created = await CreateAsync(Policy(Unique("VIP"), new { teamIds = new[] { team } }));

        var list = await ListAsync();
        var fallbackAt = list.FindIndex(p => p.Name == DefaultSlaPolicy.Name);
        var createdAt = list.FindIndex(p => p.Id == created.Id);
        Assert.True(createdAt < fallbackAt, "a conditional policy appended after the fallback could never match");
        Assert.All(list.Skip(createdAt + 1), p => Assert.True(p.Conditions.IsEmpty));
        Assert.Equal(Enumerable.Range(1, list.Count), list.Select(p => p.Position));
        Assert.Equal([team], created.Conditions.TeamIds);
    }

    [Fact]
    public async Task Update_ReplacesThePolicy_StaleVersionIs409_AndEveryChangeIsAudited()
    {
        var created = await CreateAsync(Policy(Unique("Edit")));
        var client = app.ApiClient();

        var put = await client.PutAsJsonAsync($"/api/v1/sla-policies/{created.Id}", Policy(created.Name + "2", minutes: 90, version: created.Version), PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var updated = (await put.Content.ReadFromJsonAsync<SlaPolicyDto>(PishkhanAppFactory.Json))!;
        Assert.Equal(created.Version + 1, updated.Version);
        Assert.Equal(90, Assert.Single(updated.Targets).Minutes);
        Assert.Equal(created.Position, updated.Position);

        var stale = await client.PutAsJsonAsync($"/api/v1/sla-policies/{created.Id}", Policy(created.Name + "3", version: created.Version), PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.EntityId == created.Id).Select(a => a.Field).ToListAsync());
        Assert.Contains("created", audit);
        Assert.Contains("targets", audit);
        Assert.Contains("name", audit);

        // Every save queues a recalculation of the open cases, in the same transaction.
        Assert.True(await app.WithDbAsync(db => db.Set<SlaRecalculation>().AnyAsync(r => r.PolicyId == created.Id)));
    }

    [Fact]
    public async Task BadPolicy_Is400_NamingEachProblem_AndSavesNothing()
    {
        var before = await app.WithDbAsync(db => db.Set<SlaPolicy>().CountAsync());
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/sla-policies", new
        {
            name = "",
            calendarId = Guid.NewGuid(),
            pauseStatusIds = new[] { Guid.NewGuid() },
            targets = new object[]
            {
                new { priority = "high", metric = "firstResponse", minutes = 0 },
                new { priority = "low", metric = "resolution", minutes = -5 },
                new { priority = "medium", metric = "firstResponse", minutes = 60, warnMinutesBefore = 90 },
                new { priority = "medium", metric = "resolution", minutes = 60, warnPercent = 100 },
            },
            escalations = new object[] { new { trigger = "afterBreach", actions = new object[] { new { kind = "notifyUser" } } } },
        }, PishkhanAppFactory.Json);

        var errors = await Problems.ErrorsAsync(response);
        Assert.Contains("'name' is required.", errors["name"]);
        Assert.Contains("No calendar has the id", errors["calendarId"][0], StringComparison.Ordinal);
        Assert.Contains("No status has the id", errors["pauseStatusIds[0]"][0], StringComparison.Ordinal);
        Assert.Contains("positive", errors["targets[0].minutes"][0], StringComparison.Ordinal);
        Assert.Contains("(got -5)", errors["targets[1].minutes"][0], StringComparison.Ordinal);
        Assert.Contains("beyond its target", errors["targets[2].warnMinutesBefore"][0], StringComparison.Ordinal);
        Assert.Contains("between 1 and 99", errors["targets[3].warnPercent"][0], StringComparison.Ordinal);
        Assert.Contains("positive number of business minutes", errors["escalations[0].afterBreachMinutes"][0], StringComparison.Ordinal);
        Assert.Contains("needs a 'userId'", errors["escalations[0].actions[0].userId"][0], StringComparison.Ordinal);
        Assert.Equal(before, await app.WithDbAsync(db => db.Set<SlaPolicy>().CountAsync()));
    }

    [Fact]
    public async Task NoTargets_And_WrongTypes_AreNamed()
    {
        var none = await app.ApiClient().PostAsJsonAsync("/api/v1/sla-policies", new { name = Unique("Empty"), targets = Array.Empty<object>() }, PishkhanAppFactory.Json);
        Assert.Contains("at least one target", (await Problems.ErrorsAsync(none))["targets"][0], StringComparison.Ordinal);

        var wrong = await app.ApiClient().PostAsync("/api/v1/sla-policies", Problems.JsonBody(new
        {
            name = Unique("Wrong"),
            targets = new object[] { new { priority = "high", metric = "teaTime", minutes = 10 } },
        }));
        Assert.Contains("targets[0].metric", (await Problems.ErrorsAsync(wrong)).Keys);

        var unknownTeam = await app.ApiClient().PostAsJsonAsync("/api/v1/sla-policies", Policy(Unique("Team"), new { teamIds = new[] { Guid.NewGuid() } }), PishkhanAppFactory.Json);
        Assert.Contains("conditions.teamIds[0]", (await Problems.ErrorsAsync(unknownTeam)).Keys);
    }

    [Fact]
    public async Task DuplicateName_Is400()
    {
        var first = await CreateAsync(Policy(Unique("Twin")));
        var second = await app.ApiClient().PostAsJsonAsync("/api/v1/sla-policies", Policy(first.Name.ToUpperInvariant()), PishkhanAppFactory.Json);
        Assert.Contains("already exists", (await Problems.ErrorsAsync(second))["name"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reorder_SetsPositions_AndRefusesAnIncompleteList()
    {
        await CreateAsync(Policy(Unique("Order")));
        var list = await ListAsync();
        var reversed = list.Select(p => p.Id).Reverse().ToList();
        var ok = await app.ApiClient().PutAsJsonAsync("/api/v1/sla-policies/order", new { ids = reversed }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(reversed, (await ListAsync()).Select(p => p.Id));

        var incomplete = await app.ApiClient().PutAsJsonAsync("/api/v1/sla-policies/order", new { ids = reversed.Skip(1) }, PishkhanAppFactory.Json);
        Assert.Contains("is missing", (await Problems.ErrorsAsync(incomplete))["ids"][0], StringComparison.Ordinal);

        // Back to the original order, so the fallback is last again for the other tests.
        var restored = await app.ApiClient().PutAsJsonAsync("/api/v1/sla-policies/order", new { ids = list.Select(p => p.Id) }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
    }

    [Fact]
    public async Task Delete_RemovesThePolicy_AndRenumbers()
    {
        var created = await CreateAsync(Policy(Unique("Gone")));
        Assert.Equal(HttpStatusCode.NoContent, (await app.ApiClient().DeleteAsync($"/api/v1/sla-policies/{created.Id}")).StatusCode);
        var list = await ListAsync();
        Assert.DoesNotContain(list, p => p.Id == created.Id);
        Assert.Equal(Enumerable.Range(1, list.Count), list.Select(p => p.Position));
        Assert.Equal(HttpStatusCode.NotFound, (await app.ApiClient().DeleteAsync($"/api/v1/sla-policies/{created.Id}")).StatusCode);
    }

    [Fact]
    public async Task OnlyAdmins_ManagePolicies()
    {
        var agent = await app.CreateUserAsync($"agent-{Guid.NewGuid():N}@test.local", UserRole.Agent);
        var supervisor = await app.CreateUserAsync($"sup-{Guid.NewGuid():N}@test.local", UserRole.Supervisor);
        foreach (var client in new[] { await app.LoginAsync(agent.Email!), await app.LoginAsync(supervisor.Email!), app.ApiClient(await app.CreateApiKeyAsync(Scopes.CasesRead, Scopes.CasesWrite)) })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/sla-policies")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/sla-policies", Policy(Unique("No")), PishkhanAppFactory.Json)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.AnonymousClient().GetAsync("/api/v1/sla-policies")).StatusCode);
    }
}
