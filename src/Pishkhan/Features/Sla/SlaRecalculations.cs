using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pishkhan.Features.Cases;
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
public sealed class SlaRecalculations(
    IDbContextFactory<PishkhanDbContext> dbFactory, SlaEngine engine, TimeProvider clock, Microsoft.Extensions.Options.IOptions<SlaOptions> options, ILogger<SlaRecalculations> logger)
{
    /// <summary>
    /// The default of <c>Pishkhan:Sla:RecalculationBatchSize</c>, the cases per batch (one transaction): larger batches mean
    /// fewer commits, smaller ones a shorter hold on SQLite's single writer.
    /// </summary>
    public const int BatchSize = 1000;

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

        // Each question is asked as a few range probes on the partial indexes over open instances (calendar, version) and
        // (policy, calendar), so a tick with nothing stale reads a handful of index pages however many instances are open.
        var open = db.Set<SlaInstance>().Where(i => i.IsOpen);
        foreach (var calendar in await db.Calendars.AsNoTracking().Select(c => new { c.Id, c.Name, c.Version }).ToListAsync(ct))
        {
            var onCalendar = open.Where(i => i.CalendarId == calendar.Id);
            if (!pending.Any(j => j.CalendarId == calendar.Id)
                && (await onCalendar.AnyAsync(i => i.CalendarVersion < calendar.Version, ct)
                    || await onCalendar.AnyAsync(i => i.CalendarVersion > calendar.Version, ct)
                    || await onCalendar.AnyAsync(i => i.CalendarVersion == null, ct)))
            {
                Enqueue(db, $"calendar '{calendar.Name}' changed (version {calendar.Version})", calendar.Id, null, now);
                queued++;
            }
        }

        var defaultId = await db.Calendars.Where(c => c.IsDefault).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
        var followers = await db.Set<SlaPolicy>().Where(p => p.CalendarId == null && !p.Is24x7).Select(p => p.Id).ToListAsync(ct);
        if (defaultId is { } d && await AnyOffCalendarAsync(open, followers, d, ct))
        {
            Enqueue(db, "the default calendar changed", null, null, now);
            queued++;
        }

        await db.SaveChangesAsync(ct);
        return queued;
    }

    /// <summary>True when an open instance of one of <paramref name="policies"/> ran on a calendar other than <paramref name="calendarId"/> (or on none).</summary>
    private static async Task<bool> AnyOffCalendarAsync(IQueryable<SlaInstance> open, List<Guid> policies, Guid calendarId, CancellationToken ct)
    {
        foreach (var policyId in policies)
        {
            var ofPolicy = open.Where(i => i.PolicyId == policyId);
            if (await ofPolicy.AnyAsync(i => i.CalendarId == null, ct)
                || await ofPolicy.AnyAsync(i => i.CalendarId!.Value.CompareTo(calendarId) < 0, ct)
                || await ofPolicy.AnyAsync(i => i.CalendarId!.Value.CompareTo(calendarId) > 0, ct))
            {
                return true;
            }
        }

        return false;
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
        bool postgres;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            postgres = db.IsPostgres;
            var job = await db.Set<SlaRecalculation>().AsNoTracking().FirstAsync(j => j.Id == jobId, ct);
            var query = Targets(db, job);
            if (job.LastCaseId is { } last)
            {
                query = query.Where(id => id.CompareTo(last) > 0);
            }

            targets = await query.OrderBy(id => id).ToListAsync(ct);
            var now = clock.GetUtcNow().UtcDateTime;
            await db.Set<SlaRecalculation>().Where(j => j.Id == jobId && j.Status == RecalculationStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, RecalculationStatus.Running).SetProperty(j => j.StartedAt, now).SetProperty(j => j.Total, targets.Count), ct);
        }

        var batches = targets.Chunk(Math.Max(1, options.Value.RecalculationBatchSize)).ToList();
        if (batches.Count == 0)
        {
            batches.Add([]);
        }

        return postgres && batches.Count > 1 ? await RunInParallelAsync(jobId, batches, ct) : await RunInOrderAsync(jobId, batches, ct);
    }

    /// <summary>
    /// One batch after the other, each committing the job's cursor with its rows (SQLite has one writer at a time anyway).
    /// While a batch writes, the next one is read and replayed beside it, outside any transaction (write-ahead logging
    /// lets a reader run beside the writer); its write transaction then first checks that none of its cases was
    /// replayed by anyone else in between (<see cref="SlaBatchWriter.CheckUnchangedAsync"/>), and otherwise reads and
    /// replays it again inside the transaction.
    /// </summary>
    private async Task<int> RunInOrderAsync(Guid jobId, List<Guid[]> batches, CancellationToken ct)
    {
        var processed = 0;
        var next = batches.Count > 1 ? ReadAheadAsync(jobId, batches[0], ct) : null;
        try
        {
            for (var i = 0; i < batches.Count && !ct.IsCancellationRequested; i++)
            {
                var readAhead = next is null ? null : await next;
                next = i + 1 < batches.Count ? ReadAheadAsync(jobId, batches[i + 1], ct) : null;
                var last = i == batches.Count - 1;
                await RunBatchOrRetryAsync(jobId, batches[i], batches[i].Length > 0 ? batches[i][^1] : null, last, readAhead, ct);
                processed += batches[i].Length;
            }
        }
        finally
        {
            if (next is not null)
            {
                // A read-ahead still running when a batch failed: let it end before the job reports the failure.
                await next.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }

        return processed;
    }

    /// <summary>Reads and replays a batch on its own connection, outside any transaction, on a thread-pool thread (SQLite's calls block).</summary>
    private Task<SlaBatchChanges> ReadAheadAsync(Guid jobId, Guid[] batch, CancellationToken ct) => Task.Run(
        async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
            return await ReplayAsync(db, jobId, batch, ct);
        },
        ct);

    /// <summary>
    /// PostgreSQL: up to <see cref="Parallelism"/> batches at once, each in its own transaction on its own connection —
    /// batches cover disjoint cases, and a replay is idempotent. Each batch adds to the job's progress as it commits; the
    /// cursor moves only over batches that are done with every batch before them, so a job interrupted by a restart
    /// carries on from there (redoing at most the batches that were in flight, which changes nothing the second time).
    /// </summary>
    private async Task<int> RunInParallelAsync(Guid jobId, List<Guid[]> batches, CancellationToken ct)
    {
        // By batch, not by task: an async method that finishes without yielding returns the shared completed task, so two
        // batches can hand back the same Task object (a dictionary keyed by task then lost one, and the job never finished).
        var running = new Dictionary<int, Task>();
        var done = new bool[batches.Count];
        var next = 0;
        var frontier = 0;
        var processed = 0;
        try
        {
            while (running.Count > 0 || (next < batches.Count && !ct.IsCancellationRequested))
            {
                while (running.Count < Parallelism && next < batches.Count && !ct.IsCancellationRequested)
                {
                    running[next] = RunBatchOrRetryAsync(jobId, batches[next], null, false, null, ct);
                    next++;
                }

                var finished = await Task.WhenAny(running.Values);
                var index = running.First(r => r.Value == finished).Key;
                running.Remove(index);
                await finished;
                done[index] = true;
                processed += batches[index].Length;
                var before = frontier;
                while (frontier < batches.Count && done[frontier])
                {
                    frontier++;
                }

                if (frontier == batches.Count)
                {
                    await FinishAsync(jobId, batches[^1][^1], ct);
                }
                else if (frontier > before)
                {
                    await MoveCursorAsync(jobId, batches[frontier - 1][^1], ct);
                }
            }
        }
        catch
        {
            // Let the batches still in flight end (each commits or rolls back on its own) before reporting the failure.
            await Task.WhenAll(running.Values.Select(t => t.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)));
            throw;
        }

        return processed;
    }

    /// <summary>Batches that run at once on PostgreSQL.</summary>
    public const int Parallelism = 4;

    private async Task MoveCursorAsync(Guid jobId, Guid cursor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var until = clock.GetUtcNow().UtcDateTime.AddMinutes(2);
        await db.Set<SlaRecalculation>().Where(j => j.Id == jobId)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LastCaseId, cursor).SetProperty(j => j.LeaseUntil, until), ct);
    }

    private async Task FinishAsync(Guid jobId, Guid? cursor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await Finish(db, jobId, cursor, ct);
    }

    private async Task Finish(PishkhanDbContext db, Guid jobId, Guid? cursor, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Set<SlaRecalculation>().Where(j => j.Id == jobId).ExecuteUpdateAsync(
            s => s.SetProperty(j => j.Status, RecalculationStatus.Done).SetProperty(j => j.Done, j => j.Total).SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.LastCaseId, j => cursor ?? j.LastCaseId).SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseUntil, (DateTime?)null),
            ct);
        if (logger.IsEnabled(LogLevel.Information))
        {
            var job = await db.Set<SlaRecalculation>().AsNoTracking().Where(j => j.Id == jobId).Select(j => new { j.Reason, j.Total }).FirstAsync(ct);
            logger.LogInformation("SLA recalculation {JobId} ({Reason}) finished: {Count} cases.", jobId, job.Reason, job.Total);
        }
    }

    /// <summary>
    /// A batch that lost a race with a case edit or the sweeper on the same case rolled back whole; it is replayed again.
    /// (On PostgreSQL a batch can also be chosen as a deadlock victim against such a writer: the same outcome.)
    /// </summary>
    /// <param name="readAhead">The batch already read and replayed outside the transaction, for the first attempt; null: read it in the transaction.</param>
    private async Task RunBatchOrRetryAsync(Guid jobId, Guid[] batch, Guid? cursor, bool last, SlaBatchChanges? readAhead, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunBatchAsync(jobId, batch, cursor, last, attempt == 1 ? readAhead : null, ct);
                return;
            }
            catch (DbUpdateException e) when (attempt < 3 && (SlaWriteConflict.IsConflict(e) || e.InnerException is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected }))
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("SLA recalculation {JobId} met a concurrent write (attempt {Attempt}); replaying the batch again.", jobId, attempt);
                }
            }
        }
    }

    /// <summary>
    /// Replays one batch of cases (or takes <paramref name="readAhead"/>, once it is checked unchanged) and writes what
    /// changed (<see cref="SlaBatchWriter"/>), adding the batch to the job's progress in the same transaction; with
    /// <paramref name="cursor"/> the job's cursor moves there, and the last batch marks the job done.
    /// </summary>
    private async Task RunBatchAsync(Guid jobId, Guid[] batch, Guid? cursor, bool last, SlaBatchChanges? readAhead, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = SlaActor;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (readAhead is not null)
        {
            await SlaBatchWriter.CheckUnchangedAsync(db, readAhead, batch, ct);
        }

        var changes = readAhead ?? await ReplayAsync(db, jobId, batch, ct);
        await SlaBatchWriter.WriteAsync(db, changes, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (last)
        {
            await Finish(db, jobId, cursor, ct);
        }
        else
        {
            var count = batch.Length;
            var until = now.AddMinutes(2);
            await db.Set<SlaRecalculation>().Where(j => j.Id == jobId).ExecuteUpdateAsync(
                s => s.SetProperty(j => j.Done, j => j.Done + count > j.Total ? j.Total : j.Done + count)
                    .SetProperty(j => j.LastCaseId, j => cursor ?? j.LastCaseId).SetProperty(j => j.LeaseUntil, until),
                ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>Reads a batch of cases with what their replays need, and replays them (nothing is written).</summary>
    private async Task<SlaBatchChanges> ReplayAsync(PishkhanDbContext db, Guid jobId, Guid[] batch, CancellationToken ct)
    {
        var reason = await db.Set<SlaRecalculation>().Where(j => j.Id == jobId).Select(j => j.Reason).FirstAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var setup = await SlaEngine.LoadSetupAsync(db, ct);
        var cases = await db.Cases.Where(c => batch.Contains(c.Id)).OrderBy(c => c.Id)
            .Select(c => new Case
            {
                Id = c.Id,
                Subject = "",
                Channel = c.Channel,
                CategoryId = c.CategoryId,
                Product = c.Product,
                Priority = c.Priority,
                StatusId = c.StatusId,
                TeamId = c.TeamId,
                ContactId = c.ContactId,
                AccountId = c.AccountId,
                CreatedAt = c.CreatedAt,
            })
            .ToListAsync(ct);
        return await engine.ReplayBatchAsync(db, cases, now, reason, setup, ct);
    }

}
