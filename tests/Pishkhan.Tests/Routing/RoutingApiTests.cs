using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Routing;

namespace Pishkhan.Tests.Routing;

[Trait("Category", "Integration")]
public sealed class RoutingApiTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    private static readonly string[] Weekdays = ["saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday"];

    [Fact]
    public async Task A_rule_sends_matching_cases_to_its_queue_however_Persian_is_typed_and_the_rest_go_to_the_default()
    {
        var client = app.ApiClient();
        var billing = await CreateQueueAsync($"Billing {Guid.NewGuid():N}");
        var rule = await client.PostAsJsonAsync("/api/v1/routing-rules", new
        {
            name = "Invoices",
            position = -100,
            queueId = billing.Id,
            conditions = new[] { new { field = "keyword", @operator = "contains", values = new[] { "فاکتور", "invoice" } } },
        });
        Assert.Equal(HttpStatusCode.Created, rule.StatusCode);

        var invoice = await app.CreateCaseAsync("مشکل در فاكتور ماه قبل"); // Arabic kaf, Persian kaf in the rule
        var other = await app.CreateCaseAsync("Printer is on fire");

        Assert.Equal(billing.Id, await QueueOfAsync(invoice.Id));
        var defaultQueue = await app.WithDbAsync(db => db.Queues.Where(q => q.IsDefault).Select(q => q.Id).SingleAsync());
        Assert.Equal(defaultQueue, await QueueOfAsync(other.Id));
        var timeline = await client.GetFromJsonAsync<List<TimelineEntryDto>>($"/api/v1/cases/{invoice.Id}/timeline", PishkhanAppFactory.Json);
        Assert.Contains(timeline!, e => e.Field == "queue" && e.NewValue!.Contains("Invoices", StringComparison.Ordinal));
        await client.DeleteAsync($"/api/v1/routing-rules/{(await rule.Content.ReadFromJsonAsync<RoutingRuleDto>(PishkhanAppFactory.Json))!.Id}");
    }

    [Fact]
    public async Task A_rule_or_queue_naming_anything_unknown_is_refused_with_each_item_named_and_nothing_saved()
    {
        var client = app.ApiClient();
        var before = await app.WithDbAsync(db => db.RoutingRules.CountAsync());
        var rule = await client.PostAsJsonAsync("/api/v1/routing-rules", new
        {
            name = "Broken",
            queueId = Guid.NewGuid(),
            conditions = new object[]
            {
                new { field = "prioritee", @operator = "in", values = new[] { "high" } },
                new { field = "category", @operator = "in", values = new[] { Guid.NewGuid().ToString() } },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, rule.StatusCode);
        var errors = await Problems.ErrorsAsync(rule);
        Assert.Contains("queueId", errors.Keys);
        Assert.Contains("conditions[0].field", errors.Keys);
        Assert.Contains("conditions[1].values", errors.Keys);
        Assert.Equal(before, await app.WithDbAsync(db => db.RoutingRules.CountAsync()));

        var queue = await client.PostAsJsonAsync("/api/v1/queues", new
        {
            name = "Broken queue",
            strategy = "fastest",
            requiredSkills = new[] { new { skill = "language fa!", minLevel = 9 } },
            teamIds = new[] { Guid.NewGuid() },
        });
        Assert.Equal(HttpStatusCode.BadRequest, queue.StatusCode);
        errors = await Problems.ErrorsAsync(queue);
        Assert.Contains("strategy", errors.Keys);
        Assert.Contains("requiredSkills[0]", errors.Keys);
        Assert.Contains("teamIds", errors.Keys);
        Assert.False(await app.WithDbAsync(db => db.Queues.AnyAsync(q => q.Name == "Broken queue")));

        var profile = await client.PutAsJsonAsync($"/api/v1/agents/{Guid.NewGuid()}/profile", new { capacity = 3 });
        Assert.Equal(HttpStatusCode.NotFound, profile.StatusCode);
    }

    [Fact]
    public async Task Online_agents_in_their_shift_get_cases_in_turn_and_never_beyond_capacity()
    {
        var (queue, agents, tag) = await QueueWithAgentsAsync(agentCount: 3, capacity: 2);
        foreach (var agent in agents)
        {
            await SetPresenceAsync(agent, "online");
        }

        var cases = new List<CaseDto>();
        for (var i = 0; i < 8; i++)
        {
            cases.Add(await CreateTaggedCaseAsync(tag, $"Turn {i}"));
        }

        await WaitUntilAsync(async () => await app.WithDbAsync(db => db.Cases.CountAsync(c => c.QueueId == queue.Id)) == 8
            && await app.WithDbAsync(db => db.Cases.CountAsync(c => c.QueueId == queue.Id && c.OwnerId != null)) == 6);
        var perAgent = await app.WithDbAsync(db => db.Cases.Where(c => c.QueueId == queue.Id && c.OwnerId != null)
            .GroupBy(c => c.OwnerId).Select(g => g.Count()).ToListAsync());
        Assert.Equal([2, 2, 2], perAgent);
        Assert.Equal(2, await app.WithDbAsync(db => db.Cases.CountAsync(c => c.QueueId == queue.Id && c.OwnerId == null && c.QueuedAt != null)));

        // One agent resolves a case: the oldest waiting case goes to them.
        var first = await app.WithDbAsync(db => db.Cases.Where(c => c.QueueId == queue.Id && c.OwnerId != null).OrderBy(c => c.AssignedAt).FirstAsync());
        var resolved = await app.WithDbAsync(db => db.CaseStatuses.Where(s => s.Category == StatusCategory.Resolved).Select(s => s.Id).FirstAsync());
        var patch = await app.ApiClient().PatchAsync($"/api/v1/cases/{first.Id}", Problems.JsonBody(new { statusId = resolved, version = first.Version }));
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var assign = await app.ApiClient().PostAsync($"/api/v1/queues/{queue.Id}/assign", null);
        Assert.Equal(HttpStatusCode.OK, assign.StatusCode);
        var oldestWaiting = cases[6].Id;
        Assert.Equal(first.OwnerId, await app.WithDbAsync(db => db.Cases.Where(c => c.Id == oldestWaiting).Select(c => c.OwnerId).SingleAsync()));
    }

    [Fact]
    public async Task Fifty_concurrent_intakes_and_presence_changes_never_overfill_an_agent_or_assign_a_case_twice()
    {
        var (queue, agents, tag) = await QueueWithAgentsAsync(agentCount: 5, capacity: 3);
        var flips = agents.Select(async (agent, i) =>
        {
            for (var round = 0; round < 6; round++)
            {
                await SetPresenceAsync(agent, (round + i) % 2 == 0 ? "online" : "away");
            }

            await SetPresenceAsync(agent, "online");
        });
        var intakes = Enumerable.Range(0, 50).Select(i => CreateTaggedCaseAsync(tag, $"Rush {i}"));
        await Task.WhenAll(flips.Concat<Task>(intakes));
        await app.ApiClient().PostAsync($"/api/v1/queues/{queue.Id}/assign", null);

        await WaitUntilAsync(async () => await app.WithDbAsync(db => db.Cases.CountAsync(c => c.QueueId == queue.Id && c.OwnerId != null)) == 15);
        var loads = await app.WithDbAsync(db => db.Cases.Where(c => c.QueueId == queue.Id && c.OwnerId != null)
            .GroupBy(c => c.OwnerId).Select(g => g.Count()).ToListAsync());
        Assert.All(loads, n => Assert.True(n <= 3, $"an agent holds {n} cases with capacity 3"));
        Assert.Equal(15, loads.Sum());
        var assignmentsPerCase = await app.WithDbAsync(db => db.TimelineEntries
            .Where(t => t.Field == "owner" && t.OldValue == null && t.NewValue != null && db.Cases.Any(c => c.Id == t.CaseId && c.QueueId == queue.Id))
            .GroupBy(t => t.CaseId).Select(g => g.Count()).ToListAsync());
        Assert.Equal(15, assignmentsPerCase.Count);
        Assert.All(assignmentsPerCase, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task A_case_nobody_accepts_in_time_goes_to_the_next_agent_and_after_too_many_returns_to_a_supervisor()
    {
        var (queue, agents, tag) = await QueueWithAgentsAsync(agentCount: 2, capacity: 5, reassignAfterMinutes: 10, maxHops: 1);
        var teamId = await app.WithDbAsync(db => db.QueueTeams.Where(t => t.QueueId == queue.Id).Select(t => t.TeamId).FirstAsync());
        var supervisor = await app.CreateUserAsync($"sup-{Guid.NewGuid():N}@test.local", UserRole.Supervisor, teamId);
        await SetPresenceAsync(agents[0], "online");
        var created = await CreateTaggedCaseAsync(tag, "Nobody answers");
        await WaitUntilAsync(async () => await OwnerOfAsync(created.Id) == agents[0].Id);
        await SetPresenceAsync(agents[1], "online");
        var router = app.Services.GetRequiredService<RoutingService>();

        // Not yet: 5 of 10 business minutes (the agents work around the clock).
        await AgeAssignmentAsync(created.Id, TimeSpan.FromMinutes(5));
        await router.SweepAsync();
        Assert.Equal(agents[0].Id, await OwnerOfAsync(created.Id));

        // 20 minutes: back to the queue, and on to the other agent.
        await AgeAssignmentAsync(created.Id, TimeSpan.FromMinutes(20));
        await router.SweepAsync();
        Assert.Equal(agents[1].Id, await OwnerOfAsync(created.Id));
        Assert.Equal(1, await app.WithDbAsync(db => db.Cases.Where(c => c.Id == created.Id).Select(c => c.RoutingHops).SingleAsync()));

        // Again unanswered: past the one allowed return, it goes to the team's supervisor.
        await AgeAssignmentAsync(created.Id, TimeSpan.FromMinutes(20));
        await router.SweepAsync();
        Assert.Equal(supervisor.Id, await OwnerOfAsync(created.Id));
        var timeline = await app.ApiClient().GetFromJsonAsync<List<TimelineEntryDto>>($"/api/v1/cases/{created.Id}/timeline", PishkhanAppFactory.Json);
        Assert.Contains(timeline!, e => e.Field == "routing" && e.NewValue!.StartsWith("escalated to", StringComparison.Ordinal));

        // An accepted case stays put however long it waits.
        var accepted = await CreateTaggedCaseAsync(tag, "Accepted one");
        await WaitUntilAsync(async () => await OwnerOfAsync(accepted.Id) is not null);
        var owner = (await OwnerOfAsync(accepted.Id))!.Value;
        var ownerClient = await app.LoginAsync(agents.Single(a => a.Id == owner).Email!);
        Assert.Equal(HttpStatusCode.OK, (await ownerClient.PostAsync($"/api/v1/cases/{accepted.Id}/accept", null)).StatusCode);
        await AgeAssignmentAsync(accepted.Id, TimeSpan.FromHours(5));
        await router.SweepAsync();
        Assert.Equal(owner, await OwnerOfAsync(accepted.Id));
    }

    [Fact]
    public async Task An_agent_pulls_the_highest_priority_longest_waiting_case_and_presence_is_kept()
    {
        var (_, agents, tag) = await QueueWithAgentsAsync(agentCount: 1, capacity: 5);
        var low = await CreateTaggedCaseAsync(tag, "Low one", "low");
        var critical = await CreateTaggedCaseAsync(tag, "Critical one", "critical");
        await WaitUntilAsync(async () => await app.WithDbAsync(db => db.Cases.CountAsync(c => (c.Id == low.Id || c.Id == critical.Id) && c.QueueId != null)) == 2);

        var client = await app.LoginAsync(agents[0].Email!);
        var next = await client.PostAsync("/api/v1/me/next-case", null);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(critical.Id, (await next.Content.ReadFromJsonAsync<NextCaseDto>(PishkhanAppFactory.Json))!.Id);

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/me/presence", new { presence = "away" })).StatusCode);
        var profile = await client.GetFromJsonAsync<AgentProfileDto>($"/api/v1/agents/{agents[0].Id}/profile", PishkhanAppFactory.Json);
        Assert.Equal(Presence.Away, profile!.Presence);
        var bad = await client.PutAsJsonAsync("/api/v1/me/presence", new { presence = "sleeping" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("presence", (await Problems.ErrorsAsync(bad)).Keys);
    }

    private async Task<(QueueDto Queue, List<AppUser> Agents, string Tag)> QueueWithAgentsAsync(
        int agentCount, int capacity, int? reassignAfterMinutes = null, int maxHops = 3)
    {
        var client = app.ApiClient();
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var teamId = await app.CreateTeamAsync($"Routing {suffix}");
        var calendar = await client.PostAsJsonAsync("/api/v1/calendars", new
        {
            name = $"Around the clock {suffix}",
            definition = new { zone = "UTC", weekly = Weekdays.ToDictionary(d => d, _ => new[] { new { start = "00:00", end = "24:00" } }) },
        });
        Assert.Equal(HttpStatusCode.Created, calendar.StatusCode);
        var calendarId = (await calendar.Content.ReadFromJsonAsync<IdOnly>(PishkhanAppFactory.Json))!.Id;

        var agents = new List<AppUser>();
        for (var i = 0; i < agentCount; i++)
        {
            var agent = await app.CreateUserAsync($"agent{i}-{suffix}@test.local", UserRole.Agent, teamId);
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/users/{agent.Id}/calendar", new { calendarId })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/agents/{agent.Id}/profile", new { capacity })).StatusCode);
            agents.Add(agent);
        }

        var queue = await CreateQueueAsync($"Queue {suffix}", teamId, reassignAfterMinutes, maxHops);
        var tag = $"route-{suffix}";
        var rule = await client.PostAsJsonAsync("/api/v1/routing-rules", new
        {
            name = $"Tagged {suffix}",
            queueId = queue.Id,
            conditions = new[] { new { field = "tag", @operator = "in", values = new[] { tag } } },
        });
        Assert.Equal(HttpStatusCode.Created, rule.StatusCode);
        return (queue, agents, tag);
    }

    private async Task<QueueDto> CreateQueueAsync(string name, Guid? teamId = null, int? reassignAfterMinutes = null, int maxHops = 3)
    {
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/queues", new
        {
            name,
            strategy = "roundRobin",
            teamIds = teamId is null ? Array.Empty<Guid>() : [teamId.Value],
            reassignAfterMinutes,
            maxHops,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<QueueDto>(PishkhanAppFactory.Json))!;
    }

    private async Task<CaseDto> CreateTaggedCaseAsync(string tag, string subject, string priority = "medium")
    {
        var contact = await app.CreateContactAsync();
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/cases", new { subject, contactId = contact.Id, tags = new[] { tag }, priority });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CaseDto>(PishkhanAppFactory.Json))!;
    }

    private async Task SetPresenceAsync(AppUser agent, string presence)
    {
        var client = await app.LoginAsync(agent.Email!);
        var response = await client.PutAsJsonAsync("/api/v1/me/presence", new { presence });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Task<int> AgeAssignmentAsync(Guid caseId, TimeSpan age) => app.WithDbAsync(async db =>
    {
        var assignedAt = TimeProvider.System.GetUtcNow().UtcDateTime - age;
        return await db.Cases.Where(c => c.Id == caseId).ExecuteUpdateAsync(s => s.SetProperty(c => c.AssignedAt, assignedAt));
    });

    private Task<Guid?> QueueOfAsync(Guid caseId) => WaitForAsync(() => app.WithDbAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.QueueId).SingleAsync()));

    private Task<Guid?> OwnerOfAsync(Guid caseId) => app.WithDbAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.OwnerId).SingleAsync());

    /// <summary>Routing runs just after the request that caused it; this waits (up to 15 s) for it to land.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "routing did not reach the expected state within 15 s");
            await Task.Delay(50);
        }
    }

    private static async Task<Guid?> WaitForAsync(Func<Task<Guid?>> read)
    {
        Guid? value = null;
        await WaitUntilAsync(async () => (value = await read()) is not null);
        return value;
    }

    private sealed record IdOnly(Guid Id);
}
