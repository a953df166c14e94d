namespace Pishkhan.Features.Sla;

/// <summary>
/// One instance of a metric on a case (one per cycle for next response and periodic update), as the last replay left
/// it. The row is a cache of <see cref="SlaClock"/>'s answer, rewritten whenever the case, its policy or its calendar
/// changes; lists, chips and reports read it without replaying.
/// </summary>
public sealed class SlaInstance
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CaseId { get; set; }
    public Guid PolicyId { get; set; }
    public int PolicyVersion { get; set; }
    public SlaMetric Metric { get; set; }
    public int Cycle { get; set; }
    public SlaState State { get; set; }

    /// <summary>True while the instance can still change with time alone (in progress, nearing breach, paused, or breached and not yet fulfilled).</summary>
    public bool IsOpen { get; set; }

    public DateTime StartedAt { get; set; }
    public long TargetSeconds { get; set; }

    /// <summary>Business seconds elapsed, pauses excluded, as of <see cref="ComputedAt"/>.</summary>
    public long ElapsedSeconds { get; set; }

    public DateTime? DueAt { get; set; }
    public DateTime? WarnAt { get; set; }
    public DateTime? BreachedAt { get; set; }
    public DateTime? AchievedAt { get; set; }
    public long? AchievedSeconds { get; set; }

    /// <summary>The calendar the clock ran on (the default's id when the policy follows the default; null for 24×7) and its version.</summary>
    public Guid? CalendarId { get; set; }

    public int? CalendarVersion { get; set; }

    /// <summary>When the policy was applied to the case (the "applied" event).</summary>
    public DateTime AppliedAt { get; set; }

    public DateTime ComputedAt { get; set; }

    /// <summary>A copy of the row as it is now (the recalculation compares a replay's result with it).</summary>
    internal SlaInstance Snapshot() => (SlaInstance)MemberwiseClone();
}

/// <summary>
/// A durable timer: one per instance and level (warning, breach, breach+1, …). The sweeper fires it once, after its due
/// instant, and stamps <see cref="FiredAt"/> in the same transaction as the actions it runs. Unfired timers move when the
/// instance is recomputed; fired ones never change.
/// </summary>
public sealed class SlaTimer
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid InstanceId { get; set; }
    public Guid CaseId { get; set; }

    /// <summary><c>warning</c>, <c>breach</c> or <c>breach+N</c> (the N-th after-breach level, in order of offset).</summary>
    public required string Level { get; set; }

    public DateTime DueAt { get; set; }
    public DateTime? FiredAt { get; set; }

    /// <summary>The sweeper that claimed the timer, and until when the claim holds (then another may take it).</summary>
    public string? LeaseOwner { get; set; }

    public DateTime? LeaseUntil { get; set; }
}

public enum RecalculationStatus
{
    Pending = 1,
    Running = 2,
    Done = 3,
}

/// <summary>A background recalculation of the open SLA instances that depend on a calendar or a policy, with progress; resumable from <see cref="LastCaseId"/>.</summary>
public sealed class SlaRecalculation
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Reason { get; set; }
    public Guid? CalendarId { get; set; }
    public Guid? PolicyId { get; set; }
    public RecalculationStatus Status { get; set; } = RecalculationStatus.Pending;
    public int Total { get; set; }
    public int Done { get; set; }

    /// <summary>Cases are processed in id order; the last one finished, so a restarted job carries on after it.</summary>
    public Guid? LastCaseId { get; set; }

    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}

/// <summary>A small to-do on a case, created by an escalation (until a tasks feature owns tasks).</summary>
public sealed class CaseTask
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CaseId { get; set; }
    public required string Title { get; set; }
    public Guid? AssigneeUserId { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>When it should be done (automation computes it in business time); null: no deadline.</summary>
    public DateTime? DueAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    /// <summary>What made it, e.g. <c>sla:breach</c>.</summary>
    public string Source { get; set; } = "";
}
