using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Sla;

/// <summary>Progress of a recalculation, for <c>GET /api/v1/sla/recalculations/{id}</c>.</summary>
public sealed record SlaRecalculationDto(
    Guid Id, string Reason, Guid? CalendarId, Guid? PolicyId, RecalculationStatus Status, int Total, int Done,
    DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt)
{
    public static SlaRecalculationDto From(SlaRecalculation r) => new(r.Id, r.Reason, r.CalendarId, r.PolicyId, r.Status, r.Total, r.Done, r.CreatedAt, r.StartedAt, r.FinishedAt);
}

/// <summary>
/// Recalculates open SLA instances after a calendar or policy edit, in the background, in batches, with progress. A
/// calendar job covers the cases whose open instances ran on that calendar; a policy job covers every case that is not
/// resolved or still has an open instance (a policy edit can change which policy applies). Cases are taken in id order
/// and each batch commits with the job's cursor, so a job interrupted by a restart carries on where it stopped.
/// Calendar edits are noticed by comparing each open instance's calendar version with the calendar's, so an edit saved
/// on any node (or by any code path) is picked up without the calendar code knowing about SLAs.
/// </summary>
public sealed class SlaRecalculations(IDbContextFactory<PishkhanDbContext> dbFactory, SlaEngine engine, TimeProvider clock, ILogger<SlaRecalculations> logger)
{
    public const int BatchSize = 500;

    private static readonly Actor SlaActor = Actor.System with { Name = SlaEngine.AuthorName };

    private readonly string _owner = $"{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Queues a job in the caller's unit of work (so a policy save and its job commit together).</summary>
    public static SlaRecalculation Enqueue(PishkhanDbContext db, string reason, Guid? calendarId, Guid? policyId, DateTime now)
    {
        var job = new SlaRecalculation { Reason = reason.Length > 300 ? reason[..300] : reason, CalendarId = calendarId, PolicyId = policyId, CreatedAt = now };
        db.Add(job);
        return job;
    }

    public async Task<SlaRecalculationDto?> ByIdAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Set<SlaRecalculation>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        return job is null ? null : SlaRecalculationDto.From(job);
    }

    public async Task<IReadOnlyList<SlaRecalculationDto>> RecentAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var jobs = await db.Set<SlaRecalculation>().AsNoTracking().OrderByDescending(j => j.CreatedAt).Take(50).ToListAsync(ct);
        return [.. jobs.Select(SlaRecalculationDto.From)];
    }

    /// <summary>Queues a job for each calendar whose open instances ran on an older version of it (or on a calendar that is no longer the default for a policy that follows the default).</summary>
    public async Task<int> DetectCalendarChangesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var queued = 0;
        var pending = await db.Set<SlaRecalculation>().Where(j => j.Status != RecalculationStatus.Done).Select(j => new { j.CalendarId, j.PolicyId }).ToListAsync(ct);
        if (pending.Any(j => j.CalendarId is null))
        {
            return 0; // a job over every open case is already queued
        }

        foreach (var calendar in await db.Calendars.AsNoTracking().Select(c => new { c.Id, c.Name, c.Version }).ToListAsync(ct))
        {
            if (!pending.Any(j => j.CalendarId == calendar.Id)
                && await db.Set<SlaInstance>().AnyAsync(i => i.IsOpen && i.CalendarId == calendar.Id && i.CalendarVersion != calendar.Version, ct))
            {
                Enqueue(db, $"calendar '{calendar.Name}' changed (version {calendar.Version})", calendar.Id, null, now);
                queued++;
            }
        }

        var defaultId = await db.Calendars.Where(c => c.IsDefault).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
        var followers = await db.Set<SlaPolicy>().Where(p => p.CalendarId == null && !p.Is24x7).Select(p => p.Id).ToListAsync(ct);
        if (defaultId is { } d && followers.Count > 0
            && await db.Set<SlaInstance>().AnyAsync(i => i.IsOpen && followers.Contains(i.PolicyId) && i.CalendarId != d, ct))
        {
            Enqueue(db, "the default calendar changed", null, null, now);
            queued++;
        }

        await db.SaveChangesAsync(ct);
        return queued;
    }

    /// <summary>Runs queued jobs (oldest first) to the end; returns how many cases were recalculated.</summary>
    public async Task<int> RunPendingAsync(CancellationToken ct = default)
    {
        var total = 0;
        while (!ct.IsCancellationRequested && await ClaimAsync(ct) is { } jobId)
        {
            total += await RunAsync(jobId, ct);
        }

        return total;
    }

    private async Task<Guid?> ClaimAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await db.Set<SlaRecalculation>().AsNoTracking()
            .Where(j => j.Status != RecalculationStatus.Done && (j.LeaseUntil == null || j.LeaseUntil < now))
            .OrderBy(j => j.CreatedAt).Select(j => j.Id).Take(5).ToListAsync(ct);
        foreach (var id in candidates)
        {
            var taken = await db.Set<SlaRecalculation>()
                .Where(j => j.Id == id && j.Status != RecalculationStatus.Done && (j.LeaseUntil == null || j.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseOwner, _owner).SetProperty(j => j.LeaseUntil, now.AddMinutes(2)), ct);
            if (taken == 1)
            {
                return id;
            }
        }

        return null;
    }

    private static IQueryable<Guid> Targets(PishkhanDbContext db, SlaRecalculation job) => job.CalendarId is { } calendarId
        ? db.Set<SlaInstance>().Where(i => i.IsOpen && i.CalendarId == calendarId).Select(i => i.CaseId).Distinct()
        : db.Cases.Where(c => c.ResolvedAt == null || db.Set<SlaInstance>().Any(i => i.CaseId == c.Id && i.IsOpen)).Select(c => c.Id);

    private async Task<int> RunAsync(Guid jobId, CancellationToken ct)
    {
        // The cases still to do, read once (in id order, after the job's cursor) instead of once per batch.
        List<Guid> targets;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var job = await db.Set<SlaRecalculation>().AsNoTracking().FirstAsync(j => j.Id == jobId, ct);
            var query = Targets(db, job);
            if (job.LastCaseId is { } last)
            {
                query = query.Where(id => id.CompareTo(last) > 0);
            }

            targets = await query.OrderBy(id => id).ToListAsync(ct);
        }

        var processed = 0;
        for (var start = 0; !ct.IsCancellationRequested; start += BatchSize)
        {
            var batch = targets.GetRange(start, Math.Min(BatchSize, targets.Count - start));
            var done = await RunBatchOrRetryAsync(jobId, batch, targets.Count, start + batch.Count >= targets.Count, ct);
            processed += batch.Count;
            if (done)
            {
                break;
            }
        }

        return processed;
    }

    /// <summary>A batch that lost a race with a case edit or the sweeper on the same case rolled back whole; it is replayed again.</summary>
    private async Task<bool> RunBatchOrRetryAsync(Guid jobId, List<Guid> batch, int total, bool last, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RunBatchAsync(jobId, batch, total, last, ct);
            }
            catch (DbUpdateException e) when (attempt < 3 && SlaWriteConflict.IsConflict(e))
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("SLA recalculation {JobId} met a concurrent write (attempt {Attempt}); replaying the batch again.", jobId, attempt);
                }
            }
        }
    }

    /// <summary>Replays one batch of cases and commits it with the job's cursor and progress; true when the job is done.</summary>
    private async Task<bool> RunBatchAsync(Guid jobId, List<Guid> batch, int total, bool last, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = SlaActor;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var job = await db.Set<SlaRecalculation>().FirstAsync(j => j.Id == jobId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (job.Status == RecalculationStatus.Pending)
        {
            job.Status = RecalculationStatus.Running;
            job.StartedAt = now;
            job.Total = total;
        }

        var setup = await SlaEngine.LoadSetupAsync(db, ct);
        var cases = await db.Cases.AsNoTracking().Where(c => batch.Contains(c.Id)).OrderBy(c => c.Id).ToListAsync(ct);
        await engine.ApplyBatchAsync(db, cases, now, job.Reason, setup, ct);

        job.Done = Math.Min(job.Total, job.Done + batch.Count);
        job.LastCaseId = batch.Count > 0 ? batch[^1] : job.LastCaseId;
        job.LeaseUntil = now.AddMinutes(2);
        if (last)
        {
            job.Status = RecalculationStatus.Done;
            job.Done = job.Total;
            job.FinishedAt = now;
            job.LeaseOwner = null;
            job.LeaseUntil = null;
        }

        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (last && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("SLA recalculation {JobId} ({Reason}) finished: {Count} cases.", jobId, job.Reason, job.Total);
        }

        return last;
    }
}
