using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Sla;

namespace Pishkhan.Features.Reports;

/// <summary>Business-time durations of one case, measured exactly as the SLA clock measures them.</summary>
public sealed record CaseDurations(Duration? FirstResponse, Duration? Resolution, int Reopens);

/// <summary>
/// Measures a case's time to first response and to resolution in business time by replaying its history through
/// <see cref="SlaClock"/> (the one place that knows how pauses, reopenings and closed hours count), so a report never
/// disagrees with the SLA timers on the same case. No I/O.
/// </summary>
public static class CaseClock
{
    // A target that is breached at once: the replay then only accumulates elapsed time and never searches ahead for a
    // far-away deadline. The state it reports is irrelevant here; only the achieved elapsed time is read.
    private static readonly Duration Token = Duration.FromNanoseconds(1);

    /// <summary>
    /// The business time from creation to the first public agent reply and to the (last) resolution, excluding time in
    /// <paramref name="pauseStatusIds"/> and time while resolved; null when the case has not got there by <paramref name="now"/>.
    /// </summary>
    public static CaseDurations Measure(SlaHistory history, BusinessCalendar calendar, IReadOnlySet<Guid> pauseStatusIds, Instant now)
    {
        var first = SlaClock.Compute(history, new SlaMetricTarget(SlaMetric.FirstResponse, Token, SlaWarningPoint.Default, pauseStatusIds), calendar, now);
        var resolution = SlaClock.Compute(history, new SlaMetricTarget(SlaMetric.Resolution, Token, SlaWarningPoint.Default, pauseStatusIds), calendar, now);
        var statuses = history.Statuses.Where(s => s.At <= now).OrderBy(s => s.At).ToList();
        var reopens = 0;
        for (var i = 1; i < statuses.Count; i++)
        {
            if (statuses[i - 1].IsResolved && !statuses[i].IsResolved)
            {
                reopens++;
            }
        }

        var r = resolution.Count > 0 ? resolution[0] : null;
        return new CaseDurations(
            first.Count > 0 ? first[0].AchievedElapsed : null,
            r is { IsActive: false, AchievedElapsed: { } e } ? e : null,
            reopens);
    }
}
