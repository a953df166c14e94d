using Microsoft.EntityFrameworkCore;
using NodaTime;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Reports;

/// <summary>
/// One report as a table: the same rows feed the JSON answer, the chart, and the CSV and Excel exports, so what is
/// shown and what is exported cannot differ. Durations are minutes (one decimal), rates are fractions 0–1.
/// </summary>
public sealed record ReportTable(
    string Report,
    string From,
    string To,
    string Filter,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<object?>> Rows,
    ReportFreshness Freshness)
{
    /// <summary>Figures about the whole table (the forecast's back-test error and its plain message); empty for most reports.</summary>
    public IReadOnlyDictionary<string, object?> Summary { get; init; } = new Dictionary<string, object?>();
}

/// <summary>Something a report filter can name (a queue, an SLA policy).</summary>
public sealed record ReportChoice(Guid Id, string Name);

/// <summary>The reports of issue 10. Each aggregates the roll-up rows of its population in SQL (counts and sums per group) and hands the groups to <see cref="ReportMetrics"/>.</summary>
public sealed class GetReport(IDbContextFactory<PishkhanDbContext> dbFactory, CalendarResolver calendars, ReportRefresher refresher, TimeProvider clock)
{
    /// <summary>Report names as they appear in the URL.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "volume", "heatmap", "closed-per-agent", "response-times", "exchanges", "sla-compliance", "sla-breaches",
        "backlog", "reopen-rate", "top-categories", "top-products", "forecast",
    ];

    /// <summary>How many past days the forecast learns from (at most): half a year holds 26 weekly cycles.</summary>
    public const int ForecastHistoryDays = 182;

    /// <summary>The breaches report lists at most this many, most recent first (its summary has the total).</summary>
    public const int MaxBreaches = 1000;

    private static readonly IReadOnlyList<string> HeatmapColumns = ["dayOfWeek", .. Enumerable.Range(0, 24).Select(h => $"h{h:D2}")];

    /// <summary>Builds the named report; null for an unknown name. <paramref name="groupBy"/> is for sla-compliance.</summary>
    public Task<ReportTable?> RunAsync(string name, ReportFilter filter, SlaGrouping groupBy = SlaGrouping.Metric, CancellationToken ct = default) =>
        RunAsync(name, filter, groupBy, dailyRollup: true, ct);

    /// <summary>
    /// As above; <paramref name="dailyRollup"/> false reads the case rows even where the daily roll-up could answer
    /// (tests compare the two on the same data).
    /// </summary>
    internal async Task<ReportTable?> RunAsync(string name, ReportFilter filter, SlaGrouping groupBy, bool dailyRollup, CancellationToken ct)
    {
        if (!Names.Contains(name))
        {
            return null;
        }

        // Changes made a moment ago are in the answer; a long backlog (a rebuild) is left to the worker.
        await refresher.CatchUpAsync(4, TimeSpan.FromSeconds(2), ct: ct);
        var zone = (await calendars.DefaultAsync(ct)).Zone;
        var now = clock.GetUtcNow().UtcDateTime;
        var today = Instant.FromDateTimeUtc(now).InZone(zone).Date;
        var (start, end, from, to) = filter.Period(zone, today);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var names = await Names_(db, ct);
        var s = start.ToDateTimeUtc();
        var e = end.ToDateTimeUtc();

        // Without filters a report adds up the daily roll-up (a few rows per day) instead of the case rows, when the
        // roll-up is complete for its days; the answer is the same (tests compare both).
        var unfiltered = filter.TeamId is null && filter.AgentId is null && filter.QueueId is null && filter.CategoryId is null
            && filter.Channel is null && filter.Priority is null && filter.PolicyId is null;
        async Task<bool> DaysReady(LocalDate a, LocalDate b) =>
            dailyRollup && unfiltered && await ReportRefresher.DaysReadyAsync(db, ReportRefresher.DayNumber(a), ReportRefresher.DayNumber(b), ct);
        IQueryable<ReportDay> Days(ReportDayKind kind, LocalDate a, LocalDate b)
        {
            var (x, y) = (ReportRefresher.DayNumber(a), ReportRefresher.DayNumber(b));
            return db.Set<ReportDay>().AsNoTracking().Where(d => d.Kind == kind && d.Day >= x && d.Day <= y);
        }

        (IReadOnlyList<string> Columns, IEnumerable<IReadOnlyList<object?>> Rows) table;
        var summary = new Dictionary<string, object?>();
        switch (name)
        {
            case "forecast":
                {
                    // The future from today on, learnt from whole past days (yesterday back), not from the report period.
                    var historyEnd = zone.AtStartOfDay(today).ToInstant().ToDateTimeUtc();
                    var historyStart = zone.AtStartOfDay(today.PlusDays(-ForecastHistoryDays)).ToInstant().ToDateTimeUtc();
                    var useDays = await DaysReady(today.PlusDays(-ForecastHistoryDays), today.PlusDays(-1));
                    var perDay = useDays
                        ? await Days(ReportDayKind.Created, today.PlusDays(-ForecastHistoryDays), today.PlusDays(-1)).Select(d => new { d.Day, Count = (int)d.Count }).ToListAsync(ct)
                        : await Filtered(Cases(db).Where(r => r.CreatedAt >= historyStart && r.CreatedAt < historyEnd), filter)
                            .GroupBy(r => r.CreatedDay).Select(g => new { Day = g.Key, Count = g.Count() }).ToListAsync(ct);
                    var history = DailyCounts(perDay.ToDictionary(d => ReportRefresher.FromDayNumber(d.Day), d => d.Count), today);
                    var monthAgo = zone.AtStartOfDay(today.PlusDays(-28)).ToInstant().ToDateTimeUtc();
                    var handling = filter.HandlingMinutes is { } given
                        ? Duration.FromMinutes(given)
                        : useDays
                            ? Totals(await Days(ReportDayKind.Closed, today.PlusDays(-28), today.PlusDays(-1)).GroupBy(d => 1)
                                .Select(g => new Sums(g.Sum(d => d.Count2), g.Sum(d => d.Sum))).FirstOrDefaultAsync(ct)).Average
                            : (await SumAsync(Filtered(Cases(db).Where(r => r.ResolvedAt >= monthAgo && r.ResolvedAt < historyEnd), filter)
                                .Where(r => r.ResolutionBusinessSeconds != null).Select(r => r.ResolutionBusinessSeconds!.Value), ct)).Average;
                    var result = VolumeForecast.Forecast(history, handling?.TotalHours ?? 0, filter.AgentHoursPerDay);
                    table = (["date", "expected", "low", "high", "agentsNeeded"],
                        result.Days.Select(d => Row(Iso(today.PlusDays(d.DayIndex - 1)), Math.Round(d.Expected, 1), Math.Round(d.Low, 1), Math.Round(d.High, 1),
                            handling is null ? null : Math.Round(d.AgentsNeeded, 1))));
                    summary["historyDays"] = result.HistoryDays;
                    summary["backtestMape"] = Round(result.BacktestMape, 4);
                    summary["handlingMinutes"] = Minutes(handling);
                    summary["agentHoursPerDay"] = filter.AgentHoursPerDay;
                    summary["message"] = result.Message;
                    from = today;
                    to = today.PlusDays(VolumeForecast.Horizon - 1);
                    break;
                }

            case "volume":
                {
                    var created = Filtered(Cases(db).Where(r => r.CreatedAt >= s && r.CreatedAt < e), filter);
                    var useDays = await DaysReady(from, to);
                    var days = useDays
                        ? filter.By == VolumeDimension.Channel
                            ? (await Days(ReportDayKind.Channel, from, to).Select(d => new { d.Day, d.Key, d.Count }).ToListAsync(ct))
                                .Select(d => new DayCount(ReportRefresher.FromDayNumber(d.Day), ReportMetrics.VolumeKey((CaseChannel)int.Parse(d.Key, System.Globalization.CultureInfo.InvariantCulture), null, filter.By), (int)d.Count))
                            : (await Days(ReportDayKind.Category, from, to).Select(d => new { d.Day, d.Key, d.Count }).ToListAsync(ct))
                                .Select(d => new DayCount(ReportRefresher.FromDayNumber(d.Day), ReportMetrics.VolumeKey(default, ReportDays.FromIdKey(d.Key), filter.By), (int)d.Count))
                        : filter.By == VolumeDimension.Channel
                        ? (await created.GroupBy(r => new { r.CreatedDay, r.Channel }).Select(g => new { g.Key.CreatedDay, g.Key.Channel, Count = g.Count() }).ToListAsync(ct))
                            .Select(d => new DayCount(ReportRefresher.FromDayNumber(d.CreatedDay), ReportMetrics.VolumeKey(d.Channel, null, filter.By), d.Count))
                        : (await created.GroupBy(r => new { r.CreatedDay, r.CategoryId }).Select(g => new { g.Key.CreatedDay, g.Key.CategoryId, Count = g.Count() }).ToListAsync(ct))
                            .Select(d => new DayCount(ReportRefresher.FromDayNumber(d.CreatedDay), ReportMetrics.VolumeKey(default, d.CategoryId, filter.By), d.Count));
                    var rows = ReportMetrics.Volume(days, filter.Granularity, new Bucketing(zone, Jalali: filter.Jalali));
                    table = (["period", "periodStart", "key", "name", "count"],
                        rows.Select(r => Row(r.Period, Iso(r.PeriodStart), r.Key, filter.By == VolumeDimension.Category ? names.Category(r.Key) : r.Key, r.Count)));
                    break;
                }

            case "heatmap":
                {
                    var hours = await DaysReady(from, to)
                        ? await Days(ReportDayKind.Hour, from, to).Select(d => new { CreatedDay = d.Day, CreatedHour = (int)d.Bucket, Count = (int)d.Count }).ToListAsync(ct)
                        : await Filtered(Cases(db).Where(r => r.CreatedAt >= s && r.CreatedAt < e), filter)
                            .GroupBy(r => new { r.CreatedDay, r.CreatedHour }).Select(g => new { g.Key.CreatedDay, g.Key.CreatedHour, Count = g.Count() }).ToListAsync(ct);
                    var grid = ReportMetrics.ArrivalsHeatmap(hours.Select(h => new HourCount(ReportRefresher.FromDayNumber(h.CreatedDay), h.CreatedHour, h.Count)));
                    table = (HeatmapColumns,
                        Enumerable.Range(0, 7).Select(d => (IReadOnlyList<object?>)[((IsoDayOfWeek)(d + 1)).ToString(), .. Enumerable.Range(0, 24).Select(h => (object?)grid[d, h])]));
                    break;
                }

            case "closed-per-agent":
                {
                    var totals = await DaysReady(from, to)
                        ? (await Days(ReportDayKind.Closed, from, to).GroupBy(d => d.Key)
                            .Select(g => new { g.Key, Closed = g.Sum(d => d.Count), HandlingCount = g.Sum(d => d.Count2), HandlingSum = g.Sum(d => d.Sum), CsatCount = g.Sum(d => d.Count3), CsatSum = g.Sum(d => d.RatingSum) })
                            .ToListAsync(ct))
                            .Select(t => new AgentTotals(ReportDays.FromIdKey(t.Key), (int)t.Closed, (int)t.HandlingCount, t.HandlingSum, (int)t.CsatCount, t.CsatSum))
                        : (await Filtered(Cases(db).Where(r => r.ResolvedAt >= s && r.ResolvedAt < e && r.Status >= StatusCategory.Resolved), filter)
                            .GroupBy(r => r.OwnerId)
                            .Select(g => new
                            {
                                g.Key,
                                Closed = g.Count(),
                                HandlingCount = g.Count(r => r.ResolutionBusinessSeconds != null),
                                HandlingSum = g.Sum(r => r.ResolutionBusinessSeconds),
                                CsatCount = g.Count(r => r.Csat != null),
                                CsatSum = g.Sum(r => r.Csat),
                            })
                            .ToListAsync(ct))
                            .Select(t => new AgentTotals(t.Key, t.Closed, t.HandlingCount, t.HandlingSum ?? 0, t.CsatCount, t.CsatSum ?? 0));
                    var rows = ReportMetrics.ClosedPerAgent(totals);
                    table = (["agentId", "agent", "closed", "averageHandlingMinutes", "csat", "csatAnswers"],
                        rows.Select(r => Row(r.AgentId, names.User(r.AgentId), r.Closed, Minutes(r.AverageHandling), r.AverageCsat, r.CsatAnswers)));
                    break;
                }

            case "response-times":
                {
                    var created = Filtered(Cases(db).Where(r => r.CreatedAt >= s && r.CreatedAt < e), filter);
                    const long hour = 3600;
                    const long microsPerSecond = 1_000_000;
                    // With the roll-up the histograms come from the days' rows; only the one or two middle values are read from the cases.
                    var useDays = await DaysReady(from, to);
                    IQueryable<ReportDay>? Histogram(ReportDayKind kind) => useDays ? Days(kind, from, to) : null;
                    table = (["metric", "clock", "cases", "averageMinutes", "medianMinutes"],
                    [
                        StatsRow("firstResponse", "business", await StatsAsync(created.Where(r => r.FirstResponseBusinessSeconds != null).Select(r => r.FirstResponseBusinessSeconds!.Value), hour, 1, Histogram(ReportDayKind.FirstResponseBusiness), ct)),
                        StatsRow("firstResponse", "calendar", await StatsAsync(created.Where(r => r.FirstResponseCalendarMicros != null).Select(r => r.FirstResponseCalendarMicros!.Value), hour * microsPerSecond, microsPerSecond, Histogram(ReportDayKind.FirstResponseCalendar), ct)),
                        StatsRow("resolution", "business", await StatsAsync(created.Where(r => r.ResolutionBusinessSeconds != null).Select(r => r.ResolutionBusinessSeconds!.Value), hour, 1, Histogram(ReportDayKind.ResolutionBusiness), ct)),
                        StatsRow("resolution", "calendar", await StatsAsync(created.Where(r => r.ResolutionCalendarMicros != null).Select(r => r.ResolutionCalendarMicros!.Value), hour * microsPerSecond, microsPerSecond, Histogram(ReportDayKind.ResolutionCalendar), ct)),
                    ]);
                    break;
                }

            case "exchanges":
                {
                    var totals = await DaysReady(from, to)
                        ? await Days(ReportDayKind.Created, from, to).GroupBy(d => 1).Select(g => new { Cases = (int)g.Sum(d => d.Count), Exchanges = g.Sum(d => d.Sum) }).FirstOrDefaultAsync(ct)
                        : await Filtered(Cases(db).Where(r => r.CreatedAt >= s && r.CreatedAt < e), filter)
                            .GroupBy(r => 1).Select(g => new { Cases = g.Count(), Exchanges = g.Sum(r => (long)r.Exchanges) }).FirstOrDefaultAsync(ct);
                    var count = totals?.Cases ?? 0;
                    table = (["cases", "averageExchanges"], [Row(count, count == 0 ? null : Round((double)totals!.Exchanges / count, 2))]);
                    break;
                }

            case "sla-compliance":
                {
                    var instances = SlaInstancesIn(db, filter, s, e).Where(i => i.State == SlaState.Succeeded || i.State == SlaState.Breached);
                    // Per metric or policy (the instance's own fields) the daily roll-up has the counts; per team or agent
                    // (the case's current values) they come from the instances joined with their cases.
                    var fromDays = groupBy is SlaGrouping.Metric or SlaGrouping.Policy && await DaysReady(from, to)
                        ? (await Days(ReportDayKind.Sla, from, to).GroupBy(d => new { d.Key, d.Bucket }).Select(g => new { g.Key.Key, g.Key.Bucket, Count = g.Sum(d => d.Count) }).ToListAsync(ct))
                            .Select(c => (Key: ReportDays.FromSlaKey(c.Key), State: (SlaState)c.Bucket, c.Count))
                            .GroupBy(c => (groupBy == SlaGrouping.Metric ? ReportMetrics.Camel(c.Key.Metric.ToString()) : c.Key.PolicyId.ToString(), c.State))
                            .Select(g => new StateCount(g.Key.Item1, g.Key.State, (int)g.Sum(c => c.Count)))
                            .ToList()
                        : null;
                    var counts = fromDays ?? groupBy switch
                    {
                        SlaGrouping.Metric => (await instances.GroupBy(i => new { i.Metric, i.State }).Select(g => new { g.Key.Metric, g.Key.State, Count = g.Count() }).ToListAsync(ct))
                            .Select(c => new StateCount(ReportMetrics.Camel(c.Metric.ToString()), c.State, c.Count)),
                        SlaGrouping.Policy => (await instances.GroupBy(i => new { i.PolicyId, i.State }).Select(g => new { g.Key.PolicyId, g.Key.State, Count = g.Count() }).ToListAsync(ct))
                            .Select(c => new StateCount(c.PolicyId.ToString(), c.State, c.Count)),
                        SlaGrouping.Team => (await instances.Join(db.Cases, i => i.CaseId, c => c.Id, (i, c) => new { c.TeamId, i.State })
                                .GroupBy(x => new { x.TeamId, x.State }).Select(g => new { g.Key.TeamId, g.Key.State, Count = g.Count() }).ToListAsync(ct))
                            .Select(c => new StateCount(c.TeamId?.ToString() ?? "none", c.State, c.Count)),
                        _ => (await instances.Join(db.Cases, i => i.CaseId, c => c.Id, (i, c) => new { c.OwnerId, i.State })
                                .GroupBy(x => new { x.OwnerId, x.State }).Select(g => new { g.Key.OwnerId, g.Key.State, Count = g.Count() }).ToListAsync(ct))
                            .Select(c => new StateCount(c.OwnerId?.ToString() ?? "none", c.State, c.Count)),
                    };
                    table = (["key", "name", "met", "breached", "compliance"],
                        ReportMetrics.SlaCompliance(counts).Select(r => Row(r.Key, groupBy switch
                        {
                            SlaGrouping.Policy => names.Policy(r.Key),
                            SlaGrouping.Team => names.Team(r.Key),
                            SlaGrouping.Agent => names.User(r.Key),
                            _ => r.Key,
                        }, r.Met, r.Breached, Round(r.Compliance, 4))));
                    break;
                }

            case "sla-breaches":
                {
                    // The most recent breaches (a year of a large organisation has hundreds of thousands); the summary
                    // says how many there are in all.
                    var breached = SlaInstancesIn(db, filter, s, e).Where(i => i.State == SlaState.Breached);
                    var total = await DaysReady(from, to)
                        ? (int)await Days(ReportDayKind.Sla, from, to).Where(d => d.Bucket == (long)SlaState.Breached).SumAsync(d => d.Count, ct)
                        : await breached.CountAsync(ct);
                    // The most recent instances first, then their cases: joining before the limit would look up every
                    // breached case of the period. Ties at the same instant are ordered by case number below.
                    var recent = (unfiltered && dailyRollup ? await RecentBreachesAsync(db, s, e, ct) : null)
                        ?? await breached.OrderByDescending(i => i.BreachedAt).Take(MaxBreaches).Select(i => i.Id).ToListAsync(ct);
                    var list = await db.SlaInstances.AsNoTracking().Where(i => recent.Contains(i.Id))
                        .Join(db.Cases, i => i.CaseId, c => c.Id, (i, c) => new { i.CaseId, c.Number, i.Metric, i.PolicyId, c.TeamId, c.OwnerId, i.State, i.DueAt, i.BreachedAt, i.AchievedAt })
                        .ToListAsync(ct);
                    var facts = ReportMetrics.Breaches(list.Select(x => new SlaFact(x.CaseId, x.Number, x.Metric, x.PolicyId, x.TeamId, x.OwnerId, x.State,
                        x.DueAt is { } d ? I(d) : null, x.BreachedAt is { } b ? I(b) : null, x.AchievedAt is { } a ? I(a) : null))).Take(MaxBreaches);
                    table = (["caseNumber", "caseId", "metric", "policy", "team", "agent", "dueAt", "breachedAt", "achievedAt"],
                        facts.Select(b => Row(b.CaseNumber, b.CaseId, ReportMetrics.Camel(b.Metric.ToString()), names.Policy(b.PolicyId.ToString()),
                            names.Team(b.TeamId?.ToString()), names.User(b.OwnerId?.ToString()), Utc(b.DueAt), Utc(b.BreachedAt), Utc(b.AchievedAt))));
                    summary["total"] = total;
                    summary["shown"] = Math.Min(total, MaxBreaches);
                    break;
                }

            case "backlog":
                {
                    // The backlog is now, not a period: every unresolved case that matches the other filters.
                    var open = Filtered(Cases(db).Where(r => r.Status < StatusCategory.Resolved), filter);
                    var total = await open.CountAsync(ct);
                    var atLeast = new List<int>();
                    foreach (var bucket in ReportMetrics.BacklogBuckets.Skip(1))
                    {
                        var before = (Instant.FromDateTimeUtc(now) - bucket.From).ToDateTimeUtc();
                        atLeast.Add(await open.CountAsync(r => r.CreatedAt <= before, ct));
                    }

                    table = (["age", "count"], ReportMetrics.BacklogAge(total, atLeast).Select(b => Row(b.Key, b.Count)));
                    break;
                }

            case "reopen-rate":
                {
                    var totals = await DaysReady(from, to)
                        ? await Days(ReportDayKind.Created, from, to).GroupBy(d => 1).Select(g => new { Resolved = (int)g.Sum(d => d.Count2), Reopened = (int)g.Sum(d => d.Count3) }).FirstOrDefaultAsync(ct)
                        : await Filtered(Cases(db).Where(r => r.CreatedAt >= s && r.CreatedAt < e), filter)
                            .GroupBy(r => 1)
                            .Select(g => new { Resolved = g.Count(r => r.Status >= StatusCategory.Resolved || r.Reopens > 0), Reopened = g.Count(r => r.Reopens > 0) })
                            .FirstOrDefaultAsync(ct);
                    var rate = new RateResult(totals?.Reopened ?? 0, totals?.Resolved ?? 0, totals is { Resolved: > 0 } t ? (double)t.Reopened / t.Resolved : null);
                    table = (["reopened", "resolved", "rate"], [Row(rate.Numerator, rate.Denominator, Round(rate.Rate, 4))]);
                    break;
                }

            default:
                {
                    // top-categories / top-products: the period against the one of the same length just before it.
                    var ps = s - (e - s);
                    var categories = name == "top-categories";
                    // The previous period in whole local days (the roll-up's grain) unless a clock change makes it otherwise.
                    var length = Period.Between(from, to, PeriodUnits.Days).Days + 1;
                    var previousFrom = from.PlusDays(-length);
                    var useDays = zone.AtStartOfDay(previousFrom).ToInstant().ToDateTimeUtc() == ps && await DaysReady(previousFrom, to);
                    async Task<Dictionary<string, int>> CountsAsync(DateTime a, DateTime b)
                    {
                        if (useDays)
                        {
                            var (first, last) = a == s ? (from, to) : (previousFrom, from.PlusDays(-1));
                            var counts = await Days(categories ? ReportDayKind.Category : ReportDayKind.Product, first, last).Where(d => d.Key != "")
                                .GroupBy(d => d.Key).Select(g => new { g.Key, Count = g.Sum(d => d.Count) }).ToListAsync(ct);
                            return counts.ToDictionary(x => categories ? x.Key : x.Key[1..], x => (int)x.Count);
                        }

                        var period = Filtered(Cases(db).Where(r => r.CreatedAt >= a && r.CreatedAt < b), filter);
                        return categories
                            ? (await period.Where(r => r.CategoryId != null).GroupBy(r => r.CategoryId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
                                .ToDictionary(x => x.Key!.Value.ToString(), x => x.Count)
                            : (await period.Where(r => r.Product != null).GroupBy(r => r.Product).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
                                .ToDictionary(x => x.Key!, x => x.Count);
                    }

                    var current = await CountsAsync(s, e);
                    var previous = await CountsAsync(ps, s);
                    table = (["key", "name", "count", "previousCount", "change"],
                        ReportMetrics.Top(current, previous, filter.Top)
                            .Select(r => Row(r.Key, categories ? names.Category(r.Key) : r.Key, r.Count, r.PreviousCount, Round(r.Change, 4))));
                    break;
                }
        }

        return new ReportTable(name, Iso(from), Iso(to), filter.ToQueryString(), table.Columns, [.. table.Rows], await refresher.FreshnessAsync(ct)) { Summary = summary };
    }

    /// <summary>
    /// Cases per day, oldest first, ending the day before <paramref name="today"/> and starting on the first day with a
    /// case: days before the first case are not "no cases", they are before anyone used Pishkhan.
    /// </summary>
    internal static List<double> DailyCounts(IReadOnlyDictionary<LocalDate, int> counts, LocalDate today)
    {
        var days = counts.Where(c => c.Value > 0 && c.Key < today).Select(c => c.Key).ToList();
        if (days.Count == 0)
        {
            return [];
        }

        var history = new List<double>();
        for (var d = days.Min(); d < today; d = d.PlusDays(1))
        {
            history.Add(counts.GetValueOrDefault(d));
        }

        return history;
    }

    /// <summary>The queues and SLA policies the filters offer (teams, agents and categories come from <see cref="Lookups"/>).</summary>
    public async Task<(IReadOnlyList<ReportChoice> Queues, IReadOnlyList<ReportChoice> Policies)> ChoicesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var queues = await db.Queues.AsNoTracking().OrderBy(q => q.Name).Select(q => new ReportChoice(q.Id, q.Name)).ToListAsync(ct);
        var policies = await db.SlaPolicies.AsNoTracking().OrderBy(p => p.Name).Select(p => new ReportChoice(p.Id, p.Name)).ToListAsync(ct);
        return (queues, policies);
    }

    private static object?[] Row(params object?[] values) => values;

    private static object?[] StatsRow(string metric, string clock, DurationStats stats) =>
        Row(metric, clock, stats.Count, Minutes(stats.Average), Minutes(stats.Median));

    internal static double? Minutes(Duration? d) => d is { } x ? Math.Round(x.TotalMinutes, 1) : null;

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;

    private static string Iso(LocalDate date) => date.ToString("yyyy-MM-dd", null);

    private static string? Utc(Instant? instant) => instant?.ToString("uuuu-MM-dd'T'HH:mm:ss'Z'", null);

    private static IQueryable<ReportCase> Cases(PishkhanDbContext db) => db.Set<ReportCase>().AsNoTracking();

    /// <summary>
    /// Count, average and median of durations without loading them: one grouped query makes an hourly histogram (count,
    /// sum, smallest, largest per bucket), <see cref="ReportMetrics.MedianWindow"/> finds the bucket(s) holding the
    /// middle rank, and a second query reads just the middle one or two values from there.
    /// </summary>
    private static async Task<DurationStats> StatsAsync(IQueryable<long> values, long bucketWidth, double unitsPerSecond, IQueryable<ReportDay>? days, CancellationToken ct)
    {
        var buckets = days is not null
            ? await days.GroupBy(d => d.Bucket)
                .Select(g => new { Bucket = g.Key, Count = g.Sum(d => d.Count), Sum = g.Sum(d => d.Sum), Min = g.Min(d => d.Min), Max = g.Max(d => d.Max) })
                .ToListAsync(ct)
            : await values.GroupBy(v => v / bucketWidth)
                .Select(g => new { Bucket = g.Key, Count = (long)g.Count(), Sum = g.Sum(v => v), Min = g.Min(v => v), Max = g.Max(v => v) })
                .ToListAsync(ct);
        if (buckets.Count == 0)
        {
            return new DurationStats(0, null, null);
        }

        var ordered = buckets.OrderBy(b => b.Bucket).ToList();
        var window = ReportMetrics.MedianWindow([.. ordered.Select(b => new HistogramBucket(b.Count, b.Min, b.Max))])!.Value;
        var middle = await values.Where(v => v >= window.Min && v <= window.Max).OrderBy(v => v).Skip(window.Skip).Take(window.Take).ToListAsync(ct);
        var sum = ordered.Sum(b => (double)b.Sum);
        return ReportMetrics.FromSums(ordered.Sum(b => b.Count), sum / unitsPerSecond, ReportMetrics.Median(middle) / unitsPerSecond);
    }

    private sealed record Sums(long Count, long Sum);

    /// <summary>
    /// The ids of the <see cref="MaxBreaches"/> most recently breached instances that started in [s, e), walking the
    /// <c>BreachedAt</c> index from the most recent breach down in pages and keeping those of the period (all of a tie at
    /// the last place, so the order by case number decides). SQLite would otherwise read every breached instance of the
    /// period from the table and sort them. Null (the caller runs the plain query) when that takes more than a few pages:
    /// a period long ago, with many later breaches to pass.
    /// </summary>
    private static async Task<List<Guid>?> RecentBreachesAsync(PishkhanDbContext db, DateTime s, DateTime e, CancellationToken ct)
    {
        const int page = 2000;
        var found = new List<Guid>();
        DateTime? atOrBefore = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var query = db.SlaInstances.AsNoTracking().Where(i => i.BreachedAt != null);
            if (atOrBefore is { } cursor)
            {
                query = query.Where(i => i.BreachedAt <= cursor);
            }

            var rows = await query.OrderByDescending(i => i.BreachedAt).Take(page).Select(i => new { i.Id, BreachedAt = i.BreachedAt!.Value, i.StartedAt, i.State }).ToListAsync(ct);
            var full = rows.Count == page;
            var last = full ? rows[^1].BreachedAt : default;
            if (full)
            {
                if (rows[0].BreachedAt == last)
                {
                    return null; // a whole page breached at one instant
                }

                // The last instant may go on in the next page: it is read again there, whole.
                rows = [.. rows.Where(r => r.BreachedAt != last)];
            }

            found.AddRange(rows.Where(r => r.StartedAt >= s && r.StartedAt < e && r.State == SlaState.Breached).Select(r => r.Id));
            // Every instance breached later than what is left has been seen.
            if (found.Count >= MaxBreaches || !full)
            {
                return found;
            }

            atOrBefore = last;
        }

        return null;
    }

    private static DurationStats Totals(Sums? sums) => sums is null || sums.Count == 0 ? new DurationStats(0, null, null) : ReportMetrics.FromSums(sums.Count, sums.Sum, null);

    /// <summary>Count and average of whole seconds (the median is not asked for).</summary>
    private static async Task<DurationStats> SumAsync(IQueryable<long> seconds, CancellationToken ct)
    {
        var totals = await seconds.GroupBy(v => 1).Select(g => new { Count = g.Count(), Sum = g.Sum(v => v) }).FirstOrDefaultAsync(ct);
        return totals is null ? new DurationStats(0, null, null) : ReportMetrics.FromSums(totals.Count, totals.Sum, null);
    }

    internal static IQueryable<ReportCase> Filtered(IQueryable<ReportCase> rows, ReportFilter f)
    {
        if (f.TeamId is { } team)
        {
            rows = rows.Where(r => r.TeamId == team);
        }

        if (f.AgentId is { } agent)
        {
            rows = rows.Where(r => r.OwnerId == agent);
        }

        if (f.QueueId is { } queue)
        {
            rows = rows.Where(r => r.QueueId == queue);
        }

        if (f.CategoryId is { } category)
        {
            rows = rows.Where(r => r.CategoryId == category);
        }

        if (f.Channel is { } channel)
        {
            rows = rows.Where(r => r.Channel == channel);
        }

        if (f.Priority is { } priority)
        {
            rows = rows.Where(r => r.Priority == priority);
        }

        if (f.PolicyId is { } policy)
        {
            rows = rows.Where(r => r.PolicyId == policy);
        }

        return rows;
    }

    /// <summary>SLA instances that started in the period (not cancelled), of cases matching the filters (case fields as they are now).</summary>
    private static IQueryable<SlaInstance> SlaInstancesIn(PishkhanDbContext db, ReportFilter f, DateTime s, DateTime e)
    {
        var instances = db.SlaInstances.AsNoTracking().Where(i => i.StartedAt >= s && i.StartedAt < e && i.State != SlaState.Cancelled);
        if (f.PolicyId is { } policy)
        {
            instances = instances.Where(i => i.PolicyId == policy);
        }

        if (f.TeamId is null && f.AgentId is null && f.QueueId is null && f.CategoryId is null && f.Channel is null && f.Priority is null)
        {
            return instances;
        }

        var cases = db.Cases.AsNoTracking().AsQueryable();
        if (f.TeamId is { } team)
        {
            cases = cases.Where(c => c.TeamId == team);
        }

        if (f.AgentId is { } agent)
        {
            cases = cases.Where(c => c.OwnerId == agent);
        }

        if (f.QueueId is { } queue)
        {
            cases = cases.Where(c => c.QueueId == queue);
        }

        if (f.CategoryId is { } category)
        {
            cases = cases.Where(c => c.CategoryId == category);
        }

        if (f.Channel is { } channel)
        {
            cases = cases.Where(c => c.Channel == channel);
        }

        if (f.Priority is { } priority)
        {
            cases = cases.Where(c => c.Priority == priority);
        }

        return instances.Where(i => cases.Any(c => c.Id == i.CaseId));
    }

    private static Instant I(DateTime utc) => Instant.FromDateTimeUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    /// <summary>Display names of the ids a report shows (small tables, read whole).</summary>
    internal sealed record NameBook(Dictionary<string, string> Users, Dictionary<string, string> Teams, Dictionary<string, string> Categories, Dictionary<string, string> Policies)
    {
        public string? User(object? id) => Lookup(Users, id);

        public string? Team(string? id) => Lookup(Teams, id);

        public string? Category(string? id) => Lookup(Categories, id);

        public string? Policy(string? id) => Lookup(Policies, id);

        private static string? Lookup(Dictionary<string, string> map, object? id) => id?.ToString() is { } key && map.TryGetValue(key, out var v) ? v : null;
    }

    internal static async Task<NameBook> Names_(PishkhanDbContext db, CancellationToken ct) => new(
        await db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id.ToString(), u => u.DisplayName, ct),
        await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id.ToString(), t => t.Name, ct),
        await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Id.ToString(), c => c.Name, ct),
        await db.SlaPolicies.AsNoTracking().ToDictionaryAsync(p => p.Id.ToString(), p => p.Name, ct));
}
