using static Pishkhan.Calendar.Tests.TestCalendars;

namespace Pishkhan.Calendar.Tests;

/// <summary>Invalid definitions fail with an error naming each bad item.</summary>
public class ValidationTests
{
    private static readonly CalendarDefinition Valid = Definition("Asia/Tehran", SaturdayToWednesday, R("08:00", "12:00"), R("13:00", "17:00"));

    [Fact]
    public void Validate_ValidDefinition_ReturnsNoErrors() => Assert.Empty(Valid.Validate());

    [Fact]
    public void Create_OverlappingIntervals_NamesTheOverlappingItem()
    {
        var definition = Valid with { Weekly = Valid.Weekly with { Monday = [R("09:00", "12:00"), R("11:00", "17:00")] } };
        var error = Assert.Single(Assert.Throws<InvalidCalendarDefinitionException>(() => BusinessCalendar.Create(definition)).Errors);
        Assert.Equal("weekly.monday[1]", error.Path);
        Assert.Contains("weekly.monday[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OvernightIntervalRunningIntoNextDay_ReportsOverlapWithNextDay()
    {
        var definition = Valid with
        {
            Weekly = Valid.Weekly with { Monday = [new TimeRange("22:00", "07:00") { Overnight = true }], Tuesday = [R("06:00", "10:00")] },
        };
        var error = Assert.Single(definition.Validate());
        Assert.Equal("weekly.tuesday[0]", error.Path);
        Assert.Contains("weekly.monday[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AdjacentIntervals_AreNotAnOverlap()
    {
        var definition = Valid with { Weekly = Valid.Weekly with { Monday = [R("09:00", "12:00"), R("12:00", "24:00")] } };
        Assert.Empty(definition.Validate());
    }

    [Fact]
    public void Validate_EndBeforeStartNotMarkedOvernight_NamesTheInterval()
    {
        var definition = Valid with { Weekly = Valid.Weekly with { Friday = [R("17:00", "09:00")] } };
        var error = Assert.Single(definition.Validate());
        Assert.Equal("weekly.friday[0]", error.Path);
        Assert.Contains("overnight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyInterval_NamesTheInterval()
    {
        var definition = Valid with { Overrides = [new DateOverride("2026-03-19", [R("10:00", "10:00")])] };
        Assert.Equal("overrides[0].hours[0]", Assert.Single(definition.Validate()).Path);
    }

    [Fact]
    public void Validate_UnknownZone_NamesTheZone()
    {
        var error = Assert.Single((Valid with { Zone = "Asia/Atlantis" }).Validate());
        Assert.Equal("zone", error.Path);
        Assert.Contains("Asia/Atlantis", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_JalaliDateThatDoesNotExist_NamesTheHoliday()
    {
        var definition = Valid with { Holidays = [new Holiday("1404-12-29") { Calendar = DateCalendar.Jalali }, Holiday.OnJalali(1404, 12, 30)] };
        var error = Assert.Single(definition.Validate());
        Assert.Equal("holidays[1].date", error.Path);
        Assert.Contains("1404-12-30", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_JalaliLeapDayInLeapYear_IsValid() =>
        Assert.Empty((Valid with { Holidays = [Holiday.OnJalali(1403, 12, 30)] }).Validate());

    [Theory]
    [InlineData("25:00")]
    [InlineData("12:60")]
    [InlineData("9:00")]
    [InlineData("24:30")]
    [InlineData("noon")]
    public void Validate_MalformedEndTime_NamesTheEnd(string end)
    {
        var definition = Valid with { Weekly = Valid.Weekly with { Sunday = [R("08:00", end)] } };
        var error = Assert.Single(definition.Validate());
        Assert.Equal("weekly.sunday[0].end", error.Path);
        Assert.Contains(end, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TwentyFourAsStart_IsRejected() =>
        Assert.Equal("weekly.monday[0].start", Assert.Single((Valid with { Weekly = Valid.Weekly with { Monday = [R("24:00", "24:00")] } }).Validate()).Path);

    [Fact]
    public void Validate_SeveralBadItems_ReportsEachOne()
    {
        var definition = new CalendarDefinition
        {
            Zone = "Mars/Olympus",
            Weekly = new WeeklyHours { Monday = [R("25:00", "17:00")], Tuesday = [R("09:00", "12:00"), R("10:00", "11:00")] },
            Seasons = [new SeasonalHours("2025-02-30", new WeeklyHours())],
            Overrides = [new DateOverride("2026-01-01", []), new DateOverride("2026-01-01", [])],
            Breaks = [new BreakPeriod("2026-01-02", "13:00", "12:00")],
            Holidays = [Holiday.OnJalali(1404, 12, 30)],
            RecurringHolidays = [new RecurringHoliday(13, 1), new RecurringHoliday(7, 31) { Calendar = DateCalendar.Jalali }],
        };
        var paths = definition.Validate().Select(e => e.Path).ToHashSet();
        Assert.Equal(
            new HashSet<string>
            {
                "zone", "weekly.monday[0].start", "weekly.tuesday[1]", "seasons[0].effectiveFrom", "overrides[1].date", "breaks[0]",
                "holidays[0].date", "recurringHolidays[0].month", "recurringHolidays[1].day",
            },
            paths);
    }

    [Fact]
    public void TryCreate_InvalidDefinition_ReturnsErrorsWithoutThrowing()
    {
        var ok = BusinessCalendar.TryCreate(Valid with { Zone = "" }, out var calendar, out var errors);
        Assert.False(ok);
        Assert.Null(calendar);
        Assert.Equal("zone", Assert.Single(errors).Path);
    }

    [Fact]
    public void FromJson_NullCollections_AreReportedNotThrown()
    {
        var definition = CalendarDefinition.FromJson("""{"zone":"UTC","weekly":{"monday":[{"start":"09:00"}]},"holidays":[null]}""");
        var paths = definition.Validate().Select(e => e.Path).ToArray();
        Assert.Equal(["weekly.monday[0].end", "holidays[0]"], paths);
    }
}
