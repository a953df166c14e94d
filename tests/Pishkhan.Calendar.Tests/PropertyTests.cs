using FsCheck.Xunit;
using NodaTime;
using static Pishkhan.Calendar.Tests.TestCalendars;

namespace Pishkhan.Calendar.Tests;

/// <summary>The invariants of issue 3, checked by FsCheck on several calendars over three years of instants.</summary>
public class PropertyTests
{
    private const int Tests = 300;
    private const int Size = 1_000_000_000;
    private const long RangeSeconds = 3L * 366 * 86_400;
    private const long MaxDurationSeconds = 600L * 3600;

    private static readonly Instant Base = Instant.FromUtc(2023, 6, 1, 0, 0);

    private static readonly BusinessCalendar[] Calendars = BuildCalendars();

    [Property(MaxTest = Tests, EndSize = Size)]
    public bool Between_OfAddResult_IsTheAddedDuration(byte which, uint start, uint duration)
    {
        var calendar = Pick(which);
        var a = At(start);
        var d = DurationOf(duration);
        return calendar.Between(a, calendar.Add(a, d)) == d;
    }

    [Property(MaxTest = Tests, EndSize = Size)]
    public bool Add_InTwoSteps_EqualsAddInOne(byte which, uint start, uint first, uint second)
    {
        var calendar = Pick(which);
        var a = At(start);
        var d1 = DurationOf(first);
        var d2 = DurationOf(second);
        return calendar.Add(calendar.Add(a, d1), d2) == calendar.Add(a, d1 + d2);
    }

    [Property(MaxTest = Tests, EndSize = Size)]
    public bool Between_FromSubtractResult_IsTheSubtractedDuration(byte which, uint end, uint duration)
    {
        var calendar = Pick(which);
        var b = At(end);
        var d = DurationOf(duration);
        return calendar.Between(calendar.Subtract(b, d), b) == d;
    }

    [Property(MaxTest = Tests, EndSize = Size)]
    public bool Add_IsMonotonicInStart(byte which, uint first, uint second, uint duration)
    {
        var calendar = Pick(which);
        var (a1, a2) = Ordered(At(first), At(second));
        var d = DurationOf(duration);
        return calendar.Add(a1, d) <= calendar.Add(a2, d);
    }

    [Property(MaxTest = Tests, EndSize = Size)]
    public bool Add_IsMonotonicInDuration(byte which, uint start, uint first, uint second)
    {
        var calendar = Pick(which);
        var a = At(start);
        var (d1, d2) = Ordered(DurationOf(first), DurationOf(second));
        return calendar.Add(a, d1) <= calendar.Add(a, d2);
    }

    [Property(MaxTest = Tests, EndSize = Size)]
    public bool Between_IsAdditiveOverAdjacentRanges(byte which, uint x, uint y, uint z)
    {
        var calendar = Pick(which);
        Instant[] points = [At(x), At(y), At(z)];
        Array.Sort(points);
        return calendar.Between(points[0], points[1]) + calendar.Between(points[1], points[2]) == calendar.Between(points[0], points[2]);
    }

    [Property(MaxTest = Tests, EndSize = Size)]
    public bool IsOpen_AgreesWithOneSecondOfBusinessTime(byte which, uint at)
    {
        var calendar = Pick(which);
        var t = At(at);
        return calendar.IsOpen(t) == (calendar.Between(t, t + Duration.FromSeconds(1)) == Duration.FromSeconds(1));
    }

    [Property(MaxTest = Tests, EndSize = Size)]
    public bool NextOpenAndNextClose_BracketTheWorkingTime(byte which, uint at)
    {
        var calendar = Pick(which);
        var t = At(at);
        var open = calendar.NextOpen(t);
        var close = calendar.NextClose(open);
        return calendar.IsOpen(open) && !calendar.IsOpen(close) && open < close
            && calendar.Between(t, open) == Duration.Zero && calendar.Between(open, close) == close - open;
    }

    private static BusinessCalendar Pick(byte which) => Calendars[which % Calendars.Length];

    private static Instant At(uint seconds) => Base + Duration.FromSeconds(seconds % RangeSeconds);

    private static Duration DurationOf(uint seconds) => Duration.FromSeconds(seconds % MaxDurationSeconds);

    private static (T Low, T High) Ordered<T>(T a, T b)
        where T : IComparable<T> => a.CompareTo(b) <= 0 ? (a, b) : (b, a);

    private static BusinessCalendar[] BuildCalendars()
    {
        var tehran = BusinessCalendar.Create(IranianHolidays.TehranDefaultDefinition());
        var newYork = BusinessCalendar.Create(Definition("America/New_York", MondayToFriday, R("09:00", "12:30"), R("13:30", "17:00")) with
        {
            Breaks = [new BreakPeriod("2024-03-11", "10:00", "11:00")],
            RecurringHolidays = [new RecurringHoliday(12, 25), new RecurringHoliday(7, 4)],
        });
        var lordHoweNights = BusinessCalendar.Create(new CalendarDefinition
        {
            Zone = "Australia/Lord_Howe",
            Weekly = new WeeklyHours().With(EveryDay, R("00:30", "02:15"), new TimeRange("22:00", "00:15") { Overnight = true }),
        });
        var chathamSeasons = BusinessCalendar.Create(Definition("Pacific/Chatham", MondayToFriday, R("08:00", "24:00")) with
        {
            Seasons = [new SeasonalHours("2024-01-01", new WeeklyHours().With(MondayToFriday, R("02:00", "04:00"), R("06:00", "18:30:30")))],
        });
        var rng = new Random(42);
        var random = Enumerable.Range(0, 60)
            .Select(i => RandomCalendars.Create(rng, RandomCalendars.Zones[i % RandomCalendars.Zones.Length], new LocalDate(2024, 3, 10)))
            .Where(d => d.Weekly.Monday.Count > 0 && d.Weekly.Thursday.Count > 0)
            .Take(3)
            .Select(BusinessCalendar.Create);
        var followTheSun = BusinessCalendar.Union(
            Weekly("Asia/Tehran", SaturdayToWednesday, R("08:00", "17:00")),
            Weekly("Europe/London", MondayToFriday, R("09:00", "17:30")));
        var overlapOnly = BusinessCalendar.Intersection(
            Weekly("Asia/Tehran", SaturdayToWednesday, R("08:00", "17:00")),
            Weekly("Europe/Berlin", MondayToFriday, R("09:00", "17:00")));
        return [tehran, newYork, lordHoweNights, chathamSeasons, .. random, followTheSun, overlapOnly];
    }
}
