using Microsoft.EntityFrameworkCore;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Sla;

/// <summary>
/// Recognises a save that lost a race on the SLA rows: two writers replayed the same case at once and both inserted the
/// same timer (unique on instance + level) or the same instance (unique on case, policy, metric and cycle). The loser's
/// replay is out of date, exactly as with a stale case version, so it is the same outcome: a case handler answers 409
/// (reload and try again) and a background writer (sweeper, recalculation) replays the case again.
/// </summary>
public static class SlaWriteConflict
{
    public const string TimerIndex = "IX_SlaTimers_InstanceId_Level";
    public const string InstanceIndex = "IX_SlaInstances_CaseId_PolicyId_Metric_Cycle";

    /// <summary>True for a concurrency conflict or a unique violation on an SLA timer or instance index.</summary>
    public static bool IsConflict(DbUpdateException e) => e is DbUpdateConcurrencyException || IsSlaUniqueViolation(e);

    public static bool IsSlaUniqueViolation(DbUpdateException e) =>
        UniqueViolation.On(e, TimerIndex, "SlaTimers.InstanceId, SlaTimers.Level")
        || UniqueViolation.On(e, InstanceIndex, "SlaInstances.CaseId, SlaInstances.PolicyId");
}
