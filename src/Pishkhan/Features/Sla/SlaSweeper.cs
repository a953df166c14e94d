using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Sla;

/// <summary>
/// Fires due SLA timers exactly once. A tick claims a batch of due, unfired, unleased timers in due order with a lease
/// (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>, so sweepers on several nodes take disjoint batches; SQLite: one process,
/// its write gate orders the claims). Each timer then fires in its own transaction that first marks it with a
/// conditional <c>UPDATE … WHERE FiredAt IS NULL</c> — on PostgreSQL a second sweeper blocks on that row and then finds it
/// fired — replays the case, and writes the level's event, its escalation actions and <c>FiredAt</c> together. A crash
/// before the commit leaves the timer unfired; its lease runs out and another tick fires it.
/// </summary>
public sealed class SlaSweeper(IDbContextFactory<PishkhanDbContext> dbFactory, SlaEngine engine, CalendarResolver calendars, TimeProvider clock, ILogger<SlaSweeper> logger)
{
    public const int BatchSize = 200;

    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    /// <summary>The PostgreSQL claim: one statement on the partial index <c>IX_SlaTimers_Unfired_DueAt</c> (the SLA bench prints its plan).</summary>
    public const string PostgresClaimSql = """
        UPDATE "SlaTimers" SET "LeaseOwner" = @owner, "LeaseUntil" = @until
        WHERE "Id" IN (
            SELECT "Id" FROM "SlaTimers"
            WHERE "FiredAt" IS NULL AND "DueAt" < @now AND ("LeaseUntil" IS NULL OR "LeaseUntil" < @now)
            ORDER BY "DueAt" LIMIT @batch
            FOR UPDATE SKIP LOCKED)
        RETURNING "Id", "DueAt"
        """;

    private static readonly Actor SlaActor = Actor.System with { Name = SlaEngine.AuthorName };

    /// <summary>This sweeper's name on the leases it takes (node and process, plus a random part for two sweepers in one process).</summary>
    public string Owner { get; } = $"{Guid.NewGuid():N}/{Environment.ProcessId}/{Environment.MachineName}" is var owner && owner.Length > 100 ? owner[..100] : owner;

    /// <summary>Fires everything that fell due before now, in due order; returns how many timers this sweeper fired.</summary>
    /// <remarks>A level is reached strictly after its instant (a reply at the due instant is in time), so a timer fires once now is past it.</remarks>
    public async Task<int> SweepOnceAsync(CancellationToken ct = default)
    {
        var fired = 0;
        while (!ct.IsCancellationRequested)
        {
            var claimed = await ClaimAsync(ct);
            foreach (var id in claimed)
            {
                try
                {
                    if (await FireOrRetryAsync(id, ct))
                    {
                        fired++;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The timer stays unfired and leased; when the lease runs out a later tick tries again.
                    logger.LogError(e, "SLA timer {TimerId} failed to fire.", id);
                }
            }

            if (claimed.Count < BatchSize)
            {
                break;
            }
        }

        return fired;
    }

    /// <summary>
    /// Fires a timer; if the save lost a race with another writer replaying the same case (a case edit, the recalculation
    /// job) — a stale row or a unique index on the SLA rows — the whole fire rolled back, so it replays again at once
    /// instead of waiting for its lease to run out.
    /// </summary>
    private async Task<bool> FireOrRetryAsync(Guid id, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await FireAsync(id, ct);
            }
            catch (DbUpdateException e) when (attempt < 3 && SlaWriteConflict.IsConflict(e))
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("SLA timer {TimerId} met a concurrent write to its case (attempt {Attempt}); replaying again.", id, attempt);
                }
            }
        }
    }

    /// <summary>The earliest unfired due instant (for a UI or a sweeper that sleeps until then).</summary>
    public async Task<DateTime?> NextDueAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<SlaTimer>().Where(t => t.FiredAt == null).OrderBy(t => t.DueAt).Select(t => (DateTime?)t.DueAt).FirstOrDefaultAsync(ct);
    }

    private async Task<List<Guid>> ClaimAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + Lease;
        if (db.IsPostgres)
        {
            await db.Database.OpenConnectionAsync(ct);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = PostgresClaimSql;
            Parameter(command, "owner", Owner);
            Parameter(command, "until", until);
            Parameter(command, "now", now);
            Parameter(command, "batch", BatchSize);
            var rows = new List<(Guid Id, DateTime DueAt)>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    rows.Add((reader.GetGuid(0), reader.GetDateTime(1)));
                }
            }

            return [.. rows.OrderBy(r => r.DueAt).ThenBy(r => r.Id).Select(r => r.Id)];
        }

        // SQLite: a tick with nothing due is one read on the partial index and takes no write lock; due timers are
        // claimed by a conditional update (still unfired, still unleased), and only the ones this sweeper now holds fire.
        var due = await db.Set<SlaTimer>()
            .Where(t => t.FiredAt == null && t.DueAt < now && (t.LeaseUntil == null || t.LeaseUntil < now))
            .OrderBy(t => t.DueAt).ThenBy(t => t.Id).Select(t => t.Id).Take(BatchSize).ToListAsync(ct);
        if (due.Count == 0)
        {
            return due;
        }

        await db.Set<SlaTimer>().Where(t => due.Contains(t.Id) && t.FiredAt == null && (t.LeaseUntil == null || t.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseOwner, Owner).SetProperty(t => t.LeaseUntil, until), ct);
        var mine = await db.Set<SlaTimer>().Where(t => due.Contains(t.Id) && t.LeaseOwner == Owner && t.LeaseUntil == until).Select(t => t.Id).ToListAsync(ct);
        return [.. due.Where(mine.Contains)];
    }

    private static void Parameter(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    /// <summary>Fires one timer if it is still unfired and still due after replaying its case; true when it fired.</summary>
    internal async Task<bool> FireAsync(Guid timerId, CancellationToken ct)
    {
        // Timeline and notification text: ASCII digits and Gregorian UTC instants (see SlaEngine.ApplyAsync).
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = SlaActor;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var locked = await db.Set<SlaTimer>().Where(t => t.Id == timerId && t.FiredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseOwner, Owner).SetProperty(t => t.LeaseUntil, now + Lease), ct);
        if (locked == 0)
        {
            return false;
        }

        var timer = await db.Set<SlaTimer>().FirstAsync(t => t.Id == timerId, ct);
        var entity = await db.Cases.FirstAsync(c => c.Id == timer.CaseId, ct);

        // The replay brings the instance up to date and moves or drops this timer if the case changed since it was set.
        var setup = await SlaEngine.LoadSetupAsync(db, ct);
        var computation = await engine.ApplyAsync(db, entity, now, setup: setup, ct: ct);
        if (db.Entry(timer).State == EntityState.Deleted || timer.DueAt >= now)
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return false;
        }

        timer.FiredAt = now;
        var instance = await db.Set<SlaInstance>().FirstAsync(i => i.Id == timer.InstanceId, ct);
        var policy = await db.Set<SlaPolicy>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == instance.PolicyId, ct);
        var label = $"{SlaEngine.Label(instance.Metric, instance.Cycle)} ({policy?.Name ?? "deleted policy"})";
        var kind = timer.Level switch { "warning" => SlaEventKind.Warned, "breach" => SlaEventKind.Breached, _ => SlaEventKind.Escalated };
        var late = timer.DueAt < now.AddSeconds(-5) ? $", {(now - timer.DueAt).TotalSeconds:0} s after it fell due" : "";
        var body = kind switch
        {
            SlaEventKind.Warned => $"{label}: nearing breach, due {instance.DueAt:yyyy-MM-dd HH:mm:ss}Z",
            SlaEventKind.Breached => $"{label}: breached at {timer.DueAt:yyyy-MM-dd HH:mm:ss}Z",
            _ => $"{label}: escalation level {timer.Level} reached",
        } + late;
        SlaEngine.Timeline(db, entity.Id, instance.Metric, instance.Cycle, kind, body, now);

        if (policy is not null && instance.IsOpen)
        {
            var calendar = computation.Calendar;
            if (computation.Selection.Policy?.Id != policy.Id)
            {
                calendar = policy.Is24x7 ? SlaClock.AllDay : ((await calendars.ForCalendarAsync(policy.CalendarId, ct)) ?? await calendars.DefaultAsync(ct)).Calendar;
            }

            if (await SlaEscalation.RunAsync(db, entity, instance, policy.ToRules(), timer.Level, calendar, now, ct))
            {
                await engine.ApplyAsync(db, entity, now, setup: setup, ct: ct);
            }
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }
}
