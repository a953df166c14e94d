using System.Globalization;
using NodaTime;

namespace Pishkhan.Calendar.Tests;

/// <summary>Random valid definitions with several intervals a day, overrides, breaks, holidays, 24:00 and overnight intervals.</summary>
internal static class RandomCalendars
{
    public static readonly string[] Zones =
    [
        "America/New_York", "Europe/London", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Tehran", "Pacific/Chatham",
        "America/Sao_Paulo",
    ];

    public static CalendarDefinition Create(Random rng, string zone, LocalDate around)
    {
        while (true)
        {
            var definition = new CalendarDefinition
            {
                Zone = zone,
                Weekly = RandomWeek(rng),
                Seasons = rng.Next(4) == 0
                    ? [new SeasonalHours(Date(around.PlusDays(rng.Next(-2, 3))), RandomWeek(rng))]
                    : [],
                Overrides = [.. Enumerable.Range(0, rng.Next(3)).Select(_ => new DateOverride(Date(around.PlusDays(rng.Next(-2, 3))), RandomDay(rng)))
                    .DistinctBy(o => o.Date)],
                Breaks = [.. Enumerable.Range(0, rng.Next(3)).Select(_ => RandomBreak(rng, around.PlusDays(rng.Next(-2, 3))))],
                Holidays = [.. Enumerable.Range(0, rng.Next(3)).Select(_ => RandomHoliday(rng, around.PlusDays(rng.Next(-2, 3))))],
                RecurringHolidays = rng.Next(6) == 0 ? [RandomRecurring(rng, around.PlusDays(rng.Next(-2, 3)))] : [],
            };
            if (definition.Validate().Count == 0)
            {
                return definition;
            }
        }
    }

    private static WeeklyHours RandomWeek(Random rng) => new()
    {
        Monday = RandomDay(rng),
        Tuesday = RandomDay(rng),
        Wednesday = RandomDay(rng),
        Thursday = RandomDay(rng),
        Friday = RandomDay(rng),
        Saturday = RandomDay(rng),
        Sunday = RandomDay(rng),
    };

    /// <summary>Zero to three intervals; many cut points fall in the small hours, where DST transitions are.</summary>
    private static TimeRange[] RandomDay(Random rng)
    {
        var count = rng.Next(4);
        var cuts = new SortedSet<int>();
        while (cuts.Count < count * 2)
        {
            cuts.Add(RandomSecondOfDay(rng));
        }

        var points = cuts.ToArray();
        var ranges = new List<TimeRange>();
        for (var i = 0; i < count; i++)
        {
            ranges.Add(new TimeRange(Time(points[2 * i]), Time(points[(2 * i) + 1])));
        }

        if (count > 0 && rng.Next(4) == 0)
        {
            // Turn the last interval into an overnight one ending early next morning.
            var last = ranges[^1];
            ranges[^1] = new TimeRange(last.Start, Time(rng.Next(0, 4 * 3600) / 60 * 60)) { Overnight = true };
        }

        return [.. ranges];
    }

    private static int RandomSecondOfDay(Random rng)
    {
        var roll = rng.Next(10);
        if (roll == 0)
        {
            return 86_400;
        }

        var seconds = roll < 4 ? rng.Next(0, 4 * 3600) : rng.Next(0, 86_400);
        return rng.Next(5) == 0 ? seconds : seconds / 900 * 900;
    }

    private static BreakPeriod RandomBreak(Random rng, LocalDate date)
    {
        var a = RandomSecondOfDay(rng);
        var b = RandomSecondOfDay(rng);
        while (b == a)
        {
            b = RandomSecondOfDay(rng);
        }

        return new BreakPeriod(Date(date), Time(Math.Min(Math.Min(a, b), 86_399)), Time(Math.Max(a, b)));
    }

    private static Holiday RandomHoliday(Random rng, LocalDate date) => rng.Next(2) == 0
        ? new Holiday(Date(date))
        : new Holiday(Jalali.FormatIso(date)) { Calendar = DateCalendar.Jalali };

    private static RecurringHoliday RandomRecurring(Random rng, LocalDate date)
    {
        if (rng.Next(2) == 0)
        {
            return new RecurringHoliday(date.Month, date.Day);
        }

        var jalali = Jalali.FromGregorian(date);
        return new RecurringHoliday(jalali.Month, jalali.Day) { Calendar = DateCalendar.Jalali };
    }

    private static string Date(LocalDate date) => date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(int secondOfDay)
    {
        var h = secondOfDay / 3600;
        var m = secondOfDay / 60 % 60;
        var s = secondOfDay % 60;
        return s == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{h:D2}:{m:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{h:D2}:{m:D2}:{s:D2}");
    }
}
