using Pishkhan.Calendar;
using Pishkhan.Features.Calendars;

namespace Pishkhan.Tests.Calendars;

public sealed class DateInputTests
{
    [Theory]
    [InlineData("1405/01/12", "1405-01-12", DateCalendar.Jalali)]
    [InlineData("۱۴۰۵/۰۱/۱۲", "1405-01-12", DateCalendar.Jalali)]
    [InlineData("١٤٠٥/١/١٢", "1405-01-12", DateCalendar.Jalali)]
    [InlineData(" 1405-1-2 ", "1405-01-02", DateCalendar.Jalali)]
    [InlineData("1404.12.30", "1404-12-30", DateCalendar.Jalali)]
    [InlineData("2026-04-01", "2026-04-01", DateCalendar.Gregorian)]
    [InlineData("2026/4/1", "2026-04-01", DateCalendar.Gregorian)]
    [InlineData("۲۰۲۶-۰۴-۰۱", "2026-04-01", DateCalendar.Gregorian)]
    public void TryNormalize_ReadsJalaliAndGregorianAsTyped(string text, string date, DateCalendar calendar)
    {
        Assert.True(DateInput.TryNormalize(text, out var actual, out var actualCalendar));
        Assert.Equal((date, calendar), (actual, actualCalendar));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1405")]
    [InlineData("1405/01")]
    [InlineData("tomorrow")]
    [InlineData("05/01/12")]
    [InlineData("1405/001/12")]
    [InlineData("1405/01/12/3")]
    [InlineData("-1405/01/12")]
    public void TryNormalize_RefusesWhatIsNotADate(string? text)
    {
        Assert.False(DateInput.TryNormalize(text, out _, out _));
    }

    [Theory]
    [InlineData("1405/01/01", 2026, 3, 21)]
    [InlineData("۱۴۰۵/۰۱/۱۲", 2026, 4, 1)]
    [InlineData("1403/12/30", 2025, 3, 20)]
    [InlineData("2024-02-29", 2024, 2, 29)]
    public void TryParse_GivesTheGregorianDate(string text, int year, int month, int day)
    {
        Assert.True(DateInput.TryParse(text, out var date));
        Assert.Equal(new NodaTime.LocalDate(year, month, day), date);
    }

    [Theory]
    [InlineData("1404/12/30")] // 1404 has no Esfand 30
    [InlineData("1405/13/01")]
    [InlineData("2025-02-29")]
    [InlineData("2026-04-31")]
    public void TryParse_RefusesDatesThatDoNotExist_ButNormalizeKeepsThemForValidation(string text)
    {
        Assert.False(DateInput.TryParse(text, out _));
        Assert.True(DateInput.TryNormalize(text, out _, out _));
    }

    [Fact]
    public void Display_FollowsTheReadersLanguage()
    {
        Assert.Equal("شنبه ۱ فروردین ۱۴۰۵", DateInput.Display("2026-03-21", DateCalendar.Gregorian, persian: true));
        Assert.Equal("Sat 21 Mar 2026", DateInput.Display("1405-01-01", DateCalendar.Jalali, persian: false));
        Assert.Equal("1404-12-30", DateInput.Display("1404-12-30", DateCalendar.Jalali, persian: false));
    }
}
