using NodaTime;
using static Pishkhan.Calendar.Tests.TestCalendars;

namespace Pishkhan.Calendar.Tests;

/// <summary>The boundary, DST and reach rules written in the XML docs, one test per rule.</summary>
public class RuleTests
{
    private static readonly BusinessCalendar Office = Weekly("UTC", MondayToFriday, R("09:00", "17:00"));

    [Fact]
    public void IsOpen_AtOpeningInstant_IsTrue() => Assert.True(Office.IsOpen(T("2016-01-25T09:00")));

    [Fact]
    public void IsOpen_AtClosingInstant_IsFalse() => Assert.False(Office.IsOpen(T("2016-01-25T17:00")));

    [Fact]
    public void IsOpen_OneNanosecondBeforeClose_IsTrue() => Assert.True(Office.IsOpen(T("2016-01-25T17:00") - Duration.Epsilon));

    [Fact]
    public void Add_Zero_ReturnsStartEvenWhenClosed()
    {
        Assert.Equal(T("2016-01-23T13:14"), Office.Add(T("2016-01-23T13:14"), Duration.Zero));
        Assert.Equal(T("2016-01-23T13:14"), Office.Add(T("2016-01-23T13:14"), Duration.Zero, AddConvention.NextOpening));
    }

    [Fact]
    public void Add_NextOpeningConventionNotAtClose_ReturnsSameInstant() =>
        Assert.Equal(T("2016-01-22T16:00"), Office.Add(T("2016-01-22T09:00"), Duration.FromHours(7), AddConvention.NextOpening));

    [Fact]
    public void Add_KeepsNanosecondPrecision() =>
        Assert.Equal(T("2016-01-25T09:00") + Duration.FromNanoseconds(7), Office.Add(T("2016-01-22T17:00") - Duration.FromNanoseconds(5), Duration.FromNanoseconds(12)));

    [Fact]
    public void Add_NegativeDuration_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Office.Add(T("2016-01-22T09:00"), Duration.FromHours(-1)));

    [Fact]
    public void Subtract_EndingAtAnOpening_ReturnsTheOpeningNotThePreviousClose() =>
        Assert.Equal(T("2016-01-26T09:00"), Office.Subtract(T("2016-01-26T10:00"), Duration.FromHours(1)));

    [Fact]
    public void Subtract_Zero_ReturnsEnd() => Assert.Equal(T("2016-01-24T10:00"), Office.Subtract(T("2016-01-24T10:00"), Duration.Zero));

    [Fact]
    public void Between_EndBeforeStart_IsZero() => Assert.Equal(Duration.Zero, Office.Between(T("2016-01-26T12:00"), T("2016-01-25T12:00")));

    [Fact]
    public void NextOpen_WhenOpen_ReturnsTheInstant() => Assert.Equal(T("2016-01-25T10:00"), Office.NextOpen(T("2016-01-25T10:00")));

    [Fact]
    public void NextOpen_AtClose_ReturnsNextMorning() => Assert.Equal(T("2016-01-26T09:00"), Office.NextOpen(T("2016-01-25T17:00")));

    [Fact]
    public void NextClose_WhenClosed_ReturnsTheInstant() => Assert.Equal(T("2016-01-24T10:00"), Office.NextClose(T("2016-01-24T10:00")));

    [Fact]
    public void NextClose_AdjacentIntervals_FormOneInterval()
    {
        var calendar = Weekly("UTC", MondayToFriday, R("09:00", "12:00"), R("12:00", "17:00"));
        Assert.Equal(T("2016-01-25T17:00"), calendar.NextClose(T("2016-01-25T10:00")));
    }

    [Fact]
    public void Intervals_ClipsToTheRangeAndMergesAcrossMidnight()
    {
        var calendar = Weekly("UTC", EveryDay, R("00:00", "02:00"), R("22:00", "24:00"));
        var intervals = calendar.Intervals(T("2016-01-25T01:00"), T("2016-01-26T23:00"));
        Assert.Equal(
            [new Interval(T("2016-01-25T01:00"), T("2016-01-25T02:00")), new Interval(T("2016-01-25T22:00"), T("2016-01-26T02:00")), new Interval(T("2016-01-26T22:00"), T("2016-01-26T23:00"))],
            intervals);
    }

    [Fact]
    public void Overnight_IntervalBelongsToTheDayItStarts()
    {
        var nights = Weekly("UTC", [IsoDayOfWeek.Friday], new TimeRange("22:00", "06:00") { Overnight = true });
        Assert.True(nights.IsOpen(T("2016-01-23T05:59")));
        Assert.False(nights.IsOpen(T("2016-01-22T05:00")));
        Assert.Equal(Duration.FromHours(8), nights.Between(T("2016-01-18T00:00"), T("2016-01-25T00:00")));
    }

    [Fact]
    public void Holiday_DoesNotCancelTheOvernightShiftOfThePreviousDay()
    {
        var nights = BusinessCalendar.Create(Definition("UTC", EveryDay, new TimeRange("22:00", "06:00") { Overnight = true }) with
        {
            Holidays = [new Holiday("2016-01-23")],
        });
        Assert.True(nights.IsOpen(T("2016-01-23T03:00")));
        Assert.False(nights.IsOpen(T("2016-01-23T23:00")));
    }

    [Fact]
    public void Override_BeatsHolidayAndWeekday()
    {
        var calendar = BusinessCalendar.Create(Definition("UTC", MondayToFriday, R("09:00", "17:00")) with
        {
            Holidays = [new Holiday("2016-01-25")],
            Overrides = [new DateOverride("2016-01-25", [R("09:00", "12:00")]), new DateOverride("2016-01-23", [R("10:00", "11:00")])],
        });
        Assert.Equal(Duration.FromHours(3), calendar.Between(T("2016-01-25T00:00"), T("2016-01-26T00:00")));
        Assert.Equal(Duration.FromHours(1), calendar.Between(T("2016-01-23T00:00"), T("2016-01-24T00:00")));
    }

    [Fact]
    public void Break_RemovesItsRangeOnItsDateOnly()
    {
        var calendar = BusinessCalendar.Create(Definition("UTC", MondayToFriday, R("09:00", "17:00")) with
        {
            Breaks = [new BreakPeriod("2016-01-25", "12:00", "13:30")],
        });
        Assert.False(calendar.IsOpen(T("2016-01-25T12:30")));
        Assert.True(calendar.IsOpen(T("2016-01-26T12:30")));
        Assert.Equal(T("2016-01-25T14:30"), calendar.Add(T("2016-01-25T11:00"), Duration.FromHours(2)));
    }

    [Fact]
    public void Season_TakesOverFromItsEffectiveDate()
    {
        var calendar = BusinessCalendar.Create(Definition("Asia/Tehran", SaturdayToWednesday, R("08:00", "14:00")) with
        {
            Seasons = [new SeasonalHours("1404-02-31", new WeeklyHours().With(SaturdayToWednesday, R("06:00", "13:00"))) { Calendar = DateCalendar.Jalali }],
        });

        // 1404-02-31 is Wednesday 2025-05-21. Tehran is UTC+03:30.
        Assert.False(calendar.IsOpen(T("2025-05-20T03:00")));
        Assert.True(calendar.IsOpen(T("2025-05-21T03:00")));
        Assert.Equal(Duration.FromHours(6), calendar.Between(T("2025-05-20T00:00"), T("2025-05-21T00:00")));
        Assert.Equal(Duration.FromHours(7), calendar.Between(T("2025-05-21T00:00"), T("2025-05-22T00:00")));
    }

    [Fact]
    public void RecurringJalaliHoliday_ClosesNowruzEveryYear()
    {
        var calendar = BusinessCalendar.Create(Definition("Asia/Tehran", EveryDay, R("08:00", "16:00")) with
        {
            RecurringHolidays = [new RecurringHoliday(1, 1) { Calendar = DateCalendar.Jalali }, new RecurringHoliday(12, 30) { Calendar = DateCalendar.Jalali }],
        });
        Assert.False(calendar.IsOpen(T("2024-03-20T06:00")));
        Assert.False(calendar.IsOpen(T("2025-03-21T06:00")));
        Assert.False(calendar.IsOpen(T("2026-03-21T06:00")));

        // Esfand 30 exists in 1403 only.
        Assert.False(calendar.IsOpen(T("2025-03-20T06:00")));
        Assert.True(calendar.IsOpen(T("2026-03-20T06:00")));
    }

    [Fact]
    public void RecurringGregorianHoliday_ClosesTheDateEveryYear()
    {
        var calendar = BusinessCalendar.Create(Definition("Europe/Berlin", EveryDay, R("08:00", "16:00")) with
        {
            RecurringHolidays = [new RecurringHoliday(12, 25)],
        });
        Assert.False(calendar.IsOpen(T("2030-12-25T10:00")));
        Assert.True(calendar.IsOpen(T("2030-12-24T10:00")));
    }

    [Fact]
    public void Dst_LocalTimeInGap_MovesForwardByTheGap()
    {
        // New York 2024-03-10: clocks jump from 02:00 to 03:00. An opening at 02:30 becomes 03:30 EDT (07:30Z).
        var calendar = Weekly("America/New_York", [IsoDayOfWeek.Sunday], R("02:30", "05:00"));
        Assert.Equal(T("2024-03-10T07:30"), calendar.NextOpen(T("2024-03-10T00:00")));
        Assert.Equal(Duration.FromMinutes(90), calendar.Between(T("2024-03-10T00:00"), T("2024-03-11T00:00")));
    }

    [Fact]
    public void Dst_LocalTimeInOverlap_TakesTheEarlierOffset()
    {
        // New York 2024-11-03: 01:00–02:00 happens twice. 01:30 is the first one, 05:30Z (EDT).
        var calendar = Weekly("America/New_York", [IsoDayOfWeek.Sunday], R("01:30", "04:00"));
        Assert.Equal(T("2024-11-03T05:30"), calendar.NextOpen(T("2024-11-03T00:00")));
        Assert.Equal(Duration.FromMinutes(210), calendar.Between(T("2024-11-03T00:00"), T("2024-11-04T00:00")));
    }

    [Fact]
    public void Dst_IntervalInsideGap_IsDropped()
    {
        var calendar = Weekly("America/New_York", [IsoDayOfWeek.Sunday], R("02:10", "02:50"), R("09:00", "10:00"));
        Assert.Equal(Duration.FromHours(1), calendar.Between(T("2024-03-10T00:00"), T("2024-03-11T00:00")));
        Assert.Equal(Duration.FromMinutes(100), calendar.Between(T("2024-03-17T00:00"), T("2024-03-18T00:00")));
    }

    [Fact]
    public void Dst_LordHoweHalfHourShift_CountsRealTime()
    {
        // Lord Howe moves from +11 to +10:30 on 2024-04-07 at 02:00 local; 01:00–03:00 lasts 2.5 real hours.
        var calendar = Weekly("Australia/Lord_Howe", [IsoDayOfWeek.Sunday], R("01:00", "03:00"));
        Assert.Equal(Duration.FromMinutes(150), calendar.Between(T("2024-04-06T00:00"), T("2024-04-08T00:00")));
    }

    [Fact]
    public void Add_NoWorkingTimeInReach_FailsInsteadOfLooping()
    {
        var closed = BusinessCalendar.Create(new CalendarDefinition { Zone = "UTC" });
        var error = Assert.Throws<CalendarHorizonException>(() => closed.Add(T("2026-01-01T00:00"), Duration.FromHours(1)));
        Assert.Contains("No working time", error.Message, StringComparison.Ordinal);
        Assert.Throws<CalendarHorizonException>(() => closed.Subtract(T("2026-01-01T00:00"), Duration.FromHours(1)));
        Assert.Throws<CalendarHorizonException>(() => closed.NextOpen(T("2026-01-01T00:00")));
        Assert.Equal(Duration.Zero, closed.Between(T("2026-01-01T00:00"), T("2027-01-01T00:00")));
    }

    [Fact]
    public void Add_OnlyOverridesInThePast_FailsForLaterStarts()
    {
        var once = BusinessCalendar.Create(new CalendarDefinition { Zone = "UTC", Overrides = [new DateOverride("2026-05-05", [R("09:00", "10:00")])] });
        Assert.Equal(T("2026-05-05T09:30"), once.Add(T("2026-01-01T00:00"), Duration.FromMinutes(30)));
        Assert.Throws<CalendarHorizonException>(() => once.Add(T("2026-06-01T00:00"), Duration.FromMinutes(30)));
    }

    [Fact]
    public void Add_FarApartWorkingDaysWithinHorizon_AreFound()
    {
        var rare = BusinessCalendar.Create(new CalendarDefinition
        {
            Zone = "UTC",
            Overrides = [new DateOverride("2026-05-05", [R("09:00", "10:00")]), new DateOverride("2033-05-05", [R("09:00", "10:00")])],
        });
        Assert.Equal(T("2033-05-05T09:30"), rare.Add(T("2026-01-01T00:00"), Duration.FromMinutes(90)));
    }

    [Fact]
    public void NextClose_OpenAroundTheClock_Fails()
    {
        var always = Weekly("UTC", EveryDay, R("00:00", "24:00"));
        Assert.Throws<CalendarHorizonException>(() => always.NextClose(T("2026-01-01T00:00")));
        Assert.Equal(T("2026-01-02T00:00"), always.Add(T("2026-01-01T00:00"), Duration.FromDays(1)));
    }

    [Fact]
    public void Add_TenThousandHours_CrossesYearsExactly()
    {
        var always = Weekly("UTC", EveryDay, R("00:00", "24:00"));
        Assert.Equal(T("2026-01-01T00:00") + Duration.FromHours(10_000), always.Add(T("2026-01-01T00:00"), Duration.FromHours(10_000)));
        Assert.Equal(T("2026-01-01T00:00"), always.Subtract(T("2026-01-01T00:00") + Duration.FromHours(10_000), Duration.FromHours(10_000)));
    }

    [Fact]
    public void Instant_OutsideSupportedRange_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Office.IsOpen(Instant.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => Office.IsOpen(BusinessCalendar.MinSupportedInstant - Duration.Epsilon));
        Assert.False(Office.IsOpen(BusinessCalendar.MinSupportedInstant));
    }

    [Fact]
    public void Queries_FromManyThreads_AgreeWithSingleThreadedAnswers()
    {
        var shared = BusinessCalendar.Create(IranianHolidays.TehranDefaultDefinition());
        var fresh = BusinessCalendar.Create(IranianHolidays.TehranDefaultDefinition());
        var starts = Enumerable.Range(0, 2000).Select(i => T("2022-01-01T00:00") + Duration.FromMinutes(i * 1733L)).ToArray();
        var parallel = new Instant[starts.Length];
        Parallel.For(0, starts.Length, i => parallel[i] = shared.Add(starts[i], Duration.FromHours(i % 300)));
        Assert.Equal(starts.Select((s, i) => fresh.Add(s, Duration.FromHours(i % 300))), parallel);
    }
}
