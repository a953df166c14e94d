using FsCheck.Xunit;
using NodaTime;
using Pishkhan.Features.Sla;

namespace Pishkhan.Tests.Sla;

/// <summary>Invariants of the SLA clock over random pause patterns on the Berlin 09:00–18:00 calendar.</summary>
public sealed class SlaClockPropertyTests
{
    private static readonly Guid Open = Guid.NewGuid();
    private static readonly Guid Waiting = Guid.NewGuid();
    private static readonly Instant Base = Instant.FromUtc(2013, 6, 3, 0, 0);

    private static SlaHistory WithPauses(Instant created, uint[] offsets)
    {
        // Sorted offsets (minutes after creation) alternate pause, resume.
        var statuses = new List<SlaStatusChange> { new(created, Open, false) };
        var at = created;
        for (var i = 0; i < Math.Min(offsets.Length, 10); i++)
        {
            at += Duration.FromMinutes(offsets[i] % 600);
            statuses.Add(new SlaStatusChange(at, i % 2 == 0 ? Waiting : Open, false));
        }

        return new SlaHistory(created, statuses, [], []);
    }

    private static SlaMetricTarget Target(uint minutes) =>
        new(SlaMetric.Resolution, Duration.FromMinutes(1 + (minutes % 3000)), SlaWarningPoint.Default, new HashSet<Guid> { Waiting });

    [Property(MaxTest = 300)]
    public bool Pausing_NeverMakesTheDueInstantEarlier(uint start, uint minutes, uint[] offsets)
    {
        var created = Base + Duration.FromMinutes(start % (14 * 1440));
        var target = Target(minutes);
        var paused = WithPauses(created, offsets ?? []);
        var now = paused.Statuses[^1].At;
        var plain = Assert.Single(SlaClock.Compute(new SlaHistory(created, [new(created, Open, false)], [], []), target, SlaClockTests.Berlin, now));
        var result = Assert.Single(SlaClock.Compute(paused, target, SlaClockTests.Berlin, now));
        return result.DueAt is null || plain.DueAt is null || result.DueAt >= plain.DueAt;
    }

    [Property(MaxTest = 300)]
    public bool Elapsed_NeverExceedsWallTime_NorTheUnpausedElapsed(uint start, uint minutes, uint[] offsets, uint later)
    {
        var created = Base + Duration.FromMinutes(start % (14 * 1440));
        var target = Target(minutes);
        var paused = WithPauses(created, offsets ?? []);
        var now = paused.Statuses[^1].At + Duration.FromMinutes(later % 5000);
        var plain = Assert.Single(SlaClock.Compute(new SlaHistory(created, [new(created, Open, false)], [], []), target, SlaClockTests.Berlin, now));
        var result = Assert.Single(SlaClock.Compute(paused, target, SlaClockTests.Berlin, now));
        return result.Elapsed <= now - created && result.Elapsed <= plain.Elapsed && plain.Elapsed == SlaClockTests.Berlin.Between(created, now);
    }

    [Property(MaxTest = 300)]
    public bool WhileRunning_ElapsedPlusRemainingBusinessTime_IsTheTarget(uint start, uint minutes, uint[] offsets)
    {
        var created = Base + Duration.FromMinutes(start % (14 * 1440));
        var target = Target(minutes);
        var history = WithPauses(created, (offsets ?? []).Length % 2 == 0 ? offsets ?? [] : [.. offsets!, 5]);
        var now = history.Statuses[^1].At;
        var result = Assert.Single(SlaClock.Compute(history, target, SlaClockTests.Berlin, now));
        return result.State == SlaState.Breached || result.DueAt is not { } due || result.Elapsed + SlaClockTests.Berlin.Between(now, due) == target.Target;
    }
}
