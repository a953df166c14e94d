using NodaTime;
using NodaTime.Text;

namespace Pishkhan.Calendar.Tests;

/// <summary>Small builders that keep the vectors readable.</summary>
internal static class TestCalendars
{
    public static readonly IsoDayOfWeek[] MondayToFriday =
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday];

    public static readonly IsoDayOfWeek[] EveryDay = [.. MondayToFriday, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday];

    public static readonly IsoDayOfWeek[] SaturdayToWednesday =
        [IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday, IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday];

    private static readonly InstantPattern MinutePattern = InstantPattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm");
    private static readonly InstantPattern SecondPattern = InstantPattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm:ss");

    /// <summary>A UTC instant written <c>yyyy-MM-ddTHH:mm[:ss]</c>.</summary>
    public static Instant T(string text) =>
        (text.Length == 16 ? MinutePattern : SecondPattern).Parse(text).GetValueOrThrow();

    public static TimeRange R(string start, string end) => new(start, end);

    public static CalendarDefinition Definition(string zone, IEnumerable<IsoDayOfWeek> days, params TimeRange[] ranges) =>
        new() { Zone = zone, Weekly = new WeeklyHours().With(days, ranges) };

    public static BusinessCalendar Weekly(string zone, IEnumerable<IsoDayOfWeek> days, params TimeRange[] ranges) =>
        BusinessCalendar.Create(Definition(zone, days, ranges));

    public static CalendarDefinition TehranDefinition(params string[] holidays) => new()
    {
        Zone = "Asia/Tehran",
        Weekly = new WeeklyHours()
            .With(SaturdayToWednesday, R("08:00", "12:00"), R("13:00", "17:00"))
            .With([IsoDayOfWeek.Thursday], R("08:00", "13:00")),
        Holidays = [.. holidays.Select(h => new Holiday(h))],
    };
}
