using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Reports;

/// <summary>
/// Marks every case that a <c>SaveChanges</c> adds or modifies with a <see cref="ReportDirtyCase"/> row, appended by the
/// save in the same transaction (see <see cref="PishkhanDbContext.Append"/>): if the change commits, so does the mark,
/// and the report row is recomputed from it; if it fails, neither exists. No case handler has to remember reports, and
/// the clock plays no part (a watermark on <c>UpdatedAt</c> would miss a transaction that commits after a later one).
/// </summary>
/// <remarks>Bulk <c>ExecuteUpdate</c> statements on cases bypass it (routing's queue deletion clears <c>QueueId</c> that way);
/// the rebuild command recomputes everything.</remarks>
public static class ReportChangeMarker
{
    /// <summary>The marks of the pending changes in <paramref name="context"/>'s change tracker (the save appends them).</summary>
    public static List<object> Capture(DbContext context)
    {
        var days = new HashSet<int>();
        var changed = context.ChangeTracker.Entries<Case>()
            .Where(e => e.State is EntityState.Added or EntityState.Modified)
            .Select(e => e.Entity.Id)
            .ToList();
        // An answer to the case's satisfaction survey moves its CSAT in the roll-up.
        changed.AddRange(context.ChangeTracker.Entries<Satisfaction.SatisfactionSurvey>()
            .Where(e => e.State is EntityState.Added or EntityState.Modified)
            .Select(e => e.Entity.CaseId)
            .Except(changed));

        // An SLA instance that starts, finishes or moves changes the daily roll-up of the day it started (before and after).
        foreach (var e in context.ChangeTracker.Entries<Sla.SlaInstance>())
        {
            if (e.State is EntityState.Added || (e.State is EntityState.Modified && (e.Property(i => i.State).IsModified || e.Property(i => i.StartedAt).IsModified)))
            {
                days.UnionWith(ReportDays.DaysAround(e.Entity.StartedAt));
            }

            if (e.State is EntityState.Deleted || (e.State is EntityState.Modified && e.Property(i => i.StartedAt).IsModified))
            {
                days.UnionWith(ReportDays.DaysAround(e.Property(i => i.StartedAt).OriginalValue));
            }
        }

        return [.. changed.Select(id => new ReportDirtyCase { CaseId = id }), .. days.Select(day => new ReportDirtyDay { Day = day })];
    }
}
