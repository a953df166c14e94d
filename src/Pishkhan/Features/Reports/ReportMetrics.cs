using NodaTime;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Sla;

namespace Pishkhan.Features.Reports;

public enum Granularity
{
    Day = 1,
    Week = 2,
    Month = 3,
}

public enum VolumeDimension
{
    Channel = 1,
    Category = 2,
}

/// <summary>How periods are cut: the organisation's time zone, the first day of a week, and Jalali or Gregorian months.</summary>
public sealed record Bucketing(DateTimeZone Zone, IsoDayOfWeek WeekStart = IsoDayOfWeek.Saturday, bool Jalali = false)
{
    /// <summary>The first day (ISO date) of the period that contains <paramref name="instant"/>.</summary>
    public LocalDate PeriodStart(Instant instant, Granularity granularity) => PeriodStart(instant.InZone(Zone).Date, granularity);

    public LocalDate PeriodStart(LocalDate date, Granularity granularity)
    {
        switch (granularity)
        {
            case Granularity.Day:
                return date;
            case Granularity.Week:
                var back = ((int)date.DayOfWeek - (int)WeekStart + 7) % 7;
                return date.PlusDays(-back);
            default:
                if (!Jalali)
                {
                    return new LocalDate(date.Year, date.Month, 1);
                }

                var persian = date.WithCalendar(CalendarSystem.PersianAstronomical);
                return new LocalDate(persian.Year, persian.Month, 1, CalendarSystem.PersianAstronomical).WithCalendar(CalendarSystem.Iso);
        }
    }

    /// <summary>The period's name: <c>2026-11-23</c>, <c>2026-11-21</c> (week start) or <c>2026-11</c> / <c>1405-09</c>.</summary>
    public string Label(LocalDate start, Granularity granularity)
    {
        if (granularity != Granularity.Month)
        {
            return start.ToString("yyyy-MM-dd", null);
        }

        var date = Jalali ? start.WithCalendar(CalendarSystem.PersianAstronomical) : start;
        return $"{date.Year:D4}-{date.Month:D2}";
    }
}

/// <summary>How many cases a local day (and hour) has under a key; the SQL aggregates reports start from.</summary>
public sealed record DayCount(LocalDate Day, string Key, int Count);

public sealed record HourCount(LocalDate Day, int Hour, int Count);

/// <summary>Resolved cases of one agent as counts and sums: handling time (business seconds) and CSAT ratings.</summary>
public sealed record AgentTotals(Guid? AgentId, int Closed, int HandlingCount, double HandlingSeconds, int CsatAnswers, double CsatSum);

/// <summary>SLA instances of a group in one state.</summary>
public sealed record StateCount(string Key, SlaState State, int Count);

/// <summary>One bucket of a histogram of durations: how many values, and the smallest and largest.</summary>
public sealed record HistogramBucket(long Count, long Min, long Max);

public sealed record VolumeRow(LocalDate PeriodStart, string Period, string Key, int Count);

/// <summary>An agent's resolved cases beside their handling time and CSAT (the average rating of those cases' answered surveys, and how many).</summary>
public sealed record AgentClosedRow(Guid? AgentId, int Closed, Duration? AverageHandling, double? AverageCsat, int CsatAnswers = 0);

/// <summary>CSAT over a set of answers: how many, and their average rating (1–5, two decimals); null when none.</summary>
public sealed record CsatScore(int Answers, double? Average);

/// <summary>Average and median of a set of durations; both null when the set is empty.</summary>
public sealed record DurationStats(int Count, Duration? Average, Duration? Median);

public sealed record ResponseTimes(DurationStats FirstResponseBusiness, DurationStats FirstResponseCalendar, DurationStats ResolutionBusiness, DurationStats ResolutionCalendar);

public enum SlaGrouping
{
    Metric = 1,
    Policy = 2,
    Team = 3,
    Agent = 4,
}

/// <summary>Met and breached instances of a group; compliance is met ÷ (met + breached), null when neither.</summary>
public sealed record ComplianceRow(string Key, int Met, int Breached, double? Compliance);

public sealed record BacklogBucket(string Key, int Count);

public sealed record RateResult(int Numerator, int Denominator, double? Rate);

/// <summary>A top category or product: its count in the period, in the previous period of the same length, and the change.</summary>
public sealed record TopRow(string Key, int Count, int PreviousCount, double? Change);

/// <summary>
/// The report metrics as pure functions over case and SLA facts: no I/O, no clock. Each takes the facts already
/// filtered to the report's population (period and filters) and answers one question.
/// </summary>
public static class ReportMetrics
{
    /// <summary>Enum values appear as the API writes them: <c>web</c>, <c>firstResponse</c>.</summary>
    public static string Camel(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);

    /// <summary>Cases created per period and per channel or category (the key is the channel as the API names it, or the category id; "none" for no category).</summary>
    public static IReadOnlyList<VolumeRow> Volume(IEnumerable<CaseFact> facts, Granularity granularity, VolumeDimension by, Bucketing bucketing) =>
        Volume(facts.Select(f => new DayCount(f.CreatedAt.InZone(bucketing.Zone).Date, VolumeKey(f.Channel, f.CategoryId, by), 1)), granularity, bucketing);

    /// <summary>The same from counts per local day and key (what SQL groups the roll-up into): days are summed into their periods.</summary>
    public static IReadOnlyList<VolumeRow> Volume(IEnumerable<DayCount> days, Granularity granularity, Bucketing bucketing) =>
        [.. days
            .GroupBy(d => (Start: bucketing.PeriodStart(d.Day, granularity), d.Key))
            .Select(g => new VolumeRow(g.Key.Start, bucketing.Label(g.Key.Start, granularity), g.Key.Key, g.Sum(d => d.Count)))
            .OrderBy(r => r.PeriodStart).ThenBy(r => r.Key, StringComparer.Ordinal)];

    /// <summary>A volume row's key: the channel as the API names it, or the category id ("none" for no category).</summary>
    public static string VolumeKey(CaseChannel channel, Guid? categoryId, VolumeDimension by) =>
        by == VolumeDimension.Channel ? Camel(channel.ToString()) : categoryId?.ToString() ?? "none";

    /// <summary>Arrivals by day of week (index 0 = Monday … 6 = Sunday, ISO order) and hour of day, in the zone's local time.</summary>
    public static int[,] ArrivalsHeatmap(IEnumerable<Instant> arrivals, DateTimeZone zone) =>
        ArrivalsHeatmap(arrivals.Select(at => at.InZone(zone)).Select(local => new HourCount(local.Date, local.Hour, 1)));

    /// <summary>The same from counts per local day and hour (what SQL groups the roll-up into).</summary>
    public static int[,] ArrivalsHeatmap(IEnumerable<HourCount> hours)
    {
        var grid = new int[7, 24];
        foreach (var h in hours)
        {
            grid[(int)h.Day.DayOfWeek - 1, h.Hour] += h.Count;
        }

        return grid;
    }

    /// <summary>Resolved cases per owner, with the average business resolution time (handling time) and CSAT where known.</summary>
    public static IReadOnlyList<AgentClosedRow> ClosedPerAgent(IEnumerable<CaseFact> resolved) =>
        ClosedPerAgent(resolved.Where(f => f.IsResolved)
            .GroupBy(f => f.OwnerId)
            .Select(g => new AgentTotals(
                g.Key,
                g.Count(),
                g.Count(f => f.ResolutionBusiness is not null),
                g.Sum(f => f.ResolutionBusiness?.TotalSeconds ?? 0),
                g.Count(f => f.Csat is not null),
                g.Sum(f => f.Csat ?? 0))));

    /// <summary>The same from per-agent counts and sums (what SQL groups the roll-up into).</summary>
    public static IReadOnlyList<AgentClosedRow> ClosedPerAgent(IEnumerable<AgentTotals> totals) =>
        [.. totals
            .Select(t => new AgentClosedRow(
                t.AgentId,
                t.Closed,
                FromSums(t.HandlingCount, t.HandlingSeconds, null).Average,
                Csat(t.CsatAnswers, t.CsatSum).Average,
                t.CsatAnswers))
            .OrderByDescending(r => r.Closed).ThenBy(r => r.AgentId)];

    /// <summary>CSAT of a set of ratings: their count and average, rounded to two decimals (half away from zero).</summary>
    public static CsatScore Csat(IEnumerable<double> ratings)
    {
        var list = ratings.ToList();
        return Csat(list.Count, list.Sum());
    }

    /// <summary>The same from the count and sum of the ratings.</summary>
    public static CsatScore Csat(int answers, double sum) =>
        new(answers, answers == 0 ? null : Math.Round(sum / answers, 2, MidpointRounding.AwayFromZero));

    public static ResponseTimes ResponseTimes(IReadOnlyCollection<CaseFact> facts) => new(
        Stats(facts.Select(f => f.FirstResponseBusiness)),
        Stats(facts.Select(f => f.FirstResponseCalendar)),
        Stats(facts.Select(f => f.ResolutionBusiness)),
        Stats(facts.Select(f => f.ResolutionCalendar)));

    /// <summary>Average and median of the non-null durations; the median of an even count is the mean of the middle two.</summary>
    public static DurationStats Stats(IEnumerable<Duration?> values)
    {
        var list = values.Where(v => v is not null).Select(v => v!.Value.ToInt64Nanoseconds()).Order().ToList();
        if (list.Count == 0)
        {
            return new DurationStats(0, null, null);
        }

        var mid = list.Count / 2;
        var median = list.Count % 2 == 1 ? list[mid] : (list[mid - 1] + (double)list[mid]) / 2;
        return new DurationStats(list.Count, Seconds(list.Average(v => (double)v)), Seconds(median));
    }

    /// <summary>
    /// Stats from what SQL can compute without loading the values: their count and sum (seconds), and the median already
    /// picked out by rank (seconds; see <see cref="MedianWindow"/>).
    /// </summary>
    public static DurationStats FromSums(long count, double sumSeconds, double? medianSeconds) =>
        count == 0
            ? new DurationStats(0, null, null)
            : new DurationStats((int)count, Seconds(sumSeconds / count * 1e9), medianSeconds is { } m ? Seconds(m * 1e9) : null);

    /// <summary>
    /// Where the median lies, from a histogram of the values (buckets in value order, each with its count and its smallest
    /// and largest value): the values between <c>Min</c> and <c>Max</c> inclusive, in order, skipping <c>Skip</c> and
    /// taking <c>Take</c> (1 for an odd count, the middle two for an even one). Null for no values.
    /// </summary>
    public static (long Min, long Max, int Skip, int Take)? MedianWindow(IReadOnlyList<HistogramBucket> buckets)
    {
        var count = buckets.Sum(b => b.Count);
        if (count == 0)
        {
            return null;
        }

        var first = count % 2 == 1 ? count / 2 : (count / 2) - 1;
        var last = count / 2;
        long before = 0;
        int? start = null;
        var skip = 0;
        for (var i = 0; i < buckets.Count; i++)
        {
            var b = buckets[i];
            if (start is null && first < before + b.Count)
            {
                start = i;
                skip = (int)(first - before);
            }

            if (last < before + b.Count)
            {
                return (buckets[start!.Value].Min, b.Max, skip, (int)(last - first) + 1);
            }

            before += b.Count;
        }

        throw new InvalidOperationException("The histogram's counts do not add up.");
    }

    /// <summary>The median of the values a <see cref="MedianWindow"/> picked (one, or the middle two).</summary>
    public static double Median(IReadOnlyList<long> window) => window.Count == 1 ? window[0] : (window[0] + (double)window[1]) / 2;

    /// <summary>Report durations are whole seconds, half a second rounded up.</summary>
    private static Duration Seconds(double nanoseconds) => Duration.FromSeconds(Math.Round(nanoseconds / 1e9, MidpointRounding.AwayFromZero));

    /// <summary>Messages back and forth per case (null for no cases).</summary>
    public static double? AverageExchanges(IReadOnlyCollection<CaseFact> facts) => facts.Count == 0 ? null : facts.Average(f => (double)f.Exchanges);

    /// <summary>Compliance per group: Succeeded counts as met, Breached (fulfilled later or not) as breached; running and cancelled instances are left out.</summary>
    public static IReadOnlyList<ComplianceRow> SlaCompliance(IEnumerable<SlaFact> instances, SlaGrouping by) =>
        SlaCompliance(instances.Select(i => new StateCount(by switch
        {
            SlaGrouping.Metric => Camel(i.Metric.ToString()),
            SlaGrouping.Policy => i.PolicyId.ToString(),
            SlaGrouping.Team => i.TeamId?.ToString() ?? "none",
            _ => i.OwnerId?.ToString() ?? "none",
        }, i.State, 1)));

    /// <summary>The same from counts per group key and state (what SQL groups the instances into).</summary>
    public static IReadOnlyList<ComplianceRow> SlaCompliance(IEnumerable<StateCount> counts) =>
        [.. counts
            .Where(c => c.State is SlaState.Succeeded or SlaState.Breached)
            .GroupBy(c => c.Key)
            .Select(g =>
            {
                var met = g.Where(c => c.State == SlaState.Succeeded).Sum(c => c.Count);
                var breached = g.Where(c => c.State == SlaState.Breached).Sum(c => c.Count);
                return new ComplianceRow(g.Key, met, breached, met + breached == 0 ? null : (double)met / (met + breached));
            })
            .OrderBy(r => r.Key, StringComparer.Ordinal)];

    /// <summary>The breached instances, most recent breach first.</summary>
    public static IReadOnlyList<SlaFact> Breaches(IEnumerable<SlaFact> instances) =>
        [.. instances.Where(i => i.State == SlaState.Breached).OrderByDescending(i => i.BreachedAt).ThenBy(i => i.CaseNumber, StringComparer.Ordinal)];

    /// <summary>The backlog age buckets, in calendar time since creation: under 1 day, 1–3 days, 3–7 days, 7–30 days, 30 days and more (lower bound inclusive).</summary>
    public static readonly IReadOnlyList<(string Key, Duration From)> BacklogBuckets =
    [
        ("<1d", Duration.Zero),
        ("1-3d", Duration.FromDays(1)),
        ("3-7d", Duration.FromDays(3)),
        ("7-30d", Duration.FromDays(7)),
        (">=30d", Duration.FromDays(30)),
    ];

    /// <summary>Unresolved cases by age at <paramref name="now"/>; every bucket is listed, empty ones with 0.</summary>
    public static IReadOnlyList<BacklogBucket> BacklogAge(IEnumerable<CaseFact> facts, Instant now)
    {
        var open = facts.Where(f => !f.IsResolved).ToList();
        return BacklogAge(open.Count, [.. BacklogBuckets.Skip(1).Select(b => open.Count(f => f.CreatedAt <= now - b.From))]);
    }

    /// <summary>
    /// The same from counts SQL can make on an index: all unresolved cases, and for each bucket after the first, how many
    /// are at least that old (created at or before now minus its lower bound).
    /// </summary>
    public static IReadOnlyList<BacklogBucket> BacklogAge(int total, IReadOnlyList<int> atLeast)
    {
        var cumulative = new[] { total }.Concat(atLeast).Append(0).ToArray();
        return [.. BacklogBuckets.Select((b, i) => new BacklogBucket(b.Key, cumulative[i] - cumulative[i + 1]))];
    }

    /// <summary>The index in <see cref="BacklogBuckets"/> of a case of age <paramref name="age"/>.</summary>
    public static int BucketOf(Duration age)
    {
        for (var i = BacklogBuckets.Count - 1; i > 0; i--)
        {
            if (age >= BacklogBuckets[i].From)
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>Of the cases resolved at least once (resolved now, or reopened), the share that was reopened.</summary>
    public static RateResult ReopenRate(IEnumerable<CaseFact> facts)
    {
        var everResolved = facts.Where(f => f.IsResolved || f.Reopens > 0).ToList();
        var reopened = everResolved.Count(f => f.Reopens > 0);
        return new RateResult(reopened, everResolved.Count, everResolved.Count == 0 ? null : (double)reopened / everResolved.Count);
    }

    /// <summary>
    /// The <paramref name="top"/> keys by count in the period, each with its count in the previous period and the change
    /// ((now − before) ÷ before; null when there was none before). Ties are broken by key.
    /// </summary>
    public static IReadOnlyList<TopRow> Top(IEnumerable<string?> current, IEnumerable<string?> previous, int top) =>
        Top(Counts(current), Counts(previous), top);

    private static Dictionary<string, int> Counts(IEnumerable<string?> keys) => keys.Where(k => k is not null).GroupBy(k => k!).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>The same from counts per key (null keys already left out).</summary>
    public static IReadOnlyList<TopRow> Top(IReadOnlyDictionary<string, int> current, IReadOnlyDictionary<string, int> before, int top)
    {
        return [.. current
            .Select(g => (Key: g.Key, Count: g.Value))
            .OrderByDescending(x => x.Count).ThenBy(x => x.Key, StringComparer.Ordinal)
            .Take(top)
            .Select(x =>
            {
                var p = before.GetValueOrDefault(x.Key);
                return new TopRow(x.Key, x.Count, p, p == 0 ? null : (double)(x.Count - p) / p);
            })];
    }
}
