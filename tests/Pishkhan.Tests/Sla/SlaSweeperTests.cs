using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Notifications;
using Pishkhan.Features.Sla;

namespace Pishkhan.Tests.Sla;

/// <summary>Durable timers with two app processes on one database, and after a crash: each level fires exactly once.</summary>
[Trait("Category", "Integration")]
public sealed class SlaSweeperTests : IDisposable
{
    private const int Cases = 60;
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 4, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly PishkhanAppFactory _first;
    private readonly PishkhanAppFactory _second;

    public SlaSweeperTests()
    {
        _first = new PishkhanAppFactory(seedDemo: false, _clock, SlaApp.ManualSla);
        _ = _first.Services; // starts and migrates before the second process joins
        _second = new PishkhanAppFactory(_first);
    }

    public void Dispose()
    {
        _second.Dispose();
        _first.Dispose();
    }

    /// <summary>A 24×7 policy for a fresh team (10 min first response, warning at 50%) that notifies a named user at each level, and cases under it.</summary>
    private static async Task<(Guid User, List<Guid> Cases)> ArrangeAsync(PishkhanAppFactory app)
    {
        var team = await app.CreateTeamAsync("Sweep " + Guid.NewGuid().ToString("N")[..6]);
        var user = await app.CreateUserAsync($"watch-{Guid.NewGuid():N}@test.local", UserRole.Supervisor, team);
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/sla-policies", new
        {
            name = "Sweep " + Guid.NewGuid().ToString("N")[..6],
            conditions = new { teamIds = new[] { team } },
            is24x7 = true,
            targets = new object[] { new { priority = "medium", metric = "firstResponse", minutes = 10, warnPercent = 50 } },
            escalations = new object[]
            {
                new { trigger = "warning", actions = new object[] { new { kind = "notifyUser", userId = user.Id } } },
                new { trigger = "breach", actions = new object[] { new { kind = "notifyUser", userId = user.Id } } },
            },
        }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var contact = await app.CreateContactAsync();
        var cases = new List<Guid>();
        for (var i = 0; i < Cases; i++)
        {
            cases.Add((await app.CreateCaseAsync($"Due together {i}", contact.Id, teamId: team, priority: "medium")).Id);
        }

        return (user.Id, cases);
    }

    private async Task AssertEachLevelFiredOnceAsync(Guid user, List<Guid> cases)
    {
        var fired = await _first.WithDbAsync(db => db.SlaTimers.Where(t => cases.Contains(t.CaseId)).Select(t => new { t.Level, t.FiredAt }).ToListAsync());
        Assert.Equal(2 * Cases, fired.Count);
        Assert.All(fired, t => Assert.NotNull(t.FiredAt));

        var events = await _first.WithDbAsync(db => db.TimelineEntries.Where(t => cases.Contains(t.CaseId) && t.Field == SlaEngine.TimelineField)
            .GroupBy(t => t.NewValue).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key!, g => g.Count));
        Assert.Equal(Cases, events["warned"]);
        Assert.Equal(Cases, events["breached"]);

        var notifications = await _first.WithDbAsync(db => db.Notifications.Where(n => n.UserId == user).GroupBy(n => n.Source).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count));
        Assert.Equal(Cases, notifications["sla:warning"]);
        Assert.Equal(Cases, notifications["sla:breach"]);
    }

    [Fact]
    public async Task TwoProcesses_SweepingTheSameDueTimers_FireEachLevelExactlyOnce()
    {
        var (user, cases) = await ArrangeAsync(_first);
        _clock.Advance(TimeSpan.FromMinutes(11));

        var sweepers = new[] { _first, _second, _first, _second }.Select(a => a.Services.GetRequiredService<SlaSweeper>()).ToList();
        var fired = await Task.WhenAll(sweepers.Select(s => Task.Run(() => s.SweepOnceAsync())));

        Assert.Equal(2 * Cases, fired.Sum());
        Assert.Equal(0, await _second.Services.GetRequiredService<SlaSweeper>().SweepOnceAsync());
        await AssertEachLevelFiredOnceAsync(user, cases);
    }

    [Fact]
    public async Task AfterACrash_WithTimersClaimedButNotFired_TheRestartedProcessFiresThemOnce_WhenTheLeaseRunsOut()
    {
        var (user, cases) = await ArrangeAsync(_second);
        _clock.Advance(TimeSpan.FromMinutes(11));

        // The second process claimed every due timer and died before firing any.
        var now = _clock.GetUtcNow().UtcDateTime;
        await _second.WithDbAsync(db => db.SlaTimers.Where(t => cases.Contains(t.CaseId))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseOwner, "crashed").SetProperty(t => t.LeaseUntil, now + SlaSweeper.Lease)));
        _second.Dispose();

        var sweeper = _first.Services.GetRequiredService<SlaSweeper>();
        Assert.Equal(0, await sweeper.SweepOnceAsync());

        _clock.Advance(SlaSweeper.Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(2 * Cases, await sweeper.SweepOnceAsync());
        Assert.Equal(0, await sweeper.SweepOnceAsync());
        await AssertEachLevelFiredOnceAsync(user, cases);
    }
}
