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
    [Fact]
    public async Task A_rule_sends_matching_cases_to_its_queue_however_Persian_is_typed_and_the_rest_go_to_the_default()
    {
        var client = app.ApiClient();
        var billing = await app.CreateQueueAsync("Billing");
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

        Assert.Equal(billing.Id, await app.QueueOfAsync(invoice.Id));
        var defaultQueue = await app.WithDbAsync(db => db.Queues.Where(q => q.IsDefault).Select(q => q.Id).SingleAsync());
        Assert.Equal(defaultQueue, await app.QueueOfAsync(other.Id));
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
            await app.SetPresenceAsync(agent, "online");
        }

        var cases = new List<CaseDto>();
        for (var i = 0; i < 8; i++)
        {
            cases.Add(await app.CreateTaggedCaseAsync(tag, $"Turn {i}"));
        }

        await RoutingSteps.WaitUntilAsync(async () => await app.WithDbAsync(db => db.Cases.CountAsync(c => c.QueueId == queue.Id)) == 8
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
                await app.SetPresenceAsync(agent, (round + i) % 2 == 0 ? "online" : "away");
            }

            await app.SetPresenceAsync(agent, "online");
        });
        var intakes = Enumerable.Range(0, 50).Select(i => app.CreateTaggedCaseAsync(tag, $"Rush {i}"));
        await Task.WhenAll(flips.Concat<Task>(intakes));
        await app.ApiClient().PostAsync($"/api/v1/queues/{queue.Id}/assign", null);

        await RoutingSteps.WaitUntilAsync(async () => await app.WithDbAsync(db => db.Cases.CountAsync(c => c.QueueId == queue.Id && c.OwnerId != null)) == 15);
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
        await app.SetPresenceAsync(agents[0], "online");
        var created = await app.CreateTaggedCaseAsync(tag, "Nobody answers");
        await RoutingSteps.WaitUntilAsync(async () => await app.OwnerOfAsync(created.Id) == agents[0].Id);
        await app.SetPresenceAsync(agents[1], "online");
        var router = app.Services.GetRequiredService<RoutingService>();

        // Not yet: 5 of 10 business minutes (the agents work around the clock).
        await AgeAssignmentAsync(created.Id, TimeSpan.FromMinutes(5));
        await router.SweepAsync();
        Assert.Equal(agents[0].Id, await app.OwnerOfAsync(created.Id));

        // 20 minutes: back to the queue, and on to the other agent.
        await AgeAssignmentAsync(created.Id, TimeSpan.FromMinutes(20));
        await router.SweepAsync();
        Assert.Equal(agents[1].Id, await app.OwnerOfAsync(created.Id));
        Assert.Equal(1, await app.WithDbAsync(db => db.Cases.Where(c => c.Id == created.Id).Select(c => c.RoutingHops).SingleAsync()));

        // Again unanswered: past the one allowed return, it goes to the team's supervisor.
        await AgeAssignmentAsync(created.Id, TimeSpan.FromMinutes(20));
        await router.SweepAsync();
        Assert.Equal(supervisor.Id, await app.OwnerOfAsync(created.Id));
        var timeline = await app.ApiClient().GetFromJsonAsync<List<TimelineEntryDto>>($"/api/v1/cases/{created.Id}/timeline", PishkhanAppFactory.Json);
        Assert.Contains(timeline!, e => e.Field == "routing" && e.NewValue!.StartsWith("escalated to", StringComparison.Ordinal));

        // The case page says both events in the reader's language, with their numbers.
        var reader = await app.LoginAsync(supervisor.Email!);
        Assert.Contains("back to the queue: not accepted within 10 business minutes (return 1)",
            WebUtility.HtmlDecode(await reader.GetStringAsync($"/cases/{created.Number}")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await reader.GetAsync("/account/language/fa")).StatusCode);
        var persian = WebUtility.HtmlDecode(await reader.GetStringAsync($"/cases/{created.Number}"));
        Assert.Contains("بازگشت به صف: در ۱۰ دقیقهٔ کاری پذیرفته نشد (بازگشت ۱)", persian, StringComparison.Ordinal);
        Assert.Contains($"پس از ۱ بار بازگشت به صف، به {supervisor.DisplayName} ارجاع شد", persian, StringComparison.Ordinal);
        Assert.DoesNotContain("back to the queue", persian, StringComparison.Ordinal);

        // An accepted case stays put however long it waits.
        var accepted = await app.CreateTaggedCaseAsync(tag, "Accepted one");
        await RoutingSteps.WaitUntilAsync(async () => await app.OwnerOfAsync(accepted.Id) is not null);
        var owner = (await app.OwnerOfAsync(accepted.Id))!.Value;
        var ownerClient = await app.LoginAsync(agents.Single(a => a.Id == owner).Email!);
        Assert.Equal(HttpStatusCode.OK, (await ownerClient.PostAsync($"/api/v1/cases/{accepted.Id}/accept", null)).StatusCode);
        await AgeAssignmentAsync(accepted.Id, TimeSpan.FromHours(5));
        await router.SweepAsync();
        Assert.Equal(owner, await app.OwnerOfAsync(accepted.Id));
    }

    [Fact]
    public async Task An_agent_pulls_the_highest_priority_longest_waiting_case_and_presence_is_kept()
    {
        var (_, agents, tag) = await QueueWithAgentsAsync(agentCount: 1, capacity: 5);
        var low = await app.CreateTaggedCaseAsync(tag, "Low one", "low");
        var critical = await app.CreateTaggedCaseAsync(tag, "Critical one", "critical");
        await RoutingSteps.WaitUntilAsync(async () => await app.WithDbAsync(db => db.Cases.CountAsync(c => (c.Id == low.Id || c.Id == critical.Id) && c.QueueId != null)) == 2);

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

    [Fact]
    public async Task Cases_routed_together_each_go_to_their_queue_once_and_fill_agents_only_to_capacity()
    {
        // Nobody online yet: the worker queues the new cases but cannot assign them.
        var (queue, agents, tag) = await QueueWithAgentsAsync(agentCount: 2, capacity: 2);
        var tagged = new List<CaseDto>();
        for (var i = 0; i < 5; i++)
        {
            tagged.Add(await app.CreateTaggedCaseAsync(tag, $"Together {i}"));
        }

        // More than one transaction's worth (RouteChunkSize) for the default queue, before the tagged ones.
        var untagged = new List<CaseDto>();
        for (var i = 0; i < RoutingService.RouteChunkSize; i++)
        {
            untagged.Add(await app.CreateCaseAsync($"Together, but for the default queue {i}"));
        }

        var ids = untagged.Select(c => c.Id).Concat(tagged.Select(c => c.Id)).ToList();
        await RoutingSteps.WaitUntilAsync(async () => await app.WithDbAsync(db => db.Cases.CountAsync(c => ids.Contains(c.Id) && c.QueueId != null)) == ids.Count);

        // Take them out of their queues again, as if the worker had never seen them, and bring the agents online
        // without waking the worker (straight in the database).
        await app.WithDbAsync(async db =>
        {
            await db.Cases.Where(c => ids.Contains(c.Id)).ExecuteUpdateAsync(u => u.SetProperty(c => c.QueueId, (Guid?)null).SetProperty(c => c.QueuedAt, (DateTime?)null));
            await db.TimelineEntries.Where(t => ids.Contains(t.CaseId) && t.Field == "queue").ExecuteDeleteAsync();
            var agentIds = agents.Select(a => a.Id).ToList();
            return await db.AgentProfiles.Where(p => agentIds.Contains(p.UserId)).ExecuteUpdateAsync(u => u.SetProperty(p => p.Presence, Presence.Online));
        });

        var router = app.Services.GetRequiredService<RoutingService>();
        await router.RouteNewCasesAsync([.. ids, ids[^1], Guid.NewGuid()]); // a repeated and an unknown id change nothing
        await router.RouteNewCasesAsync(ids); // already queued: nothing happens twice

        var defaultQueue = await app.WithDbAsync(db => db.Queues.Where(q => q.IsDefault).Select(q => q.Id).SingleAsync());
        var untaggedIds = untagged.Select(c => c.Id).ToList();
        Assert.All(await app.WithDbAsync(db => db.Cases.Where(c => untaggedIds.Contains(c.Id)).Select(c => c.QueueId).ToListAsync()), q => Assert.Equal(defaultQueue, q));
        var taggedIds = tagged.Select(c => c.Id).ToList();
        var routed = await app.WithDbAsync(db => db.Cases.Where(c => taggedIds.Contains(c.Id)).Select(c => new { c.QueueId, c.OwnerId, c.QueuedAt }).ToListAsync());
        Assert.All(routed, c => Assert.Equal(queue.Id, c.QueueId));
        Assert.All(routed.Where(c => c.OwnerId is null), c => Assert.NotNull(c.QueuedAt)); // the one left waits
        Assert.Equal(4, routed.Count(c => c.OwnerId is not null));
        Assert.All(routed.Where(c => c.OwnerId is not null).GroupBy(c => c.OwnerId), g => Assert.Equal(2, g.Count()));
        var queueEvents = await app.WithDbAsync(db => db.TimelineEntries.Where(t => ids.Contains(t.CaseId) && t.Field == "queue")
            .GroupBy(t => t.CaseId).Select(g => g.Count()).ToListAsync());
        Assert.Equal(Enumerable.Repeat(1, ids.Count), queueEvents);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => router.RouteNewCasesAsync([.. Enumerable.Range(0, RoutingService.RouteBatchSize + 1).Select(_ => Guid.NewGuid())]));
    }

    private async Task<(QueueDto Queue, List<AppUser> Agents, string Tag)> QueueWithAgentsAsync(
        int agentCount, int capacity, int? reassignAfterMinutes = null, int maxHops = 3)
    {
        var teamId = await app.CreateTeamAsync($"Routing {Guid.NewGuid():N}");
        var calendarId = await app.CreateCalendarAsync("Around the clock", "UTC", "00:00", "24:00");
        var agents = new List<AppUser>();
        for (var i = 0; i < agentCount; i++)
        {
            var agent = await app.CreateAgentAsync($"agent{i}", teamId, capacity);
            await app.SetUserCalendarAsync(agent.Id, calendarId);
            agents.Add(agent);
        }

        var queue = await app.CreateQueueAsync("Queue", [teamId], reassignAfterMinutes, maxHops);
        return (queue, agents, await app.CreateTagRuleAsync(queue.Id));
    }

    private Task<int> AgeAssignmentAsync(Guid caseId, TimeSpan age) => app.WithDbAsync(async db =>
    {
        var assignedAt = TimeProvider.System.GetUtcNow().UtcDateTime - age;
        return await db.Cases.Where(c => c.Id == caseId).ExecuteUpdateAsync(s => s.SetProperty(c => c.AssignedAt, assignedAt));
    });
}
