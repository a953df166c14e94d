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

/// <summary>The reports of issue 10. Each loads the roll-up rows of its population and hands them to <see cref="ReportMetrics"/>.</summary>
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

    private static readonly IReadOnlyList<string> HeatmapColumns = ["dayOfWeek", .. Enumerable.Range(0, 24).Select(h => $"h{h:D2}")];

    /// <summary>Builds the named report; null for an unknown name. <paramref name="groupBy"/> is for sla-compliance.</summary>
    public async Task<ReportTable?> RunAsync(string name, ReportFilter filter, SlaGrouping groupBy = SlaGrouping.Metric, CancellationToken ct = default)
    {
        if (!Names.Contains(name))
        {
            return null;
        }

        // Changes made a moment ago are in the answer; a long backlog (a rebuild) is left to the worker.
        await refresher.CatchUpAsync(4, TimeSpan.FromSeconds(2), ct);
        var zone = (await calendars.DefaultAsync(ct)).Zone;
        var now = clock.GetUtcNow().UtcDateTime;
        var today = Instant.FromDateTimeUtc(now).InZone(zone).Date;
        var (start, end, from, to) = filter.Period(zone, today);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var names = await Names_(db, ct);
        var s = start.ToDateTimeUtc();
        var e = end.ToDateTimeUtc();

        (IReadOnlyList<string> Columns, IEnumerable<IReadOnlyList<object?>> Rows) table;
        var summary = new Dictionary<string, object?>();
        switch (name)
        {
            case "forecast":
                {
                    // The future from today on, learnt from whole past days (yesterday back), not from the report period.
                    var historyEnd = zone.AtStartOfDay(today).ToInstant().ToDateTimeUtc();
                    var historyStart = zone.AtStartOfDay(today.PlusDays(-ForecastHistoryDays)).ToInstant().ToDateTimeUtc();
                    var facts = await FactsAsync(db, filter, r => r.CreatedAt >= historyStart && r.CreatedAt < historyEnd, ct);
                    var history = DailyCounts(facts.Select(f => f.CreatedAt.InZone(zone).Date), today);
                    var monthAgo = zone.AtStartOfDay(today.PlusDays(-28)).ToInstant().ToDateTimeUtc();
                    var handling = filter.HandlingMinutes is { } given
                        ? Duration.FromMinutes(given)
                        : ReportMetrics.Stats((await FactsAsync(db, filter, r => r.ResolvedAt >= monthAgo && r.ResolvedAt < historyEnd, ct)).Select(f => f.ResolutionBusiness)).Average;
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
                    var facts = await FactsAsync(db, filter, r => r.CreatedAt >= s && r.CreatedAt < e, ct);
                    var rows = ReportMetrics.Volume(facts, filter.Granularity, filter.By, new Bucketing(zone, Jalali: filter.Jalali));
                    table = (["period", "periodStart", "key", "name", "count"],
                        rows.Select(r => Row(r.Period, Iso(r.PeriodStart), r.Key, filter.By == VolumeDimension.Category ? names.Category(r.Key) : r.Key, r.Count)));
                    break;
                }

            case "heatmap":
                {
                    var facts = await FactsAsync(db, filter, r => r.CreatedAt >= s && r.CreatedAt < e, ct);
                    var grid = ReportMetrics.ArrivalsHeatmap(facts.Select(f => f.CreatedAt), zone);
                    table = (HeatmapColumns,
                        Enumerable.Range(0, 7).Select(d => (IReadOnlyList<object?>)[((IsoDayOfWeek)(d + 1)).ToString(), .. Enumerable.Range(0, 24).Select(h => (object?)grid[d, h])]));
                    break;
                }

            case "closed-per-agent":
                {
                    var facts = await FactsAsync(db, filter, r => r.ResolvedAt >= s && r.ResolvedAt < e, ct);
                    table = (["agentId", "agent", "closed", "averageHandlingMinutes", "csat", "csatAnswers"],
                        ReportMetrics.ClosedPerAgent(facts).Select(r => Row(r.AgentId, names.User(r.AgentId), r.Closed, Minutes(r.AverageHandling), r.AverageCsat, r.CsatAnswers)));
                    break;
                }

            case "response-times":
                {
                    var facts = await FactsAsync(db, filter, r => r.CreatedAt >= s && r.CreatedAt < e, ct);
                    var t = ReportMetrics.ResponseTimes(facts);
                    table = (["metric", "clock", "cases", "averageMinutes", "medianMinutes"],
                    [
                        StatsRow("firstResponse", "business", t.FirstResponseBusiness),
                    StatsRow("firstResponse", "calendar", t.FirstResponseCalendar),
                    StatsRow("resolution", "business", t.ResolutionBusiness),
                    StatsRow("resolution", "calendar", t.ResolutionCalendar),
                ]);
                    break;
                }

            case "exchanges":
                {
                    var facts = await FactsAsync(db, filter, r => r.CreatedAt >= s && r.CreatedAt < e, ct);
                    table = (["cases", "averageExchanges"], [Row(facts.Count, Round(ReportMetrics.AverageExchanges(facts), 2))]);
                    break;
                }

            case "sla-compliance":
                {
                    var facts = await SlaFactsAsync(db, filter, s, e, ct);
                    table = (["key", "name", "met", "breached", "compliance"],
                        ReportMetrics.SlaCompliance(facts, groupBy).Select(r => Row(r.Key, groupBy switch
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
                    var facts = await SlaFactsAsync(db, filter, s, e, ct);
                    table = (["caseNumber", "caseId", "metric", "policy", "team", "agent", "dueAt", "breachedAt", "achievedAt"],
                        ReportMetrics.Breaches(facts).Select(b => Row(b.CaseNumber, b.CaseId, ReportMetrics.Camel(b.Metric.ToString()), names.Policy(b.PolicyId.ToString()),
                            names.Team(b.TeamId?.ToString()), names.User(b.OwnerId?.ToString()), Utc(b.DueAt), Utc(b.BreachedAt), Utc(b.AchievedAt))));
                    break;
                }

            case "backlog":
                {
                    // The backlog is now, not a period: every unresolved case that matches the other filters.
                    var facts = await FactsAsync(db, filter, r => r.Status < StatusCategory.Resolved, ct);
                    table = (["age", "count"], ReportMetrics.BacklogAge(facts, Instant.FromDateTimeUtc(now)).Select(b => Row(b.Key, b.Count)));
                    break;
                }

            case "reopen-rate":
                {
                    var facts = await FactsAsync(db, filter, r => r.CreatedAt >= s && r.CreatedAt < e, ct);
                    var rate = ReportMetrics.ReopenRate(facts);
                    table = (["reopened", "resolved", "rate"], [Row(rate.Numerator, rate.Denominator, Round(rate.Rate, 4))]);
                    break;
                }

            default:
                {
                    // top-categories / top-products: the period against the one of the same length just before it.
                    var length = e - s;
                    var ps = s - length;
                    var current = await FactsAsync(db, filter, r => r.CreatedAt >= s && r.CreatedAt < e, ct);
                    var previous = await FactsAsync(db, filter, r => r.CreatedAt >= ps && r.CreatedAt < s, ct);
                    var categories = name == "top-categories";
                    string? Key(CaseFact f) => categories ? f.CategoryId?.ToString() : f.Product;
                    table = (["key", "name", "count", "previousCount", "change"],
                        ReportMetrics.Top(current.Select(Key), previous.Select(Key), filter.Top)
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
    internal static List<double> DailyCounts(IEnumerable<LocalDate> days, LocalDate today)
    {
        var counts = days.GroupBy(d => d).ToDictionary(g => g.Key, g => g.Count());
        if (counts.Count == 0)
        {
            return [];
        }

        var first = counts.Keys.Min();
        var history = new List<double>();
        for (var d = first; d < today; d = d.PlusDays(1))
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

    /// <summary>The roll-up rows matching the filter and <paramref name="population"/>, as facts.</summary>
    internal static async Task<List<CaseFact>> FactsAsync(PishkhanDbContext db, ReportFilter filter, System.Linq.Expressions.Expression<Func<ReportCase, bool>> population, CancellationToken ct)
    {
        var rows = Filtered(db.Set<ReportCase>().AsNoTracking().Where(population), filter);
        var list = await rows.Select(r => new
        {
            r.CaseId,
            r.CreatedAt,
            r.Channel,
            r.CategoryId,
            r.Product,
            r.Priority,
            r.TeamId,
            r.OwnerId,
            r.QueueId,
            r.PolicyId,
            r.Status,
            r.FirstResponseAt,
            r.ResolvedAt,
            r.FirstResponseBusinessSeconds,
            r.ResolutionBusinessSeconds,
            r.Exchanges,
            r.Reopens,
            r.Csat,
        }).ToListAsync(ct);
        return [.. list.Select(r => new CaseFact(
            r.CaseId, I(r.CreatedAt), r.Channel, r.CategoryId, r.Product, r.Priority, r.TeamId, r.OwnerId, r.QueueId, r.PolicyId, r.Status,
            r.FirstResponseAt is { } fr ? I(fr) : null, r.ResolvedAt is { } ra ? I(ra) : null,
            r.FirstResponseBusinessSeconds is { } fb ? Duration.FromSeconds(fb) : null,
            r.ResolutionBusinessSeconds is { } rb ? Duration.FromSeconds(rb) : null,
            r.Exchanges, r.Reopens, r.Csat))];
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

    /// <summary>SLA instances that started in the period, of cases matching the filters (case fields as they are now).</summary>
    private static async Task<List<SlaFact>> SlaFactsAsync(PishkhanDbContext db, ReportFilter f, DateTime s, DateTime e, CancellationToken ct)
    {
        var instances = db.SlaInstances.AsNoTracking().Where(i => i.StartedAt >= s && i.StartedAt < e && i.State != SlaState.Cancelled);
        if (f.PolicyId is { } policy)
        {
            instances = instances.Where(i => i.PolicyId == policy);
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

        var list = await instances.Join(cases, i => i.CaseId, c => c.Id, (i, c) => new { i.CaseId, c.Number, i.Metric, i.PolicyId, c.TeamId, c.OwnerId, i.State, i.DueAt, i.BreachedAt, i.AchievedAt })
            .ToListAsync(ct);
        return [.. list.Select(x => new SlaFact(x.CaseId, x.Number, x.Metric, x.PolicyId, x.TeamId, x.OwnerId, x.State,
            x.DueAt is { } d ? I(d) : null, x.BreachedAt is { } b ? I(b) : null, x.AchievedAt is { } a ? I(a) : null))];
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
