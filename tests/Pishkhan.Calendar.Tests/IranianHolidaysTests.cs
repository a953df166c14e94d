using NodaTime;
using static Pishkhan.Calendar.Tests.TestCalendars;

namespace Pishkhan.Calendar.Tests;

public class IranianHolidaysTests
{
    [Fact]
    public void All_CoversYears1403To1405InOrder()
    {
        var all = IranianHolidays.All;
        Assert.Equal(79, all.Count);
        Assert.All(all, h => Assert.InRange(h.JalaliDate.Year, IranianHolidays.FirstYear, IranianHolidays.LastYear));
        Assert.Equal(all.OrderBy(h => h.Date), all);
        Assert.All(all, h => Assert.Equal(h.Date, Jalali.ToGregorian(h.JalaliDate)));
    }

    [Fact]
    public void All_IncludesNowruzAndTheStatutoryLeapDay()
    {
        var dates = IranianHolidays.All.Select(h => h.Date).ToHashSet();
        Assert.Contains(new LocalDate(2026, 3, 21), dates);
        Assert.Contains(new LocalDate(2025, 3, 20), dates);
        Assert.Contains(new LocalDate(2026, 4, 14), dates);
        Assert.Contains(IranianHolidays.All, h => h.NameEn.StartsWith("Nowruz (Iranian New Year", StringComparison.Ordinal));
    }

    [Fact]
    public void TehranDefault_IsClosedOnNowruzAndOpenTheWeekAfter()
    {
        var calendar = BusinessCalendar.Create(IranianHolidays.TehranDefaultDefinition());

        // Saturday 1 Farvardin 1405, 10:00 Tehran time: a holiday.
        Assert.False(calendar.IsOpen(T("2026-03-21T06:30")));

        // Wednesday 2026-03-25, 10:00 Tehran time: an ordinary working morning.
        Assert.True(calendar.IsOpen(T("2026-03-25T06:30")));

        // Lunch 12:00–13:00 and Friday are closed; Thursday closes at 13:00.
        Assert.False(calendar.IsOpen(T("2026-03-25T08:45")));
        Assert.False(calendar.IsOpen(T("2026-03-27T06:30")));
        Assert.Equal(T("2026-03-26T09:30"), calendar.NextClose(T("2026-03-26T06:30")));
    }

    [Fact]
    public void TehranDefault_BusinessTimeOf1404_IsTheWorkingDaysLessHolidays()
    {
        var calendar = BusinessCalendar.Create(IranianHolidays.TehranDefaultDefinition());
        var tehran = DateTimeZoneProviders.Tzdb["Asia/Tehran"];
        var year = Jalali.Year(1404);
        var holidays = IranianHolidays.All.Select(h => h.Date).ToHashSet();
        var expected = Duration.Zero;
        foreach (var date in year)
        {
            if (holidays.Contains(date))
            {
                continue;
            }

            expected += date.DayOfWeek switch
            {
                IsoDayOfWeek.Friday => Duration.Zero,
                IsoDayOfWeek.Thursday => Duration.FromHours(5),
                _ => Duration.FromHours(8),
            };
        }

        var start = tehran.AtStartOfDay(year.Start).ToInstant();
        var end = tehran.AtStartOfDay(year.End.PlusDays(1)).ToInstant();
        Assert.Equal(expected, calendar.Between(start, end));
    }
}
