using NodaTime;
using Pishkhan.Calendar;

namespace Pishkhan.Calendar.Bench;

/// <summary>The issue-3 Tehran calendar with about 25 holidays in each Jalali year.</summary>
public static class TehranFixture
{
    /// <summary>Start of the five-year query range: 1 Farvardin 1403.</summary>
    public static readonly Instant RangeStart = Instant.FromUtc(2024, 3, 19, 20, 30);

    /// <summary>Five years of instants.</summary>
    public static readonly Duration RangeLength = Duration.FromDays(5 * 365);

    /// <summary>
    /// Sat–Wed 08:00–12:00 and 13:00–17:00, Thu 08:00–13:00 in Asia/Tehran; the shipped holidays of 1403–1405 and
    /// 25 pseudo-random dates in each later year up to <paramref name="lastJalaliYear"/>.
    /// </summary>
    public static CalendarDefinition Definition(int lastJalaliYear)
    {
        var rng = new Random(1405);
        var holidays = new List<Holiday>(IranianHolidays.AsHolidays());
        for (var year = IranianHolidays.LastYear + 1; year <= lastJalaliYear; year++)
        {
            var days = new SortedSet<int>();
            while (days.Count < 25)
            {
                days.Add(rng.Next(1, 366));
            }

            var first = Jalali.Date(year, 1, 1);
            holidays.AddRange(days.Select(d => Holiday.OnGregorian(first.PlusDays(d - 1).WithCalendar(CalendarSystem.Iso))));
        }

        TimeRange[] fullDay = [new("08:00", "12:00"), new("13:00", "17:00")];
        return new CalendarDefinition
        {
            Zone = "Asia/Tehran",
            Weekly = new WeeklyHours
            {
                Saturday = fullDay,
                Sunday = fullDay,
                Monday = fullDay,
                Tuesday = fullDay,
                Wednesday = fullDay,
                Thursday = [new("08:00", "13:00")],
            },
            Holidays = holidays,
        };
    }

    /// <summary>Random instants over the five years.</summary>
    public static Instant[] Instants(int count, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => RangeStart + Duration.FromSeconds((long)(rng.NextDouble() * RangeLength.TotalSeconds)))];
    }

    /// <summary>Durations spread log-uniformly from 1 minute to 10,000 hours.</summary>
    public static Duration[] Durations(int count, int seed)
    {
        var rng = new Random(seed);
        var max = Math.Log(10_000 * 60);
        return [.. Enumerable.Range(0, count).Select(_ => Duration.FromMinutes((long)Math.Round(Math.Exp(rng.NextDouble() * max))))];
    }
}
