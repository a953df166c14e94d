using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Reports;
using Pishkhan.Features.Sla;

namespace Pishkhan.Tests.Reports;

/// <summary>Each report metric on a small fixture whose answer is worked out by hand in the comments.</summary>
public sealed class ReportMetricsTests
{
    private static readonly Guid Open = Guid.NewGuid();
    private static readonly Guid Waiting = Guid.NewGuid();
    private static readonly Guid Resolved = Guid.NewGuid();
    private static readonly Guid AgentA = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid AgentB = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly DateTimeZone Tehran = DateTimeZoneProviders.Tzdb["Asia/Tehran"];

    private static Instant Utc(int y, int mo, int d, int h, int mi = 0) => Instant.FromUtc(y, mo, d, h, mi);

    private static CaseFact Fact(
        Instant created,
        CaseChannel channel = CaseChannel.Web,
        StatusCategory status = StatusCategory.Open,
        Guid? owner = null,
        Duration? resolution = null,
        Duration? firstResponse = null,
        Instant? firstResponseAt = null,
        Instant? resolvedAt = null,
        int exchanges = 0,
        int reopens = 0,
        double? csat = null,
        Guid? category = null) =>
        new(Guid.NewGuid(), created, channel, category, null, Priority.Medium, null, owner, null, null, status, firstResponseAt, resolvedAt, firstResponse, resolution, exchanges, reopens, csat);

    // Mon–Fri 09:00–17:00 UTC; Tuesday 3 June 2025 is a holiday.
    private static readonly BusinessCalendar WeekdaysWithHoliday = BusinessCalendar.Create(new CalendarDefinition
    {
        Zone = "UTC",
        Weekly = new WeeklyHours().With([IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday], new TimeRange("09:00", "17:00")),
        Holidays = [Holiday.OnGregorian(new LocalDate(2025, 6, 3), "test holiday")],
    });

    [Fact]
    public void CaseClock_AcrossAHolidayAndAPause_CountsOnlyOpenUnpausedHours()
    {
        // Created Monday 16:00; first reply Wednesday 10:00 → Mon 16–17 (1 h) + Tue holiday (0) + Wed 09–10 (1 h) = 2 h.
        // Waiting (a pause) Wed 10:00 → Thu 11:00, resolved Thu 12:00 → resolution 1 + 1 + Thu 11–12 (1 h) = 3 h.
        var created = Utc(2025, 6, 2, 16);
        var history = new SlaHistory(
            created,
            [
                new SlaStatusChange(created, Open, false),
                new SlaStatusChange(Utc(2025, 6, 4, 10), Waiting, false),
                new SlaStatusChange(Utc(2025, 6, 5, 11), Open, false),
                new SlaStatusChange(Utc(2025, 6, 5, 12), Resolved, true),
            ],
            [Utc(2025, 6, 4, 10)],
            []);

        var d = CaseClock.Measure(history, WeekdaysWithHoliday, new HashSet<Guid> { Waiting }, Utc(2025, 6, 10, 0));

        Assert.Equal(Duration.FromHours(2), d.FirstResponse);
        Assert.Equal(Duration.FromHours(3), d.Resolution);
        Assert.Equal(0, d.Reopens);
    }

    [Fact]
    public void CaseClock_Reopened_ResolutionResumesAndReopenIsCounted()
    {
        // As above without the pause, then reopened Thu 13:00 and resolved again 14:30:
        // Mon 1 h + Wed 09–17 (8 h) + Thu 09–12 (3 h) + Thu 13:00–14:30 (1.5 h) = 13.5 h.
        var created = Utc(2025, 6, 2, 16);
        var history = new SlaHistory(
            created,
            [
                new SlaStatusChange(created, Open, false),
                new SlaStatusChange(Utc(2025, 6, 5, 12), Resolved, true),
                new SlaStatusChange(Utc(2025, 6, 5, 13), Open, false),
                new SlaStatusChange(Utc(2025, 6, 5, 14, 30), Resolved, true),
            ],
            [],
            []);

        var d = CaseClock.Measure(history, WeekdaysWithHoliday, new HashSet<Guid> { Waiting }, Utc(2025, 6, 10, 0));

        Assert.Null(d.FirstResponse);
        Assert.Equal(Duration.FromMinutes(13 * 60 + 30), d.Resolution);
        Assert.Equal(1, d.Reopens);
    }

    [Fact]
    public void CaseClock_StillOpen_HasNoResolutionYet()
    {
        var created = Utc(2025, 6, 2, 16);
        var history = new SlaHistory(created, [new SlaStatusChange(created, Open, false)], [], []);

        var d = CaseClock.Measure(history, WeekdaysWithHoliday, new HashSet<Guid>(), Utc(2025, 6, 10, 0));

        Assert.Null(d.Resolution);
        Assert.Null(d.FirstResponse);
    }

    [Fact]
    public void Volume_PerDayByChannel_InTheOrganisationsZone()
    {
        // 23:30 UTC on Monday is 03:00 on Tuesday in Tehran (UTC+03:30).
        var facts = new[]
        {
            Fact(Utc(2026, 11, 23, 10), CaseChannel.Web),
            Fact(Utc(2026, 11, 23, 23, 30), CaseChannel.Email),
            Fact(Utc(2026, 11, 24, 10), CaseChannel.Web),
        };

        var utc = ReportMetrics.Volume(facts, Granularity.Day, VolumeDimension.Channel, new Bucketing(DateTimeZone.Utc));
        var tehran = ReportMetrics.Volume(facts, Granularity.Day, VolumeDimension.Channel, new Bucketing(Tehran));

        Assert.Equal(["2026-11-23 email 1", "2026-11-23 web 1", "2026-11-24 web 1"], utc.Select(r => $"{r.Period} {r.Key} {r.Count}"));
        Assert.Equal(["2026-11-23 web 1", "2026-11-24 email 1", "2026-11-24 web 1"], tehran.Select(r => $"{r.Period} {r.Key} {r.Count}"));
    }

    [Fact]
    public void Volume_PerMonth_JalaliMonthsSplitWhereGregorianDoesNot()
    {
        // 30 Aban 1405 = 21 Nov 2026, 1 Azar 1405 = 22 Nov 2026.
        var category = Guid.NewGuid();
        var facts = new[] { Fact(Utc(2026, 11, 21, 10), category: category), Fact(Utc(2026, 11, 22, 10), category: category), Fact(Utc(2026, 11, 22, 11)) };

        var gregorian = ReportMetrics.Volume(facts, Granularity.Month, VolumeDimension.Category, new Bucketing(Tehran));
        var jalali = ReportMetrics.Volume(facts, Granularity.Month, VolumeDimension.Category, new Bucketing(Tehran, Jalali: true));

        Assert.Equal([$"2026-11 {category} 2", "2026-11 none 1"], gregorian.Select(r => $"{r.Period} {r.Key} {r.Count}"));
        Assert.Equal([$"1405-08 {category} 1", $"1405-09 {category} 1", "1405-09 none 1"], jalali.Select(r => $"{r.Period} {r.Key} {r.Count}"));
        Assert.Equal(new LocalDate(2026, 11, 22), jalali[1].PeriodStart);
    }

    [Fact]
    public void Volume_PerWeek_StartsOnTheConfiguredDay()
    {
        // Fri 20, Sat 21 and Mon 23 Nov 2026: Saturday-weeks of 14 and 21 Nov (1 + 2); Monday-weeks of 16 and 23 Nov (2 + 1).
        var facts = new[] { Fact(Utc(2026, 11, 20, 10)), Fact(Utc(2026, 11, 21, 10)), Fact(Utc(2026, 11, 23, 10)) };

        var saturday = ReportMetrics.Volume(facts, Granularity.Week, VolumeDimension.Channel, new Bucketing(DateTimeZone.Utc));
        var monday = ReportMetrics.Volume(facts, Granularity.Week, VolumeDimension.Channel, new Bucketing(DateTimeZone.Utc, IsoDayOfWeek.Monday));

        Assert.Equal(["2026-11-14 1", "2026-11-21 2"], saturday.Select(r => $"{r.Period} {r.Count}"));
        Assert.Equal(["2026-11-16 2", "2026-11-23 1"], monday.Select(r => $"{r.Period} {r.Count}"));
    }

    [Fact]
    public void Heatmap_CountsByLocalDayOfWeekAndHour()
    {
        // Monday 23 Nov 2026 06:30 UTC = 10:00 Tehran; 21:00 UTC = 00:30 Tuesday Tehran.
        var grid = ReportMetrics.ArrivalsHeatmap([Utc(2026, 11, 23, 6, 30), Utc(2026, 11, 23, 6, 45), Utc(2026, 11, 23, 21)], Tehran);

        Assert.Equal(2, grid[0, 10]);
        Assert.Equal(1, grid[1, 0]);
        Assert.Equal(3, grid.Cast<int>().Sum());
    }

    [Fact]
    public void ClosedPerAgent_CountsResolvedWithAverageHandlingAndCsat()
    {
        var t = Utc(2026, 11, 1, 8);
        var facts = new[]
        {
            Fact(t, status: StatusCategory.Resolved, owner: AgentA, resolution: Duration.FromHours(1)),
            Fact(t, status: StatusCategory.Closed, owner: AgentA, resolution: Duration.FromHours(2)),
            Fact(t, status: StatusCategory.Open, owner: AgentA),
            Fact(t, status: StatusCategory.Resolved, owner: AgentB, resolution: Duration.FromHours(3), csat: 4),
        };

        var rows = ReportMetrics.ClosedPerAgent(facts);

        Assert.Equal(2, rows.Count);
        Assert.Equal(new AgentClosedRow(AgentA, 2, Duration.FromMinutes(90), null, 0), rows[0]);
        Assert.Equal(new AgentClosedRow(AgentB, 1, Duration.FromHours(3), 4.0, 1), rows[1]);
    }

    [Fact]
    public void ClosedPerAgent_CsatIsTheAverageOfTheAnsweredSurveysOnly()
    {
        var t = Utc(2026, 11, 1, 8);
        var facts = new[]
        {
            // Agent A: 4 resolved, 3 answered (5, 4, 2): CSAT 11 / 3 = 3.67; the unanswered one is not a zero.
            Fact(t, status: StatusCategory.Resolved, owner: AgentA, resolution: Duration.FromHours(1), csat: 5),
            Fact(t, status: StatusCategory.Resolved, owner: AgentA, resolution: Duration.FromHours(1), csat: 4),
            Fact(t, status: StatusCategory.Closed, owner: AgentA, resolution: Duration.FromHours(1), csat: 2),
            Fact(t, status: StatusCategory.Resolved, owner: AgentA, resolution: Duration.FromHours(1)),
            // An answer on a case reopened since is not counted: the case is not resolved.
            Fact(t, status: StatusCategory.Open, owner: AgentA, csat: 1),
            // Agent B: 1 resolved, rated 1.
            Fact(t, status: StatusCategory.Resolved, owner: AgentB, resolution: Duration.FromHours(2), csat: 1),
        };

        var rows = ReportMetrics.ClosedPerAgent(facts);

        Assert.Equal(new AgentClosedRow(AgentA, 4, Duration.FromHours(1), 3.67, 3), rows[0]);
        Assert.Equal(new AgentClosedRow(AgentB, 1, Duration.FromHours(2), 1.0, 1), rows[1]);
    }

    [Fact]
    public void Csat_AveragesTheRatings_RoundedToTwoDecimals_AndIsEmptyWithoutAnswers()
    {
        Assert.Equal(new CsatScore(0, null), ReportMetrics.Csat([]));
        Assert.Equal(new CsatScore(3, 4.33), ReportMetrics.Csat([5, 4, 4])); // 13 / 3 = 4.333…
        Assert.Equal(new CsatScore(2, 4.5), ReportMetrics.Csat([5, 4]));
        Assert.Equal(new CsatScore(4, 2.75), ReportMetrics.Csat([1, 2, 3, 5]));
    }

    [Fact]
    public void Stats_EvenCount_MedianIsTheMeanOfTheMiddleTwo()
    {
        var stats = ReportMetrics.Stats([Duration.FromHours(1), Duration.FromHours(10), null, Duration.FromHours(2), Duration.FromHours(4)]);

        Assert.Equal(4, stats.Count);
        Assert.Equal(Duration.FromMinutes(255), stats.Average); // 17 h / 4
        Assert.Equal(Duration.FromHours(3), stats.Median);
    }

    [Fact]
    public void Stats_OddCount_AverageRoundsToTheSecond()
    {
        var stats = ReportMetrics.Stats([Duration.FromSeconds(1), Duration.FromSeconds(2), Duration.FromSeconds(4)]);

        Assert.Equal(Duration.FromSeconds(2), stats.Average); // 7/3 s = 2.33 s
        Assert.Equal(Duration.FromSeconds(2), stats.Median);
        Assert.Equal(new DurationStats(0, null, null), ReportMetrics.Stats([]));
    }

    [Fact]
    public void ResponseTimes_BusinessAndCalendarSideBySide()
    {
        // Case 1: replied after 2 business h / 42 calendar h, resolved after 3 / 68. Case 2: replied after 4 / 6 h, open.
        var c1 = Utc(2025, 6, 2, 16);
        var c2 = Utc(2025, 6, 4, 9);
        var facts = new[]
        {
            Fact(c1, status: StatusCategory.Resolved, firstResponse: Duration.FromHours(2), firstResponseAt: c1 + Duration.FromHours(42), resolution: Duration.FromHours(3), resolvedAt: c1 + Duration.FromHours(68)),
            Fact(c2, firstResponse: Duration.FromHours(4), firstResponseAt: c2 + Duration.FromHours(6)),
        };

        var times = ReportMetrics.ResponseTimes(facts);

        Assert.Equal(new DurationStats(2, Duration.FromHours(3), Duration.FromHours(3)), times.FirstResponseBusiness);
        Assert.Equal(new DurationStats(2, Duration.FromHours(24), Duration.FromHours(24)), times.FirstResponseCalendar);
        Assert.Equal(new DurationStats(1, Duration.FromHours(3), Duration.FromHours(3)), times.ResolutionBusiness);
        Assert.Equal(new DurationStats(1, Duration.FromHours(68), Duration.FromHours(68)), times.ResolutionCalendar);
    }

    [Fact]
    public void AverageExchanges_IsTheMeanOverCases()
    {
        var t = Utc(2026, 11, 1, 8);
        Assert.Equal(4.0, ReportMetrics.AverageExchanges([Fact(t, exchanges: 2), Fact(t, exchanges: 3), Fact(t, exchanges: 7)]));
        Assert.Null(ReportMetrics.AverageExchanges([]));
    }

    [Fact]
    public void SlaCompliance_MetOverMetPlusBreached_RunningAndCancelledLeftOut()
    {
        var policy = Guid.NewGuid();
        SlaFact I(SlaMetric m, SlaState s, Guid? owner, int breachDay = 1) =>
            new(Guid.NewGuid(), "1405-000001", m, policy, null, owner, s, null, s == SlaState.Breached ? Utc(2026, 11, breachDay, 8) : null, null);
        var facts = new[]
        {
            I(SlaMetric.FirstResponse, SlaState.Succeeded, AgentA),
            I(SlaMetric.FirstResponse, SlaState.Succeeded, AgentA),
            I(SlaMetric.FirstResponse, SlaState.Breached, AgentB, 2),
            I(SlaMetric.FirstResponse, SlaState.InProgress, AgentB),
            I(SlaMetric.Resolution, SlaState.Breached, AgentA, 5),
            I(SlaMetric.Resolution, SlaState.Cancelled, AgentA),
        };

        var byMetric = ReportMetrics.SlaCompliance(facts, SlaGrouping.Metric);
        var byAgent = ReportMetrics.SlaCompliance(facts, SlaGrouping.Agent);

        Assert.Equal([new ComplianceRow("firstResponse", 2, 1, 2.0 / 3), new ComplianceRow("resolution", 0, 1, 0)], byMetric);
        Assert.Equal([new ComplianceRow(AgentA.ToString(), 2, 1, 2.0 / 3), new ComplianceRow(AgentB.ToString(), 0, 1, 0)], byAgent);
        Assert.Equal([Utc(2026, 11, 5, 8), Utc(2026, 11, 2, 8)], ReportMetrics.Breaches(facts).Select(b => b.BreachedAt!.Value));
    }

    [Fact]
    public void BacklogAge_BucketsOpenCasesByAge_LowerBoundInclusive()
    {
        var now = Utc(2026, 11, 30, 12);
        var facts = new[]
        {
            Fact(now - Duration.FromHours(2)),
            Fact(now - Duration.FromDays(1)),
            Fact(now - Duration.FromDays(5)),
            Fact(now - Duration.FromDays(30)),
            Fact(now - Duration.FromDays(40), status: StatusCategory.Resolved),
        };

        var buckets = ReportMetrics.BacklogAge(facts, now);

        Assert.Equal(["<1d 1", "1-3d 1", "3-7d 1", "7-30d 0", ">=30d 1"], buckets.Select(b => $"{b.Key} {b.Count}"));
    }

    [Fact]
    public void ReopenRate_ReopenedOverEverResolved()
    {
        var t = Utc(2026, 11, 1, 8);
        var facts = new[]
        {
            Fact(t, status: StatusCategory.Resolved),
            Fact(t, status: StatusCategory.Closed, reopens: 1),
            Fact(t, status: StatusCategory.Open, reopens: 2), // reopened and still open
            Fact(t, status: StatusCategory.Open),             // never resolved: not counted
        };

        Assert.Equal(new RateResult(2, 3, 2.0 / 3), ReportMetrics.ReopenRate(facts));
        Assert.Equal(new RateResult(0, 0, null), ReportMetrics.ReopenRate([Fact(t)]));
    }

    [Fact]
    public void Top_WithTrendAgainstThePreviousPeriod()
    {
        var rows = ReportMetrics.Top(["a", "a", "a", "b", "b", "c", null], ["a", "a", "b", "b", "b", "b"], 2);

        Assert.Equal([new TopRow("a", 3, 2, 0.5), new TopRow("b", 2, 4, -0.5)], rows);
        Assert.Equal([new TopRow("c", 1, 0, null)], ReportMetrics.Top(["c"], [], 5));
    }

    [Fact]
    public void MedianWindow_FindsTheMiddleRanksAcrossBuckets()
    {
        // Values 1 2 | 5 9 | 12 (three buckets). Five values: the median is rank 2 (0-based), the first of bucket two.
        HistogramBucket[] odd = [new(2, 1, 2), new(2, 5, 9), new(1, 12, 12)];
        Assert.Equal((5L, 9L, 0, 1), ReportMetrics.MedianWindow(odd));

        // Add 3 to bucket one (1 2 3 | 5 9 | 12): six values, ranks 2 and 3 are 3 and 5, in two buckets.
        HistogramBucket[] even = [new(3, 1, 3), new(2, 5, 9), new(1, 12, 12)];
        Assert.Equal((1L, 9L, 2, 2), ReportMetrics.MedianWindow(even));
        Assert.Equal(4.0, ReportMetrics.Median([3, 5]));
        Assert.Null(ReportMetrics.MedianWindow([]));

        // Sums instead of values: 3 values summing to 7 s average 2.333 s → 2 s; a median of 2.5 s rounds up to 3 s.
        Assert.Equal(new DurationStats(3, Duration.FromSeconds(2), Duration.FromSeconds(3)), ReportMetrics.FromSums(3, 7, 2.5));
    }

    [Fact]
    public void AggregatedInputs_GiveTheSameAnswersAsFacts()
    {
        // Backlog from cumulative counts: 10 open, 6 at least a day old, 4 at least 3 days, 1 at least 7, 0 at least 30.
        Assert.Equal(["<1d 4", "1-3d 2", "3-7d 3", "7-30d 1", ">=30d 0"], ReportMetrics.BacklogAge(10, [6, 4, 1, 0]).Select(b => $"{b.Key} {b.Count}"));

        // Two local days of one week, counted per day: summed into the week starting Saturday 21 November 2026.
        var week = ReportMetrics.Volume([new DayCount(new LocalDate(2026, 11, 21), "web", 2), new DayCount(new LocalDate(2026, 11, 23), "web", 3)], Granularity.Week, new Bucketing(Tehran));
        Assert.Equal(new VolumeRow(new LocalDate(2026, 11, 21), "2026-11-21", "web", 5), week.Single());

        // Monday 23 November 2026 at 10 local: row 0 (Monday), column 10.
        var grid = ReportMetrics.ArrivalsHeatmap([new HourCount(new LocalDate(2026, 11, 23), 10, 4)]);
        Assert.Equal(4, grid[0, 10]);
    }
}
