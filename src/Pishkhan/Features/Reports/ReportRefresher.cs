using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Reports;

/// <summary>What one catch-up did: rows rewritten, and whether it reached the end of the change feed.</summary>
public sealed record CatchUpResult(int Written, bool CaughtUp);

/// <summary>Where the roll-up stands: a rebuild in progress, and how many change marks are still to process.</summary>
public sealed record ReportFreshness(bool Rebuilding, int Pending);

/// <summary>
/// Keeps <see cref="ReportCase"/> rows in step with the cases. Every case change leaves a <see cref="ReportDirtyCase"/>
/// mark in its own transaction (<see cref="ReportChangeMarker"/>); a catch-up takes the oldest marks, recomputes those
/// cases' rows from their whole history, and deletes exactly the marks it read. So an old case that changes (reopened,
/// reassigned, a late reply) has its row rewritten and every period it counts in moves with it; nothing is added to or
/// subtracted from a running total that could drift, and a crash between the two steps only means computing again.
/// </summary>
/// <remarks>
/// Reports call a bounded catch-up before answering, so they include changes made a moment ago; the background worker
/// does the rest. A change that does not touch the case itself — a calendar or SLA policy edit that changes business
/// durations — needs <see cref="RebuildAsync"/> (admin: <c>POST /api/v1/reports/rebuild</c>), which marks every case
/// and lets the worker recompute them in batches, reports answering meanwhile with <c>rebuilding: true</c>.
/// </remarks>
public sealed class ReportRefresher(IDbContextFactory<PishkhanDbContext> dbFactory, CalendarResolver calendars, TimeProvider clock) : IDisposable
{
    public const int BatchSize = 500;

    private readonly SemaphoreSlim _turn = new(1, 1);

    public void Dispose() => _turn.Dispose();

    /// <summary>How often a paced catch-up recomputes the daily roll-up (under <see cref="_turn"/>).</summary>
    private readonly RollUpPacing _daysPacing = RollUpPacing.Default();

    /// <summary>
    /// Recomputes the rows of marked cases, at most <paramref name="maxBatches"/> batches, then the marked days of the
    /// daily roll-up. Waits at most <paramref name="wait"/> for another catch-up in this process to finish (then answers
    /// null: that one is on it).
    /// </summary>
    /// <param name="paceDays">
    /// When true, the days are recomputed only when <see cref="RollUpPacing.Default"/> says so (an expensive
    /// recomputation is not repeated at once; at most about 5% of the time goes to it): today's day is
    /// recomputed whole from its case rows, and on a day of tens of thousands of new cases doing that every few seconds
    /// was a large share of the server's work. Reports stay exact meanwhile — they read the case rows of a marked day
    /// (<see cref="DaysReadyAsync"/>). The background worker paces; a report's own catch-up does not (its reader asked
    /// now, and it is the roll-up that makes the report fast).
    /// </param>
    /// <param name="batchSize">The most marks one batch takes (one transaction); at most <see cref="BatchSize"/>.</param>
    public async Task<CatchUpResult?> CatchUpAsync(int maxBatches, TimeSpan wait, bool paceDays = false, int batchSize = BatchSize, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, BatchSize);
        if (!await _turn.WaitAsync(wait, ct))
        {
            return null;
        }

        try
        {
            var written = 0;
            for (var batch = 0; batch < maxBatches; batch++)
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var marks = await db.Set<ReportDirtyCase>().AsNoTracking().OrderBy(d => d.Id).Take(batchSize).ToListAsync(ct);
                if (marks.Count == 0)
                {
                    // Read before writing: most catch-ups find nothing to do, and a write would queue behind other writers.
                    if (await db.Set<ReportState>().AnyAsync(s => s.RebuildStartedAt != null, ct))
                    {
                        await db.Set<ReportState>().Where(s => s.RebuildStartedAt != null).ExecuteUpdateAsync(s => s.SetProperty(x => x.RebuildStartedAt, (DateTime?)null), ct);
                    }

                    // The case rows are current: now the days they touched (the daily roll-up).
                    await MarkAllDaysIfUnbuiltAsync(ct);
                    if (paceDays && !_daysPacing.IsDue(Monotonic()))
                    {
                        return new CatchUpResult(written, true);
                    }

                    var started = Monotonic();
                    var daysLeft = await RefreshDaysAsync(maxBatches, ct);
                    _daysPacing.Ran(started, Monotonic());
                    return new CatchUpResult(written, !daysLeft);
                }

                written += await RecomputeAsync([.. marks.Select(m => m.CaseId).Distinct()], ct);
                await DeleteMarksAsync<ReportDirtyCase>(db, marks.Select(m => m.Id), ct);
            }

            return new CatchUpResult(written, false);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Marks every case for recomputation; the worker carries it out in batches (progress: <see cref="FreshnessAsync"/>).</summary>
    public async Task<ReportFreshness> RebuildAsync(CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("INSERT INTO \"ReportDirtyCases\" (\"CaseId\") SELECT \"Id\" FROM \"Cases\"", ct);
            var state = await db.Set<ReportState>().FirstOrDefaultAsync(ct);
            if (state is null)
            {
                state = new ReportState();
                db.Add(state);
            }

            state.RebuildStartedAt = clock.GetUtcNow().UtcDateTime;
            // The daily roll-up is rebuilt from scratch once the case rows are (a time zone change moves every day).
            state.DaysBuiltAt = null;
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        return await FreshnessAsync(ct);
    }

    /// <summary>
    /// Rows written before <see cref="ReportCase.CreatedDay"/> existed hold day 0 (the migration's default): if there are
    /// any, every case is marked once so the worker recomputes them (answers say <c>rebuilding</c> meanwhile).
    /// </summary>
    public async Task RebuildIfOutdatedAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Set<ReportCase>().AnyAsync(r => r.CreatedDay == 0, ct) && !await db.Set<ReportState>().AnyAsync(s => s.RebuildStartedAt != null, ct))
        {
            await RebuildAsync(ct);
        }
    }

    public async Task<ReportFreshness> FreshnessAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rebuilding = await db.Set<ReportState>().AnyAsync(s => s.RebuildStartedAt != null, ct);
        var pending = await db.Set<ReportDirtyCase>().CountAsync(ct);
        return new ReportFreshness(rebuilding, pending);
    }

    /// <summary>Computes and writes the rows of these cases from their history; one transaction per batch.</summary>
    public async Task<int> RecomputeAsync(IReadOnlyCollection<Guid> caseIds, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var defaultCalendar = await calendars.DefaultAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var statuses = await db.CaseStatuses.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Category, ct);
        var waiting = statuses.Where(s => s.Value == StatusCategory.Waiting).Select(s => s.Key).ToHashSet();
        var cases = await db.Cases.AsNoTracking().Where(c => caseIds.Contains(c.Id))
            .Select(c => new
            {
                c.Id,
                c.CreatedAt,
                c.UpdatedAt,
                c.Version,
                c.Channel,
                c.CategoryId,
                c.Product,
                c.Priority,
                c.TeamId,
                c.OwnerId,
                c.QueueId,
                c.StatusId,
                c.FirstResponseAt,
                c.ResolvedAt,
                c.ClosedAt,
            })
            .ToListAsync(ct);
        var audits = (await db.AuditEntries.AsNoTracking()
                .Where(a => a.EntityType == nameof(Case) && a.Field == "statusId" && caseIds.Contains(a.EntityId))
                .Select(a => new { a.EntityId, a.At, a.Id, a.OldValue, a.NewValue })
                .ToListAsync(ct))
            .ToLookup(a => a.EntityId);
        var messages = (await db.TimelineEntries.AsNoTracking()
                .Where(t => caseIds.Contains(t.CaseId) && ((t.Kind == TimelineKind.OutboundMessage && t.IsPublic && !t.IsAutomated) || t.Kind == TimelineKind.InboundMessage))
                .Select(t => new { t.CaseId, t.Kind, t.CreatedAt })
                .ToListAsync(ct))
            .ToLookup(t => t.CaseId);
        var instances = (await db.SlaInstances.AsNoTracking()
                .Where(i => caseIds.Contains(i.CaseId) && i.State != SlaState.Cancelled)
                .Select(i => new { i.CaseId, i.PolicyId, i.CalendarId, i.AppliedAt })
                .ToListAsync(ct))
            .ToLookup(i => i.CaseId);
        var policies = await db.SlaPolicies.AsNoTracking().Select(p => new { p.Id, p.Is24x7, p.PauseStatusIds }).ToDictionaryAsync(p => p.Id, ct);
        var calendarCache = new Dictionary<Guid, BusinessCalendar>();
        var ratings = await db.Set<Satisfaction.SatisfactionSurvey>().AsNoTracking()
            .Where(s => caseIds.Contains(s.CaseId) && s.Rating != null)
            .ToDictionaryAsync(s => s.CaseId, s => (double?)s.Rating, ct);
        var existing = await db.Set<ReportCase>().Where(r => caseIds.Contains(r.CaseId)).ToDictionaryAsync(r => r.CaseId, ct);
        var days = new HashSet<int>();

        foreach (var c in cases)
        {
            bool Resolved(Guid id) => statuses.TryGetValue(id, out var category) && category >= StatusCategory.Resolved;
            var trail = audits[c.Id].OrderBy(a => a.At).ThenBy(a => a.Id).ToList();
            var initial = trail.Count > 0 && Guid.TryParse(trail[0].OldValue, out var first) ? first : c.StatusId;
            var changes = new List<SlaStatusChange> { new(ToInstant(c.CreatedAt), initial, Resolved(initial)) };
            foreach (var a in trail)
            {
                if (Guid.TryParse(a.NewValue, out var id))
                {
                    changes.Add(new SlaStatusChange(ToInstant(a.At), id, Resolved(id)));
                }
            }

            var own = messages[c.Id].ToList();
            var history = new SlaHistory(
                ToInstant(c.CreatedAt),
                changes,
                [.. own.Where(m => m.Kind == TimelineKind.OutboundMessage).Select(m => ToInstant(m.CreatedAt))],
                [.. own.Where(m => m.Kind == TimelineKind.InboundMessage).Select(m => ToInstant(m.CreatedAt))]);

            // The business clock of the case's SLA policy when it has one (so reports agree with its timers), else the default calendar.
            var applied = instances[c.Id].OrderByDescending(i => i.AppliedAt).FirstOrDefault();
            var policy = applied is not null && policies.TryGetValue(applied.PolicyId, out var p) ? p : null;
            var calendar = defaultCalendar.Calendar;
            if (policy is { Is24x7: true })
            {
                calendar = SlaClock.AllDay;
            }
            else if (applied?.CalendarId is { } calendarId && calendarId != defaultCalendar.Id)
            {
                if (!calendarCache.TryGetValue(calendarId, out var found))
                {
                    found = (await calendars.ForCalendarAsync(calendarId, ct))?.Calendar ?? defaultCalendar.Calendar;
                    calendarCache[calendarId] = found;
                }

                calendar = found;
            }

            var pauses = policy?.PauseStatusIds is { } json ? JsonSerializer.Deserialize<List<Guid>>(json, SlaPolicy.JsonOptions)?.ToHashSet() ?? waiting : waiting;
            var durations = CaseClock.Measure(history, calendar, pauses, ToInstant(now));

            if (!existing.TryGetValue(c.Id, out var row))
            {
                row = new ReportCase { CaseId = c.Id };
                db.Add(row);
            }
            else
            {
                // The days the row counted in before: a case that moves (another day, reopened) leaves them.
                TouchDays(row, defaultCalendar.Zone, days);
            }

            row.CreatedAt = c.CreatedAt;
            var local = ToInstant(c.CreatedAt).InZone(defaultCalendar.Zone);
            row.CreatedDay = DayNumber(local.Date);
            row.CreatedHour = local.Hour;
            row.Channel = c.Channel;
            row.CategoryId = c.CategoryId;
            row.Product = c.Product;
            row.Priority = c.Priority;
            row.TeamId = c.TeamId;
            row.OwnerId = c.OwnerId;
            row.QueueId = c.QueueId;
            row.PolicyId = applied?.PolicyId;
            row.Status = statuses.GetValueOrDefault(c.StatusId, StatusCategory.Open);
            row.FirstResponseAt = c.FirstResponseAt;
            row.ResolvedAt = row.Status >= StatusCategory.Resolved ? c.ResolvedAt ?? c.ClosedAt : null;
            row.FirstResponseBusinessSeconds = Seconds(durations.FirstResponse);
            row.ResolutionBusinessSeconds = row.ResolvedAt is null ? null : Seconds(durations.Resolution);
            row.FirstResponseCalendarMicros = Micros(row.FirstResponseAt - row.CreatedAt);
            row.ResolutionCalendarMicros = Micros(row.ResolvedAt - row.CreatedAt);
            row.Exchanges = own.Count;
            row.Reopens = durations.Reopens;
            row.Csat = ratings.GetValueOrDefault(c.Id);
            row.CaseVersion = c.Version;
            row.CaseUpdatedAt = c.UpdatedAt;
            row.ComputedAt = now;
            TouchDays(row, defaultCalendar.Zone, days);
        }

        // Marked in the same transaction as the rows: the days are recomputed exactly when the rows they add up changed.
        db.AddRange(days.Select(d => new ReportDirtyDay { Day = d }));

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another node inserted one of these rows first; its row is as good as ours, and the next catch-up checks it.
            return 0;
        }

        return cases.Count;
    }

    /// <summary>The daily roll-up days a case row counts in: its creation day and, when resolved, its resolution day.</summary>
    private static void TouchDays(ReportCase row, DateTimeZone zone, HashSet<int> days)
    {
        if (row.CreatedDay != 0)
        {
            days.Add(row.CreatedDay);
        }

        if (row.ResolvedAt is { } resolved)
        {
            days.Add(DayNumber(ToInstant(resolved).InZone(zone).Date));
        }
    }

    /// <summary>The most days one transaction of <see cref="RefreshDaysAsync"/> recomputes.</summary>
    public const int DaysPerBatch = 62;

    /// <summary>
    /// The daily roll-up is built by marking every day that has (or had) report rows: after a rebuild, and once after the
    /// table first appears on a database that already has cases. Until then reports read the case rows.
    /// </summary>
    private async Task MarkAllDaysIfUnbuiltAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Set<ReportState>().AnyAsync(s => s.DaysBuiltAt != null, ct))
        {
            return;
        }

        var zone = (await calendars.DefaultAsync(ct)).Zone;
        int? Day(DateTime? at) => at is { } a ? DayNumber(ToInstant(a).InZone(zone).Date) : null;
        var rows = db.Set<ReportCase>().AsNoTracking();
        var bounds = new List<int?>
        {
            Day(await rows.MinAsync(r => (DateTime?)r.CreatedAt, ct)),
            Day(await rows.MaxAsync(r => (DateTime?)r.CreatedAt, ct)),
            Day(await rows.MinAsync(r => r.ResolvedAt, ct)),
            Day(await rows.MaxAsync(r => r.ResolvedAt, ct)),
            await db.Set<ReportDay>().MinAsync(d => (int?)d.Day, ct),
            await db.Set<ReportDay>().MaxAsync(d => (int?)d.Day, ct),
        };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (bounds.Any(b => b is not null))
        {
            var first = bounds.Min()!.Value;
            var last = bounds.Max()!.Value;
            db.AddRange(Enumerable.Range(first, last - first + 1).Select(d => new ReportDirtyDay { Day = d }));
        }

        var state = await db.Set<ReportState>().FirstOrDefaultAsync(ct);
        if (state is null)
        {
            state = new ReportState();
            db.Add(state);
        }

        state.DaysBuiltAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Recomputes marked days of the daily roll-up from the case rows, at most <paramref name="maxBatches"/> transactions
    /// of <see cref="DaysPerBatch"/> days; each deletes the days' rows, writes them anew and deletes exactly the marks it
    /// read. Answers whether marks are left.
    /// </summary>
    public async Task<bool> RefreshDaysAsync(int maxBatches, CancellationToken ct = default)
    {
        var zone = (await calendars.DefaultAsync(ct)).Zone;
        for (var batch = 0; batch < maxBatches; batch++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            // The earliest marked day and the marked days of the DaysPerBatch days from it (at most DaysPerBatch days per transaction).
            var first = await db.Set<ReportDirtyDay>().MinAsync(d => (int?)d.Day, ct);
            if (first is not { } from)
            {
                return false;
            }

            var to = from + DaysPerBatch - 1;
            var marks = await db.Set<ReportDirtyDay>().AsNoTracking().Where(d => d.Day >= from && d.Day <= to).Select(d => new { d.Id, d.Day }).ToListAsync(ct);
            var days = marks.Select(m => m.Day).ToHashSet();
            // Rows are read per run of consecutive marked days (marks on the 1st and the 60th day are two short reads, not two months).
            var created = new List<DayCaseRow>();
            var closed = new List<DayClosedRow>();
            var sla = new List<DaySlaRow>();
            foreach (var (runFrom, runTo) in ConsecutiveRuns.Of(days))
            {
                var start = zone.AtStartOfDay(FromDayNumber(runFrom)).ToInstant().ToDateTimeUtc();
                var end = zone.AtStartOfDay(FromDayNumber(runTo).PlusDays(1)).ToInstant().ToDateTimeUtc();
                var rows = db.Set<ReportCase>().AsNoTracking();
                created.AddRange(await rows.Where(r => r.CreatedAt >= start && r.CreatedAt < end)
                    .Select(r => new DayCaseRow(r.CreatedDay, r.CreatedHour, r.Channel, r.CategoryId, r.Product, r.Status, r.Reopens, r.Exchanges,
                        r.FirstResponseBusinessSeconds, r.FirstResponseCalendarMicros, r.ResolutionBusinessSeconds, r.ResolutionCalendarMicros))
                    .ToListAsync(ct));
                closed.AddRange((await rows.Where(r => r.ResolvedAt >= start && r.ResolvedAt < end && r.Status >= StatusCategory.Resolved)
                        .Select(r => new { r.ResolvedAt, r.OwnerId, r.ResolutionBusinessSeconds, r.Csat })
                        .ToListAsync(ct))
                    .Select(r => new DayClosedRow(DayNumber(ToInstant(r.ResolvedAt!.Value).InZone(zone).Date), r.OwnerId, r.ResolutionBusinessSeconds, r.Csat)));
                sla.AddRange((await db.SlaInstances.AsNoTracking()
                        .Where(i => i.StartedAt >= start && i.StartedAt < end && (i.State == SlaState.Succeeded || i.State == SlaState.Breached))
                        .Select(i => new { i.StartedAt, i.Metric, i.PolicyId, i.State })
                        .ToListAsync(ct))
                    .Select(i => new DaySlaRow(DayNumber(ToInstant(i.StartedAt).InZone(zone).Date), i.Metric, i.PolicyId, i.State)));
            }

            // The rows are read by instant; each is counted in its local day (CreatedDay was cut in the same zone).
            var computed = ReportDays.Compute(created.Where(r => days.Contains(r.Day)), closed.Where(r => days.Contains(r.Day)), sla.Where(r => days.Contains(r.Day)));

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Set<ReportDay>().Where(d => days.Contains(d.Day)).ExecuteDeleteAsync(ct);
            db.AddRange(computed);
            await db.SaveChangesAsync(ct);
            await DeleteMarksAsync<ReportDirtyDay>(db, marks.Select(m => m.Id), ct);
            await transaction.CommitAsync(ct);
        }

        await using var check = await dbFactory.CreateDbContextAsync(ct);
        return await check.Set<ReportDirtyDay>().AnyAsync(ct);
    }

    /// <summary>
    /// Deletes exactly these change marks (never one written since they were read). Their ids are mostly consecutive, so
    /// they go as ranges: a day marked by every new case can have tens of thousands of marks, and one parameter per id
    /// made a statement that held SQLite's write turn for a second.
    /// </summary>
    private static async Task DeleteMarksAsync<TMark>(PishkhanDbContext db, IEnumerable<long> ids, CancellationToken ct)
    {
        var table = db.Model.FindEntityType(typeof(TMark))!.GetTableName();
        foreach (var chunk in ConsecutiveRuns.Of(ids).Chunk(MarkRangesPerStatement))
        {
            // Only integers are inlined, never text.
            var sql = $"DELETE FROM \"{table}\" WHERE "
                + string.Join(" OR ", chunk.Select(r => string.Create(CultureInfo.InvariantCulture, $"\"Id\" BETWEEN {r.From} AND {r.To}")));
            await db.Database.ExecuteSqlRawAsync(sql, ct);
        }
    }

    /// <summary>How many id ranges one delete of change marks names.</summary>
    private const int MarkRangesPerStatement = 200;

    /// <summary>
    /// Whether the daily roll-up is complete for these local days (built, and none of them waiting to be recomputed):
    /// then its totals equal the case rows' and reports may read them.
    /// </summary>
    public static async Task<bool> DaysReadyAsync(PishkhanDbContext db, int from, int to, CancellationToken ct) =>
        await db.Set<ReportState>().AnyAsync(s => s.DaysBuiltAt != null, ct)
        && !await db.Set<ReportDirtyDay>().AnyAsync(d => d.Day >= from && d.Day <= to, ct);

    /// <summary>A local date as the integer <see cref="ReportCase.CreatedDay"/> holds (<see cref="DateOnly.DayNumber"/>).</summary>
    public static int DayNumber(LocalDate date) => date.ToDateOnly().DayNumber;

    public static LocalDate FromDayNumber(int day) => LocalDate.FromDateOnly(DateOnly.FromDayNumber(day));

    /// <summary>A reading of the monotonic clock (wall-clock time, not the business clock: this paces work).</summary>
    private static TimeSpan Monotonic() => Stopwatch.GetElapsedTime(0);

    private static long? Micros(TimeSpan? span) => span is { } s ? s.Ticks / TimeSpan.TicksPerMicrosecond : null;

    private static long? Seconds(Duration? d) => d is { } x ? (long)Math.Round(x.TotalSeconds, MidpointRounding.AwayFromZero) : null;

    private static Instant ToInstant(DateTime utc) => Instant.FromDateTimeUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
}

/// <summary>
/// Keeps the report roll-up current in the background (and carries out a rebuild): every second it recomputes the rows
/// of the cases changed since, in small batches with a rest after each as long as the batch took.
/// </summary>
/// <remarks>
/// Steady and small on purpose. With a catch-up every five seconds in batches of 500, a server taking a few hundred
/// new cases a second recomputed ~1,800 rows in one burst that kept a core busy for several hundred milliseconds, and
/// every request arriving meanwhile waited for the other core: those bursts were most of the API's slowest 1%. Spread
/// out, the same work takes at most about half of one core while it lasts and requests go on beside it.
/// </remarks>
public sealed class ReportWorker(ReportRefresher refresher, ILogger<ReportWorker> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>The marks one background batch takes.</summary>
    public const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await refresher.RebuildIfOutdatedAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Could not check the report roll-up for rows from before local days were stored.");
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var rest = Interval;
            try
            {
                // Short turns, so a report's own catch-up never waits long behind a rebuild.
                var started = Stopwatch.GetTimestamp();
                var result = await refresher.CatchUpAsync(1, Timeout.InfiniteTimeSpan, paceDays: true, BatchSize, stoppingToken);
                if (result is { CaughtUp: false })
                {
                    rest = Stopwatch.GetElapsedTime(started);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Report roll-up catch-up failed; retrying in {Interval}.", Interval);
            }

            try
            {
                await Task.Delay(rest, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
