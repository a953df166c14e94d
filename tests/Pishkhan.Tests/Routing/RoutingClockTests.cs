using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Routing;

namespace Pishkhan.Tests.Routing;

/// <summary>The app on a clock the test moves, shared by the scenarios of one class (they run one after another).</summary>
public sealed class ClockedApp : IDisposable
{
    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero));

    public PishkhanAppFactory App { get; }

    public ClockedApp() => App = new PishkhanAppFactory(seedDemo: false, clock: Clock);

    public void Dispose() => App.Dispose();
}

/// <summary>Shifts, time zones and re-assignment time, on a fake clock: what happens as the day goes by.</summary>
[Trait("Category", "Integration")]
public sealed class RoutingClockTests(ClockedApp fixture) : IClassFixture<ClockedApp>
{
    private static readonly string[] TehranWeek = ["saturday", "sunday", "monday", "tuesday", "wednesday"];
    private static readonly string[] BerlinWeek = ["monday", "tuesday", "wednesday", "thursday", "friday"];

    private PishkhanAppFactory App => fixture.App;

    private TestClock Clock => fixture.Clock;

    private RoutingService Router => App.Services.GetRequiredService<RoutingService>();

    [Fact]
    public async Task A_queue_served_from_Tehran_and_Berlin_hands_work_over_as_their_shifts_open_and_close()
    {
        Clock.Set(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero)); // Monday: 09:30 in Tehran, 07:00 in Berlin
        var tehranTeam = await App.CreateTeamAsync($"Tehran {Guid.NewGuid():N}");
        var berlinTeam = await App.CreateTeamAsync($"Berlin {Guid.NewGuid():N}");
        await App.SetTeamCalendarAsync(tehranTeam, await App.CreateCalendarAsync("Tehran office", "Asia/Tehran", "08:00", "17:00", TehranWeek));
        await App.SetTeamCalendarAsync(berlinTeam, await App.CreateCalendarAsync("Berlin office", "Europe/Berlin", "09:00", "18:00", BerlinWeek));
        var tehran = await App.CreateAgentAsync("tehran", tehranTeam, capacity: 10);
        var berlin = await App.CreateAgentAsync("berlin", berlinTeam, capacity: 10);
        var queue = await App.CreateQueueAsync("Follow the sun", [tehranTeam, berlinTeam]);
        var tag = await App.CreateTagRuleAsync(queue.Id);
        await App.SetPresenceAsync(tehran, "online");
        await App.SetPresenceAsync(berlin, "online");

        var morning = await App.CreateTaggedCaseAsync(tag, "Morning in Tehran");
        await RoutingSteps.WaitUntilAsync(async () => await App.OwnerOfAsync(morning.Id) is not null);
        Assert.Equal(tehran.Id, await App.OwnerOfAsync(morning.Id));

        Clock.Set(new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.Zero)); // 17:30 in Tehran (closed), 15:00 in Berlin
        var afternoon = await App.CreateTaggedCaseAsync(tag, "Afternoon in Berlin");
        await RoutingSteps.WaitUntilAsync(async () => await App.OwnerOfAsync(afternoon.Id) is not null);
        Assert.Equal(berlin.Id, await App.OwnerOfAsync(afternoon.Id));

        Clock.Set(new DateTimeOffset(2026, 11, 23, 20, 0, 0, TimeSpan.Zero)); // both closed
        var night = await App.CreateTaggedCaseAsync(tag, "Night everywhere");
        Assert.Equal(queue.Id, await App.QueueOfAsync(night.Id));
        await Router.SweepAsync();
        Assert.Null(await App.OwnerOfAsync(night.Id));

        Clock.Set(new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero)); // Tuesday 08:30 in Tehran, 06:00 in Berlin
        await Router.SweepAsync();
        Assert.Equal(tehran.Id, await App.OwnerOfAsync(night.Id));
    }

    [Fact]
    public async Task An_agent_with_no_shift_calendar_takes_work_at_any_hour_not_only_in_the_default_support_hours()
    {
        Clock.Set(new DateTimeOffset(2026, 11, 27, 18, 30, 0, TimeSpan.Zero)); // Friday 22:00 in Tehran: the default calendar is closed
        var team = await App.CreateTeamAsync($"No shift {Guid.NewGuid():N}");
        var agent = await App.CreateAgentAsync("nightowl", team, capacity: 5);
        var queue = await App.CreateQueueAsync("No shift", [team]);
        var tag = await App.CreateTagRuleAsync(queue.Id);
        await App.SetPresenceAsync(agent, "online");

        var late = await App.CreateTaggedCaseAsync(tag, "Friday night");

        await RoutingSteps.WaitUntilAsync(async () => await App.OwnerOfAsync(late.Id) is not null);
        Assert.Equal(agent.Id, await App.OwnerOfAsync(late.Id));
    }

    [Fact]
    public async Task An_agent_who_goes_offline_keeps_their_cases_until_the_re_assignment_time_runs_out()
    {
        Clock.Set(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        var team = await App.CreateTeamAsync($"Offline {Guid.NewGuid():N}");
        await App.SetTeamCalendarAsync(team, await App.CreateCalendarAsync("Around the clock", "UTC", "00:00", "24:00"));
        var leaving = await App.CreateAgentAsync("leaving", team, capacity: 5);
        var staying = await App.CreateAgentAsync("staying", team, capacity: 5);
        var queue = await App.CreateQueueAsync("Offline", [team], reassignAfterMinutes: 30);
        var tag = await App.CreateTagRuleAsync(queue.Id);
        await App.SetPresenceAsync(leaving, "online");
        var held = await App.CreateTaggedCaseAsync(tag, "In hand");
        await RoutingSteps.WaitUntilAsync(async () => await App.OwnerOfAsync(held.Id) == leaving.Id);

        await App.SetPresenceAsync(leaving, "offline");
        await App.SetPresenceAsync(staying, "online");
        Clock.Advance(TimeSpan.FromMinutes(29));
        await Router.SweepAsync();
        Assert.Equal(leaving.Id, await App.OwnerOfAsync(held.Id));

        Clock.Advance(TimeSpan.FromMinutes(2));
        await Router.SweepAsync();
        Assert.Equal(staying.Id, await App.OwnerOfAsync(held.Id));
        var audit = await App.WithDbAsync(db => db.TimelineEntries.Where(t => t.CaseId == held.Id && t.Field == "routing").Select(t => t.NewValue).ToListAsync());
        Assert.Contains(audit, v => v!.StartsWith("back to the queue: not accepted within 30 business minutes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_a_shift_ends_mid_queue_the_agent_keeps_what_they_hold_and_the_rest_waits_for_the_next_shift()
    {
        Clock.Set(new DateTimeOffset(2026, 11, 23, 16, 0, 0, TimeSpan.Zero)); // Monday, an hour before the shift ends
        var team = await App.CreateTeamAsync($"Day shift {Guid.NewGuid():N}");
        var shift = await App.CreateCalendarAsync("Day shift", "UTC", "09:00", "17:00", BerlinWeek);
        var agent = await App.CreateAgentAsync("day", team, capacity: 2);
        await App.SetUserCalendarAsync(agent.Id, shift);
        var queue = await App.CreateQueueAsync("Day", [team]);
        var tag = await App.CreateTagRuleAsync(queue.Id);
        await App.SetPresenceAsync(agent, "online");

        var cases = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            cases.Add((await App.CreateTaggedCaseAsync(tag, $"Late {i}")).Id);
            Clock.Advance(TimeSpan.FromMinutes(1));
        }

        await RoutingSteps.WaitUntilAsync(async () => await App.WithDbAsync(db => db.Cases.CountAsync(c => cases.Contains(c.Id) && c.QueueId != null)) == 4);
        Assert.Equal([agent.Id, agent.Id, null, null], await OwnersAsync(cases));

        Clock.Set(new DateTimeOffset(2026, 11, 23, 17, 30, 0, TimeSpan.Zero)); // the shift is over; one case gets resolved
        await App.ResolveAsync(cases[0]);
        await Router.SweepAsync();
        Assert.Equal([agent.Id, agent.Id, null, null], await OwnersAsync(cases));

        Clock.Set(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero)); // Tuesday's shift: room for one, the oldest waiting
        await Router.SweepAsync();
        Assert.Equal([agent.Id, agent.Id, agent.Id, null], await OwnersAsync(cases));
    }

    [Fact]
    public async Task A_weighted_queue_counts_a_critical_case_as_three_of_an_agents_capacity()
    {
        Clock.Set(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        var team = await App.CreateTeamAsync($"Weighted {Guid.NewGuid():N}");
        var agent = await App.CreateAgentAsync("weighted", team, capacity: 4);
        var queue = await App.CreateQueueAsync("Weighted", [team], weighByPriority: true);
        var tag = await App.CreateTagRuleAsync(queue.Id);
        await App.SetPresenceAsync(agent, "online");

        var critical = await App.CreateTaggedCaseAsync(tag, "Everything is down", "critical");
        var high = await App.CreateTaggedCaseAsync(tag, "Checkout is slow", "high");
        var low = await App.CreateTaggedCaseAsync(tag, "Typo on the invoice", "low");
        List<Guid> ids = [critical.Id, high.Id, low.Id];
        await RoutingSteps.WaitUntilAsync(async () => await App.WithDbAsync(db => db.Cases.CountAsync(c => ids.Contains(c.Id) && c.QueueId != null)) == 3);
        await Router.AssignWaitingAsync(queue.Id);

        // 3 (critical) + 1 (low) = 4: the high case (2) does not fit and waits.
        Assert.Equal([agent.Id, null, agent.Id], await OwnersAsync(ids));
    }

    private async Task<List<Guid?>> OwnersAsync(List<Guid> ids)
    {
        var owners = await App.WithDbAsync(db => db.Cases.Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.OwnerId }).ToListAsync());
        return [.. ids.Select(id => owners.Single(o => o.Id == id).OwnerId)];
    }
}
