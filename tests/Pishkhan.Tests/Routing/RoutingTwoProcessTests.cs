using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Routing;

namespace Pishkhan.Tests.Routing;

/// <summary>Two app processes on one database (PostgreSQL, or one SQLite file), each with its own workers and locks.</summary>
public sealed class TwoApps : IDisposable
{
    public TwoApps()
    {
        First = new PishkhanAppFactory();
        _ = First.Services; // starts it: the database is created and migrated once, before the second process starts
        Second = new PishkhanAppFactory(First);
        _ = Second.Services;
    }

    public PishkhanAppFactory First { get; }

    public PishkhanAppFactory Second { get; }

    public void Dispose()
    {
        Second.Dispose();
        First.Dispose();
    }
}

[Trait("Category", "Integration")]
public sealed class RoutingTwoProcessTests(TwoApps apps) : IClassFixture<TwoApps>
{
    [Fact]
    public async Task Intakes_and_presence_changes_through_two_app_processes_never_overfill_an_agent_or_assign_a_case_twice()
    {
        var (first, second) = (apps.First, apps.Second);
        var team = await first.CreateTeamAsync($"Two processes {Guid.NewGuid():N}");
        var agents = new List<Features.Identity.AppUser>();
        for (var i = 0; i < 5; i++)
        {
            agents.Add(await first.CreateAgentAsync($"twin{i}", team, capacity: 3));
        }

        var queue = await first.CreateQueueAsync("Two processes", [team]);
        var tag = await first.CreateTagRuleAsync(queue.Id);
        var secondClient = second.ApiClient();

        var flips = agents.Select(async (agent, i) =>
        {
            var via = i % 2 == 0 ? first : second;
            for (var round = 0; round < 6; round++)
            {
                await via.SetPresenceAsync(agent, (round + i) % 2 == 0 ? "online" : "away");
            }

            await via.SetPresenceAsync(agent, "online");
        });
        var intakes = Enumerable.Range(0, 50).Select(i => i % 2 == 0
            ? first.CreateTaggedCaseAsync(tag, $"First {i}")
            : second.CreateTaggedCaseAsync(tag, $"Second {i}", client: secondClient));
        await Task.WhenAll(flips.Concat<Task>(intakes));
        await Task.WhenAll(
            first.Services.GetRequiredService<RoutingService>().SweepAsync(),
            second.Services.GetRequiredService<RoutingService>().SweepAsync());

        await RoutingSteps.WaitUntilAsync(async () => await first.WithDbAsync(db => db.Cases.CountAsync(c => c.QueueId == queue.Id && c.OwnerId != null)) == 15);
        var loads = await first.WithDbAsync(db => db.Cases.Where(c => c.QueueId == queue.Id && c.OwnerId != null)
            .GroupBy(c => c.OwnerId).Select(g => g.Count()).ToListAsync());
        Assert.Equal([3, 3, 3, 3, 3], loads);
        Assert.Equal(50, await first.WithDbAsync(db => db.Cases.CountAsync(c => c.QueueId == queue.Id)));
        var assignmentsPerCase = await first.WithDbAsync(db => db.TimelineEntries
            .Where(t => t.Field == "owner" && t.OldValue == null && t.NewValue != null && db.Cases.Any(c => c.Id == t.CaseId && c.QueueId == queue.Id))
            .GroupBy(t => t.CaseId).Select(g => g.Count()).ToListAsync());
        Assert.Equal(15, assignmentsPerCase.Count);
        Assert.All(assignmentsPerCase, n => Assert.Equal(1, n));
        var queuedTwice = await first.WithDbAsync(db => db.TimelineEntries
            .Where(t => t.Field == "queue" && db.Cases.Any(c => c.Id == t.CaseId && c.QueueId == queue.Id))
            .GroupBy(t => t.CaseId).CountAsync(g => g.Count() > 1));
        Assert.Equal(0, queuedTwice);
    }
}
