using System.Globalization;
using System.Reflection;
using NodaTime;

namespace Pishkhan.Calendar;

/// <summary>One official Iranian public holiday from the shipped data set.</summary>
/// <param name="Date">The Gregorian (ISO) date.</param>
/// <param name="JalaliDate">The same date in the Jalali calendar.</param>
/// <param name="NameFa">The Persian name.</param>
/// <param name="NameEn">The English name.</param>
/// <param name="SourceCount">
/// How many independent published sources agreed on the date; worth showing to an admin, since lunar holidays
/// can move by a day after a moon sighting.
/// </param>
public sealed record IranianHoliday(LocalDate Date, LocalDate JalaliDate, string NameFa, string NameEn, int SourceCount);

/// <summary>
/// Iran's official public holidays for the Solar Hijri years 1403, 1404 and 1405, shipped with the library
/// (compiled from the published official calendars). The set includes 1403-12-30, a statutory holiday not printed
/// in every calendar, and 1405-01-25, missing from one summary; lunar holidays may still move by a day, so hosts
/// should copy the set into an editable definition rather than treat it as final.
/// </summary>
public static class IranianHolidays
{
    private static readonly Lazy<System.Collections.ObjectModel.ReadOnlyCollection<IranianHoliday>> Data = new(Load);

    /// <summary>The first Jalali year covered.</summary>
    public const int FirstYear = 1403;

    /// <summary>The last Jalali year covered.</summary>
    public const int LastYear = 1405;

    /// <summary>Every holiday of 1403–1405 in date order.</summary>
    public static IReadOnlyList<IranianHoliday> All => Data.Value;

    /// <summary>The holidays as definition entries, written as Jalali dates and named in Persian.</summary>
    /// <returns>A new list of one-off <see cref="Holiday"/> entries.</returns>
    public static IReadOnlyList<Holiday> AsHolidays() =>
        [.. All.Select(h => new Holiday(Jalali.FormatIso(h.JalaliDate)) { Calendar = DateCalendar.Jalali, Name = h.NameFa })];

    /// <summary>
    /// The default Pishkhan calendar: Asia/Tehran, Saturday to Wednesday 08:00–17:00 with a 12:00–13:00 lunch break,
    /// Thursday 08:00–13:00, Friday closed, and the Iranian official holidays of 1403–1405.
    /// </summary>
    /// <returns>A new definition the host can store and edit.</returns>
    public static CalendarDefinition TehranDefaultDefinition()
    {
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
            Holidays = AsHolidays(),
        };
    }

    private static System.Collections.ObjectModel.ReadOnlyCollection<IranianHoliday> Load()
    {
        using var stream = typeof(IranianHolidays).Assembly.GetManifestResourceStream("Pishkhan.Calendar.Data.iran-holidays.csv")
            ?? throw new InvalidOperationException("The embedded Iranian holiday data is missing.");
        using var reader = new StreamReader(stream);
        var result = new List<IranianHoliday>();
        _ = reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var fields = SplitCsv(line);
            if (!DateText.TryParse(fields[0], DateCalendar.Jalali, out var date)
                || !DateText.TryParse(fields[1], DateCalendar.Gregorian, out var gregorian)
                || date != gregorian)
            {
                throw new InvalidOperationException($"Embedded holiday row has inconsistent dates: {line}");
            }

            result.Add(new IranianHoliday(date, Jalali.FromGregorian(date), fields[3], fields[4], int.Parse(fields[5], CultureInfo.InvariantCulture)));
        }

        return result.AsReadOnly();
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }
}
