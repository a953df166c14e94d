using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Reports;

/// <summary>
/// Marks every case that a <c>SaveChanges</c> adds or modifies with a <see cref="ReportDirtyCase"/> row, in the same
/// transaction: if the change commits, so does the mark, and the report row is recomputed from it; if it fails, neither
/// exists. No case handler has to remember reports, and the clock plays no part (a watermark on <c>UpdatedAt</c> would
/// miss a transaction that commits after a later one).
/// </summary>
/// <remarks>Bulk <c>ExecuteUpdate</c> statements on cases bypass it (routing's queue deletion clears <c>QueueId</c> that way);
/// the rebuild command recomputes everything.</remarks>
public sealed class ReportChangeMarker : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Mark(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Mark(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Mark(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var (changed, days) = DetectedChanges.Read(context.ChangeTracker, () =>
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

            return (changed, days);
        });

        foreach (var id in changed)
        {
            context.Add(new ReportDirtyCase { CaseId = id });
        }

        foreach (var day in days)
        {
            context.Add(new ReportDirtyDay { Day = day });
        }
    }
}
