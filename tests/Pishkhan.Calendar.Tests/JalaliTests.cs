using NodaTime;

namespace Pishkhan.Calendar.Tests;

public class JalaliTests
{
    [Fact]
    public void ToGregorian_Nowruz1405_IsMarch21st2026() => Assert.Equal(new LocalDate(2026, 3, 21), Jalali.ToGregorian(1405, 1, 1));

    [Fact]
    public void ToGregorian_LeapDay1403_ExistsAndIsMarch20th2025()
    {
        Assert.True(Jalali.IsLeapYear(1403));
        Assert.Equal(new LocalDate(2025, 3, 20), Jalali.ToGregorian(1403, 12, 30));
    }

    [Fact]
    public void Date_Esfand30InCommonYear_DoesNotExist()
    {
        Assert.False(Jalali.IsLeapYear(1404));
        Assert.Throws<ArgumentOutOfRangeException>(() => Jalali.Date(1404, 12, 30));
        Assert.False(Jalali.TryParse("1404-12-30", out _));
    }

    [Fact]
    public void FromGregorian_RoundTripsOverTenYears()
    {
        for (var date = new LocalDate(2020, 1, 1); date < new LocalDate(2030, 1, 1); date = date.PlusDays(1))
        {
            var jalali = Jalali.FromGregorian(date);
            Assert.Equal(date, Jalali.ToGregorian(jalali.Year, jalali.Month, jalali.Day));
        }
    }

    [Fact]
    public void Format_UsesPersianDigitsAndMonthNames()
    {
        Assert.Equal("۱ فروردین ۱۴۰۵", Jalali.Format(new LocalDate(2026, 3, 21)));
        Assert.Equal("۱۴۰۵/۰۱/۰۱", Jalali.FormatNumeric(new LocalDate(2026, 3, 21)));
        Assert.Equal("شنبه ۱ فروردین ۱۴۰۵", Jalali.FormatWithWeekday(new LocalDate(2026, 3, 21)));
        Assert.Equal("۳۰ اسفند ۱۴۰۳", Jalali.Format(new LocalDate(2025, 3, 20)));
    }

    [Fact]
    public void MonthName_CoversTheYear()
    {
        Assert.Equal("فروردین", Jalali.MonthName(1));
        Assert.Equal("مهر", Jalali.MonthName(7));
        Assert.Equal("اسفند", Jalali.MonthName(12));
        Assert.Equal("Esfand", Jalali.MonthNameLatin(12));
        Assert.Throws<ArgumentOutOfRangeException>(() => Jalali.MonthName(13));
    }

    [Fact]
    public void Month_BoundariesFollowMonthLengths()
    {
        Assert.Equal(new DateInterval(new LocalDate(2026, 3, 21), new LocalDate(2026, 4, 20)), Jalali.Month(1405, 1));
        Assert.Equal(31, Jalali.DaysInMonth(1405, 6));
        Assert.Equal(30, Jalali.DaysInMonth(1405, 7));
        Assert.Equal(30, Jalali.Month(1403, 12).Length);
        Assert.Equal(29, Jalali.Month(1404, 12).Length);
    }

    [Fact]
    public void Year_RunsFromNowruzToLastDayOfEsfand()
    {
        Assert.Equal(new DateInterval(new LocalDate(2024, 3, 20), new LocalDate(2025, 3, 20)), Jalali.Year(1403));
        Assert.Equal(365, Jalali.Year(1404).Length);
        Assert.Equal(Jalali.Year(1404).End.PlusDays(1), Jalali.Year(1405).Start);
    }

    [Fact]
    public void MonthInstants_InTehran_StartAtLocalMidnight()
    {
        var tehran = DateTimeZoneProviders.Tzdb["Asia/Tehran"];
        var month = Jalali.MonthInstants(1405, 1, tehran);
        Assert.Equal(Instant.FromUtc(2026, 3, 20, 20, 30), month.Start);
        Assert.Equal(Instant.FromUtc(2026, 4, 20, 20, 30), month.End);
    }

    [Fact]
    public void ToPersianDigits_ReplacesOnlyDigits() => Assert.Equal("ساعت ۰۸:۳۰", Jalali.ToPersianDigits("ساعت 08:30"));
}
