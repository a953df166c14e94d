using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Satisfaction;

/// <summary>
/// Offers a survey when a case enters a status of the <see cref="StatusCategory.Resolved"/> category, in the same
/// <c>SaveChanges</c> (and so the same transaction) as the status change: an acknowledged resolution always has its
/// survey, a refused one (stale version) has none. Every path that resolves a case — the agent UI and API
/// (<see cref="UpdateCase"/>), automation's <c>setField status</c>, email intake — saves a case, so none of them has to
/// remember surveys. The survey email is queued afterwards by <see cref="SatisfactionMailer"/> from the committed row.
/// </summary>
/// <remarks>
/// One survey per case, ever. A case resolved again whose survey was never answered keeps that survey, re-attributed to
/// the agent and team who resolved it this time, with its window reopened for another 7 days; an answered one is left
/// as it is. Going straight to a <em>closed</em> status (spam, duplicates) offers no survey. Bulk
/// <c>ExecuteUpdate</c> statements bypass this, as they bypass every interceptor; no case status is changed that way.
/// </remarks>
public sealed class SurveyOnResolve(SurveySignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    // The saves that offered a survey, so the mailer is woken once they have committed (not before: it would find nothing).
    private readonly ConditionalWeakTable<DbContext, object> _offering = [];

    // Saves that offered one inside a transaction still open (the caller's, a batch's, a group commit's): woken at its commit.
    private readonly ConditionalWeakTable<DbTransaction, object> _committing = [];

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => _committing.Remove(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        _committing.Remove(transaction);
        return Task.CompletedTask;
    }

    private void Saved(DbContext? context)
    {
        if (context is null || !_offering.Remove(context))
        {
            return;
        }

        if (context.Database.CurrentTransaction?.GetDbTransaction() is { } open)
        {
            _committing.AddOrUpdate(open, this);
        }
        else
        {
            signal.Offered(); // the save's own transaction has committed
        }
    }

    private void Committed(DbTransaction transaction)
    {
        if (_committing.Remove(transaction))
        {
            signal.Offered();
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _offering.Remove(context);
        }
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is PishkhanDbContext db)
        {
            foreach (var (entry, status) in Candidates(db))
            {
                var category = status?.Category ?? db.CaseStatuses.AsNoTracking().Where(s => s.Id == entry.Entity.StatusId).Select(s => (StatusCategory?)s.Category).FirstOrDefault();
                if (category == StatusCategory.Resolved)
                {
                    var existing = db.Set<SatisfactionSurvey>().Local.FirstOrDefault(s => s.CaseId == entry.Entity.Id)
                        ?? db.Set<SatisfactionSurvey>().FirstOrDefault(s => s.CaseId == entry.Entity.Id);
                    Offer(db, entry.Entity, existing);
                }
            }
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is PishkhanDbContext db)
        {
            foreach (var (entry, status) in Candidates(db))
            {
                var category = status?.Category ?? await db.CaseStatuses.AsNoTracking().Where(s => s.Id == entry.Entity.StatusId)
                    .Select(s => (StatusCategory?)s.Category).FirstOrDefaultAsync(cancellationToken);
                if (category == StatusCategory.Resolved)
                {
                    var existing = db.Set<SatisfactionSurvey>().Local.FirstOrDefault(s => s.CaseId == entry.Entity.Id)
                        ?? await db.Set<SatisfactionSurvey>().FirstOrDefaultAsync(s => s.CaseId == entry.Entity.Id, cancellationToken);
                    Offer(db, entry.Entity, existing);
                }
            }
        }

        return result;
    }

    /// <summary>Cases this save creates, or whose status it changes, with their new status when it is already loaded.</summary>
    private static List<(EntityEntry<Case> Entry, CaseStatus? Status)> Candidates(PishkhanDbContext db) =>
        DetectedChanges.Read(db.ChangeTracker, () => Collect(db));

    private static List<(EntityEntry<Case> Entry, CaseStatus? Status)> Collect(PishkhanDbContext db)
    {
        var found = new List<(EntityEntry<Case>, CaseStatus?)>();
        foreach (var entry in db.ChangeTracker.Entries<Case>())
        {
            var statusChanged = entry.State == EntityState.Added
                || (entry.State == EntityState.Modified && entry.Property(c => c.StatusId) is { IsModified: true } p && !Equals(p.OriginalValue, p.CurrentValue));
            if (!statusChanged)
            {
                continue;
            }

            var statusId = entry.Entity.StatusId;
            var status = entry.Entity.Status is { } s && s.Id == statusId ? s : db.CaseStatuses.Local.FirstOrDefault(x => x.Id == statusId);
            found.Add((entry, status));
        }

        return found;
    }

    private void Offer(PishkhanDbContext db, Case entity, SatisfactionSurvey? existing)
    {
        var now = SurveyRules.Micro(db.Clock.GetUtcNow().UtcDateTime);
        if (existing is null)
        {
            db.Add(new SatisfactionSurvey
            {
                CaseId = entity.Id,
                ContactId = entity.ContactId,
                OwnerId = entity.OwnerId,
                TeamId = entity.TeamId,
                Token = SurveyRules.NewToken(),
                SentAt = now,
                ChangeableUntil = now + SurveyRules.ChangeWindow,
            });
            _offering.AddOrUpdate(db, this);
            return;
        }

        if (existing.Rating is not null || db.Entry(existing).State == EntityState.Added)
        {
            return; // one answer per case: an answered survey stays as it was given
        }

        existing.OwnerId = entity.OwnerId;
        existing.TeamId = entity.TeamId;
        existing.ContactId = entity.ContactId;
        existing.ChangeableUntil = now + SurveyRules.ChangeWindow;
        if (existing.EmailStatus == SurveyEmailStatus.Expired)
        {
            existing.EmailStatus = SurveyEmailStatus.Pending; // it closed before a mailbox existed; it is open again
            _offering.AddOrUpdate(db, this);
        }

        // The save detected its changes before this ran (DetectedChanges.ForSave): these are detected here.
        db.Entry(existing).DetectChanges();
    }
}
