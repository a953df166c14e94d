using NodaTime;
using static Pishkhan.Calendar.Tests.TestCalendars;

namespace Pishkhan.Calendar.Tests;

/// <summary>The vectors of issue 3, group by group; instants are UTC.</summary>
public class VectorTests
{
    // 1. UTC, Mon–Fri 09:00–17:00.
    private static readonly BusinessCalendar UtcOffice = Weekly("UTC", MondayToFriday, R("09:00", "17:00"));

    [Fact]
    public void Add_EndsExactlyAtClose_ReturnsClosingInstant() =>
        Assert.Equal(T("2016-01-22T17:00"), UtcOffice.Add(T("2016-01-22T09:00"), Duration.FromHours(8)));

    [Fact]
    public void Add_EndsExactlyAtCloseWithNextOpeningConvention_ReturnsNextOpening() =>
        Assert.Equal(T("2016-01-25T09:00"), UtcOffice.Add(T("2016-01-22T09:00"), Duration.FromHours(8), AddConvention.NextOpening));

    [Fact]
    public void Add_FromWeekend_StartsCountingAtNextOpening()
    {
        Assert.Equal(T("2016-01-25T11:00"), UtcOffice.Add(T("2016-01-23T13:14"), Duration.FromHours(2)));
        Assert.Equal(T("2016-01-26T13:00"), UtcOffice.Add(T("2016-01-23T13:14"), Duration.FromHours(12)));
    }

    [Fact]
    public void Subtract_AcrossWeekend_SkipsClosedDays() =>
        Assert.Equal(T("2016-01-22T11:14"), UtcOffice.Subtract(T("2016-01-25T11:14"), Duration.FromHours(8)));

    // 2. Europe/Berlin, Mon–Fri 09:00–17:00.
    [Fact]
    public void Add_WithinOneBerlinDay_CountsLocalHours()
    {
        var berlin = Weekly("Europe/Berlin", MondayToFriday, R("09:00", "17:00"));
        Assert.Equal(T("2013-03-21T10:30"), berlin.Add(T("2013-03-21T09:30"), Duration.FromMinutes(60)));
        Assert.Equal(T("2013-03-21T13:30"), berlin.Add(T("2013-03-21T09:30"), Duration.FromMinutes(240)));
    }

    // 3. Europe/Berlin, every day 08:00–17:00.
    [Fact]
    public void Add_BeforeOpening_StartsAtOpening()
    {
        var berlin = Weekly("Europe/Berlin", EveryDay, R("08:00", "17:00"));
        Assert.Equal(T("2013-10-21T08:00"), berlin.Add(T("2013-10-21T05:30"), Duration.FromMinutes(120)));
        Assert.Equal(T("2013-10-21T10:00"), berlin.Add(T("2013-10-21T05:30"), Duration.FromMinutes(240)));
    }

    [Fact]
    public void Add_OverHoliday_SkipsTheWholeLocalDate()
    {
        var berlin = BusinessCalendar.Create(Definition("Europe/Berlin", EveryDay, R("08:00", "17:00")) with
        {
            Holidays = [new Holiday("2015-09-22")],
        });
        Assert.Equal(T("2015-09-23T07:30"), berlin.Add(T("2015-09-21T14:30"), Duration.FromMinutes(120)));
    }

    // 4. Europe/Berlin, Mon–Fri 08:00–20:00, holiday 2016-11-01.
    [Fact]
    public void Add_StartingOnHoliday_CountsFromNextWorkingDay()
    {
        var berlin = BusinessCalendar.Create(Definition("Europe/Berlin", MondayToFriday, R("08:00", "20:00")) with
        {
            Holidays = [new Holiday("2016-11-01")],
        });
        Assert.Equal(T("2016-11-02T09:00:00"), berlin.Add(T("2016-11-01T13:56:21"), Duration.FromMinutes(120)));
        Assert.Equal(T("2016-11-03T15:00:00"), berlin.Add(T("2016-11-01T13:56:21"), Duration.FromMinutes(1200)));
    }

    // 5. UTC, different hours each weekday.
    private static readonly BusinessCalendar UtcVaried = BusinessCalendar.Create(new CalendarDefinition
    {
        Zone = "UTC",
        Weekly = new WeeklyHours
        {
            Monday = [R("09:00", "17:00")],
            Tuesday = [R("10:00", "16:00")],
            Wednesday = [R("09:00", "17:00")],
            Thursday = [R("10:00", "16:00")],
            Friday = [R("09:00", "17:00")],
            Saturday = [R("11:00", "14:30")],
        },
    });

    [Fact]
    public void Between_OverAWeek_SumsEachDaysHours() =>
        Assert.Equal(Duration.FromHours(39) + Duration.FromMinutes(30), UtcVaried.Between(T("2006-01-01T00:00"), T("2006-01-08T00:00")));

    [Fact]
    public void Between_AcrossTwoDays_CountsOnlyOpenParts() =>
        Assert.Equal(Duration.FromHours(7), UtcVaried.Between(T("2006-01-05T12:00"), T("2006-01-06T12:00")));

    [Fact]
    public void Add_SecondsBeforeClose_EndsAtClose() =>
        Assert.Equal(T("2006-01-04T16:00:00"), UtcVaried.Add(T("2006-01-04T15:58:30"), Duration.FromSeconds(90)));

    [Fact]
    public void Subtract_FromClosingInstant_CountsBackIntoTheDay() =>
        Assert.Equal(T("2006-01-04T14:00"), UtcVaried.Subtract(T("2006-01-04T17:00"), Duration.FromHours(3)));

    // 6. Africa/Abidjan, Sundays 11:00–12:00 only.
    private static readonly BusinessCalendar SundayHour = Weekly("Africa/Abidjan", [IsoDayOfWeek.Sunday], R("11:00", "12:00"));

    [Fact]
    public void Between_AWeekFromMidInterval_IsOneInterval() =>
        Assert.Equal(Duration.FromHours(1), SundayHour.Between(T("2006-01-01T11:30"), T("2006-01-08T11:30")));

    [Fact]
    public void Add_SparseCalendar_EndsAtCloseOfSecondInterval() =>
        Assert.Equal(T("2006-01-08T12:00"), SundayHour.Add(T("2006-01-01T00:00"), Duration.FromHours(2)));

    [Fact]
    public void Add_SparseCalendarWithNextOpeningConvention_LandsOnFollowingWeek() =>
        Assert.Equal(T("2006-01-15T11:00"), SundayHour.Add(T("2006-01-01T00:00"), Duration.FromHours(2), AddConvention.NextOpening));

    // 7. America/New_York.
    [Fact]
    public void Add_OverSpringForwardWeekend_CountsLocalHours()
    {
        var newYork = Weekly("America/New_York", MondayToFriday, R("09:00", "17:00"));
        Assert.Equal(T("2024-03-11T15:00"), newYork.Add(T("2024-03-08T20:00"), Duration.FromHours(4)));
    }

    [Fact]
    public void Between_IntervalSpanningSpringGap_IsRealElapsedTime()
    {
        var sundays = Weekly("America/New_York", [IsoDayOfWeek.Sunday], R("01:00", "03:00"));
        Assert.Equal(Duration.FromHours(1), sundays.Between(T("2024-03-10T00:00"), T("2024-03-11T00:00")));
    }

    [Fact]
    public void Between_IntervalSpanningFallOverlap_IsRealElapsedTime()
    {
        var sundays = Weekly("America/New_York", [IsoDayOfWeek.Sunday], R("01:00", "03:00"));
        Assert.Equal(Duration.FromHours(3), sundays.Between(T("2024-11-03T00:00"), T("2024-11-04T00:00")));
    }

    // 8. Asia/Tehran, Sat–Wed 08–12 and 13–17, Thu 08–13, Nowruz 2026-03-21 to 2026-03-24.
    private static readonly BusinessCalendar Tehran = BusinessCalendar.Create(
        TehranDefinition("2026-03-21", "2026-03-22", "2026-03-23", "2026-03-24"));

    [Fact]
    public void Add_OverNowruz_EndsAtLunchBreak() =>
        Assert.Equal(T("2026-03-25T08:30"), Tehran.Add(T("2026-03-19T12:00"), Duration.FromHours(4)));

    [Fact]
    public void Add_OverNowruzWithNextOpeningConvention_EndsAfterLunchBreak() =>
        Assert.Equal(T("2026-03-25T09:30"), Tehran.Add(T("2026-03-19T12:00"), Duration.FromHours(4), AddConvention.NextOpening));

    [Fact]
    public void Add_FromAfternoonOverThursdayAndNowruz_SkipsFridayAndHolidays() =>
        Assert.Equal(T("2026-03-25T10:30"), Tehran.Add(T("2026-03-18T14:00"), Duration.FromHours(10)));
}
