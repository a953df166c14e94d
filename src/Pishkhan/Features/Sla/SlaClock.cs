using NodaTime;
using Pishkhan.Calendar;

namespace Pishkhan.Features.Sla;

/// <summary>The four things an SLA can measure.</summary>
public enum SlaMetric
{
    /// <summary>Creation → the first public agent reply.</summary>
    FirstResponse = 1,

    /// <summary>Each customer message (after the first response) → the next public agent reply; one instance per cycle.</summary>
    NextResponse = 2,

    /// <summary>Optional: the time between public agent replies while the case is open; one instance per cycle.</summary>
    PeriodicUpdate = 3,

    /// <summary>Creation → resolved; reopening resumes the same instance.</summary>
    Resolution = 4,
}

public enum SlaState
{
    InProgress = 1,
    NearingBreach = 2,
    Paused = 3,
    Succeeded = 4,
    Breached = 5,
    Cancelled = 6,
}

public enum SlaEventKind
{
    Applied = 1,
    Started = 2,
    Paused = 3,
    Resumed = 4,
    Warned = 5,
    Breached = 6,
    Fulfilled = 7,
    Cancelled = 8,
    Recalculated = 9,
    Escalated = 10,
}

/// <summary>One thing that happened to an SLA instance, at an instant.</summary>
public sealed record SlaEvent(SlaEventKind Kind, Instant At, string? Note = null);

/// <summary>The case's status from <see cref="At"/> until the next change; <see cref="IsResolved"/> for the resolved and closed categories.</summary>
public sealed record SlaStatusChange(Instant At, Guid StatusId, bool IsResolved);

/// <summary>
/// What the clock replays: the creation instant, the status history (the first entry is the status at creation), the
/// public agent replies that count as responses, and the customer's messages. Lists need not be sorted.
/// </summary>
public sealed record SlaHistory(
    Instant CreatedAt,
    IReadOnlyList<SlaStatusChange> Statuses,
    IReadOnlyList<Instant> AgentReplies,
    IReadOnlyList<Instant> CustomerMessages);

/// <summary>When a metric warns: a business duration before the deadline, or a percentage of the target elapsed.</summary>
public sealed record SlaWarningPoint(Duration? Before = null, int? Percent = null)
{
    public static SlaWarningPoint Default { get; } = new(Percent: 80);

    /// <summary>The elapsed business time at which the warning fires.</summary>
    public Duration ThresholdFor(Duration target) => Before is { } before
        ? target - before
        : Duration.FromNanoseconds(target.ToInt64Nanoseconds() * (Percent ?? 80) / 100);
}

/// <summary>One metric's target as a policy sets it for the case's priority.</summary>
public sealed record SlaMetricTarget(
    SlaMetric Metric,
    Duration Target,
    SlaWarningPoint Warning,
    IReadOnlySet<Guid> PauseStatusIds)
{
    /// <summary>Escalation levels after the breach, as business time past the target (breach + N).</summary>
    public IReadOnlyList<Duration> AfterBreach { get; init; } = [];
}

/// <summary>A threshold of elapsed business time (warning, breach, breach + N) and when it was or will be reached.</summary>
public sealed record SlaLevel(string Key, Duration Threshold, Instant? ReachedAt, Instant? DueAt);

/// <summary>One instance of a metric (a cycle, for next response and periodic update) as the replay sees it at "now".</summary>
public sealed record SlaInstanceResult(
    SlaMetric Metric,
    int Cycle,
    Instant StartedAt,
    SlaState State,
    Duration Target,
    Duration Elapsed,
    Instant? DueAt,
    Instant? WarnAt,
    Instant? BreachedAt,
    Instant? AchievedAt,
    Duration? AchievedElapsed,
    IReadOnlyList<SlaLevel> Levels,
    IReadOnlyList<SlaEvent> Events)
{
    /// <summary>Still running or paused at "now" (not fulfilled, not cancelled): time alone can still change it.</summary>
    public bool IsActive { get; init; }
}

/// <summary>
/// The SLA clock: replays a case's own history against a business calendar, to the nanosecond, and says for each
/// instance of a metric where it stands at <c>now</c>. No I/O, no ambient time: the same input always gives the same
/// answer, so a recalculation after a calendar or policy edit is just another replay.
/// </summary>
/// <remarks>
/// Rules (see docs/sla.md):
/// <list type="bullet">
/// <item>Business time counts only while the instance runs and its status is not one of the target's pause
/// statuses; business time inside a paused interval never counts, closed time never counts either.</item>
/// <item>The due instant is the latest instant at which the target is still met: <c>Add(resume, remaining)</c> with
/// <see cref="AddConvention.NextOpening"/>, so a target that runs out exactly at a closing time is due at the next
/// opening (no business time passes in between). Fulfilling after the due instant is a breach; at it, a success.</item>
/// <item>First response: creation → first agent reply. Resolved before any reply: Cancelled while resolved; a reopen
/// resumes it. Next response: a customer message after the first response opens a cycle (at the reopening if the
/// case was resolved); the next agent reply fulfils it; resolving cancels it. Periodic update: each agent reply (or a
/// reopening after the first response) opens a cycle, the next reply fulfils it, resolving cancels it. Resolution:
/// creation → resolved; reopening resumes the same instance (time while resolved does not count).</item>
/// <item>A breach is permanent: a breached instance that is later fulfilled or cancelled stays Breached.</item>
/// </list>
/// </remarks>
public static class SlaClock
{
    private enum Mode
    {
        Counting,
        Paused,
        Fulfilled,
        Cancelled,
    }

    /// <summary>A calendar that is always open (UTC, every day 00:00–24:00), for policies without business hours.</summary>
    public static BusinessCalendar AllDay { get; } = BusinessCalendar.Create(new CalendarDefinition
    {
        Zone = "UTC",
        Weekly = new WeeklyHours().With(
            [IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday, IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday],
            new TimeRange("00:00", "24:00")),
    });

    /// <summary>Replays <paramref name="history"/> for one metric and returns its instances (cycles) in order.</summary>
    /// <param name="history">The case's history.</param>
    /// <param name="target">The metric's target, warning point and pause statuses.</param>
    /// <param name="calendar">The business calendar (or <see cref="AllDay"/>).</param>
    /// <param name="now">The instant the answer is for; history after it is ignored.</param>
    /// <param name="appliedAt">When the policy was applied (an "applied" event); null to leave it out.</param>
    public static IReadOnlyList<SlaInstanceResult> Compute(SlaHistory history, SlaMetricTarget target, BusinessCalendar calendar, Instant now, Instant? appliedAt = null)
    {
        if (target.Target <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(target), "An SLA target must be positive.");
        }

        var cycles = Cycles(history, target.Metric, target.PauseStatusIds, now);
        var results = new List<SlaInstanceResult>(cycles.Count);
        for (var i = 0; i < cycles.Count; i++)
        {
            results.Add(Evaluate(cycles[i], i + 1, target, calendar, now, i == 0 ? appliedAt : null));
        }

        return results;
    }

    private sealed class Cycle(Instant start, Mode mode)
    {
        public Instant Start { get; } = start;
        public List<(Instant At, Mode Mode)> Transitions { get; } = [(start, mode)];
        public bool Closed { get; set; }

        public void Set(Instant at, Mode mode)
        {
            if (Transitions[^1].Mode != mode)
            {
                Transitions.Add((at, mode));
            }
        }
    }

    private enum Kind
    {
        CustomerMessage = 0,
        AgentReply = 1,
        Status = 2,
    }

    private static List<Cycle> Cycles(SlaHistory history, SlaMetric metric, IReadOnlySet<Guid> pauses, Instant now)
    {
        var stream = new List<(Instant At, Kind Kind, SlaStatusChange? Status)>();
        stream.AddRange(history.CustomerMessages.Where(m => m >= history.CreatedAt).Select(m => (m, Kind.CustomerMessage, (SlaStatusChange?)null)));
        stream.AddRange(history.AgentReplies.Where(r => r >= history.CreatedAt).Select(r => (r, Kind.AgentReply, (SlaStatusChange?)null)));
        var statuses = history.Statuses.OrderBy(s => s.At).ToList();
        var initial = statuses.Count > 0 ? statuses[0] : new SlaStatusChange(history.CreatedAt, Guid.Empty, false);
        stream.AddRange(statuses.Skip(1).Select(s => (s.At < history.CreatedAt ? history.CreatedAt : s.At, Kind.Status, (SlaStatusChange?)s)));
        stream = [.. stream.Where(e => e.At <= now).OrderBy(e => e.At).ThenBy(e => e.Kind)];

        var resolved = initial.IsResolved;
        var paused = pauses.Contains(initial.StatusId);
        Mode Running() => paused ? Mode.Paused : Mode.Counting;

        var cycles = new List<Cycle>();
        Cycle? open = null;
        var firstReplied = false;
        var unanswered = false;
        if (metric == SlaMetric.FirstResponse)
        {
            open = new Cycle(history.CreatedAt, resolved ? Mode.Cancelled : Running());
            cycles.Add(open);
        }
        else if (metric == SlaMetric.Resolution)
        {
            open = new Cycle(history.CreatedAt, resolved ? Mode.Fulfilled : Running());
            cycles.Add(open);
        }

        void Open(Instant at)
        {
            open = new Cycle(at, Running());
            cycles.Add(open);
        }

        foreach (var (at, kind, status) in stream)
        {
            switch (kind)
            {
                case Kind.CustomerMessage:
                    unanswered = true;
                    if (metric == SlaMetric.NextResponse && firstReplied && !resolved && open is null)
                    {
                        Open(at);
                    }

                    break;
                case Kind.AgentReply:
                    firstReplied = true;
                    unanswered = false;
                    if (metric is SlaMetric.FirstResponse or SlaMetric.NextResponse or SlaMetric.PeriodicUpdate && open is { Closed: false })
                    {
                        open.Set(at, Mode.Fulfilled);
                        open.Closed = true;
                        open = metric == SlaMetric.FirstResponse ? open : null;
                    }

                    if (metric == SlaMetric.PeriodicUpdate && !resolved)
                    {
                        Open(at);
                    }

                    break;
                case Kind.Status:
                    var wasResolved = resolved;
                    resolved = status!.IsResolved;
                    paused = pauses.Contains(status.StatusId);
                    switch (metric)
                    {
                        case SlaMetric.Resolution:
                            open!.Set(at, resolved ? Mode.Fulfilled : Running());
                            break;
                        case SlaMetric.FirstResponse when !open!.Closed:
                            open.Set(at, resolved ? Mode.Cancelled : Running());
                            break;
                        case SlaMetric.NextResponse or SlaMetric.PeriodicUpdate when open is not null:
                            if (resolved)
                            {
                                open.Set(at, Mode.Cancelled);
                                open.Closed = true;
                                open = null;
                            }
                            else
                            {
                                open.Set(at, Running());
                            }

                            break;
                        case SlaMetric.NextResponse when wasResolved && !resolved && firstReplied && unanswered:
                        case SlaMetric.PeriodicUpdate when wasResolved && !resolved && firstReplied:
                            Open(at);
                            break;
                    }

                    break;
            }
        }

        return cycles;
    }

    private static SlaInstanceResult Evaluate(Cycle cycle, int number, SlaMetricTarget target, BusinessCalendar calendar, Instant now, Instant? appliedAt)
    {
        var thresholds = new List<(string Key, Duration Threshold)>
        {
            ("warning", target.Warning.ThresholdFor(target.Target)),
            ("breach", target.Target),
        };
        thresholds.AddRange(target.AfterBreach.Select((n, i) => ($"breach+{i + 1}", target.Target + n)));
        var reached = new Instant?[thresholds.Count];
        var pending = new Instant?[thresholds.Count];

        var events = new List<SlaEvent>();
        if (appliedAt is { } applied)
        {
            events.Add(new SlaEvent(SlaEventKind.Applied, applied));
        }

        events.Add(new SlaEvent(SlaEventKind.Started, cycle.Start));
        var elapsed = Duration.Zero;
        var transitions = cycle.Transitions;
        var mode = transitions[0].Mode;
        Instant? achievedAt = null;
        Duration? achievedElapsed = null;
        for (var i = 0; i < transitions.Count; i++)
        {
            var (at, m) = transitions[i];
            if (at > now)
            {
                break;
            }

            if (i > 0 || m != Mode.Counting)
            {
                events.Add(new SlaEvent(
                    (mode, m) switch
                    {
                        (_, Mode.Paused) => SlaEventKind.Paused,
                        (_, Mode.Fulfilled) => SlaEventKind.Fulfilled,
                        (_, Mode.Cancelled) => SlaEventKind.Cancelled,
                        _ => SlaEventKind.Resumed,
                    },
                    at,
                    mode is Mode.Fulfilled or Mode.Cancelled && m is Mode.Counting or Mode.Paused ? "reopened" : null));
            }

            mode = m;
            achievedAt = m == Mode.Fulfilled ? at : null;
            achievedElapsed = m == Mode.Fulfilled ? elapsed : null;
            if (m != Mode.Counting)
            {
                Array.Clear(pending);
                continue;
            }

            var end = i + 1 < transitions.Count && transitions[i + 1].At < now ? transitions[i + 1].At : now;
            for (var k = 0; k < thresholds.Count; k++)
            {
                if (reached[k] is not null)
                {
                    continue;
                }

                var remaining = thresholds[k].Threshold - elapsed;
                var x = remaining <= Duration.Zero ? calendar.NextOpen(at) : calendar.Add(at, remaining, AddConvention.NextOpening);
                if (x < end)
                {
                    reached[k] = x;
                    events.Add(new SlaEvent(k switch { 0 => SlaEventKind.Warned, 1 => SlaEventKind.Breached, _ => SlaEventKind.Escalated }, x, k > 1 ? thresholds[k].Key : null));
                }
                else
                {
                    pending[k] = x;
                }
            }

            elapsed += calendar.Between(at, end);
        }

        if (achievedAt is not null)
        {
            achievedElapsed = elapsed;
        }

        var breachedAt = reached[1];
        var state = breachedAt is not null ? SlaState.Breached
            : mode switch
            {
                Mode.Fulfilled => SlaState.Succeeded,
                Mode.Cancelled => SlaState.Cancelled,
                Mode.Paused => SlaState.Paused,
                _ => reached[0] is not null ? SlaState.NearingBreach : SlaState.InProgress,
            };
        var levels = thresholds.Select((t, k) => new SlaLevel(t.Key, t.Threshold, reached[k], reached[k] is null ? pending[k] : null)).ToList();
        return new SlaInstanceResult(
            target.Metric,
            number,
            cycle.Start,
            state,
            target.Target,
            elapsed,
            breachedAt ?? pending[1],
            reached[0] ?? pending[0],
            breachedAt,
            achievedAt,
            achievedElapsed,
            levels,
            [.. events.OrderBy(e => e.At)])
        {
            IsActive = mode is Mode.Counting or Mode.Paused,
        };
    }
}
