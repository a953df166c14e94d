using System.Globalization;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Calendars;

/// <summary>
/// Reads a date as an admin types it: <c>1405/01/12</c>, <c>۱۴۰۵/۰۱/۱۲</c>, <c>1405-1-12</c> or <c>2026-04-01</c>.
/// Persian and Arabic-Indic digits are accepted; <c>/</c>, <c>-</c> and <c>.</c> separate year, month and day. A year
/// below 1700 is a Jalali year, any other a Gregorian one (the two ranges in use never meet).
/// </summary>
public static class DateInput
{
    private const int FirstGregorianYear = 1700;

    /// <summary>
    /// Normalises the text to a definition's form (<c>yyyy-MM-dd</c> and the calendar it is written in) without
    /// checking that the date exists, so that validation can name a date like Jalali <c>1404-12-30</c>.
    /// </summary>
    /// <returns>False when the text is not three numbers at all.</returns>
    public static bool TryNormalize(string? text, out string date, out DateCalendar calendar)
    {
        date = "";
        calendar = DateCalendar.Gregorian;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = PersianText.ToLatinDigits(text.Trim()).Split(['/', '-', '.', '\u2212'], StringSplitOptions.TrimEntries);
        if (parts.Length != 3 || parts.Any(p => p.Length == 0 || p.Length > 4 || !p.All(char.IsAsciiDigit)))
        {
            return false;
        }

        var year = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var month = int.Parse(parts[1], CultureInfo.InvariantCulture);
        var day = int.Parse(parts[2], CultureInfo.InvariantCulture);
        if (parts[0].Length != 4 || parts[1].Length > 2 || parts[2].Length > 2)
        {
            return false;
        }

        calendar = year < FirstGregorianYear ? DateCalendar.Jalali : DateCalendar.Gregorian;
        date = string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}");
        return true;
    }

    /// <summary>The Gregorian date the text means, when it is a date that exists.</summary>
    public static bool TryParse(string? text, out LocalDate isoDate)
    {
        isoDate = default;
        return TryNormalize(text, out var date, out var calendar) && TryResolve(date, calendar, out isoDate);
    }

    /// <summary>The Gregorian date a definition's <c>yyyy-MM-dd</c> in <paramref name="calendar"/> stands for, when it exists.</summary>
    public static bool TryResolve(string? date, DateCalendar calendar, out LocalDate isoDate)
    {
        isoDate = default;
        if (calendar == DateCalendar.Jalali)
        {
            if (!Pishkhan.Calendar.Jalali.TryParse(date, out var jalali))
            {
                return false;
            }

            isoDate = Pishkhan.Calendar.Jalali.ToGregorian(jalali);
            return true;
        }

        var parts = (date ?? "").Split('-');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var d)
            || m is < 1 or > 12 || y is < 1 or > 9999 || d < 1 || d > CalendarSystem.Iso.GetDaysInMonth(y, m))
        {
            return false;
        }

        isoDate = new LocalDate(y, m, d);
        return true;
    }

    /// <summary>How a definition date reads to the admin: the Jalali form with Persian digits in fa, Gregorian in en.</summary>
    public static string Display(string? date, DateCalendar calendar, bool persian)
    {
        if (!TryResolve(date, calendar, out var iso))
        {
            return date ?? "";
        }

        return persian
            ? Pishkhan.Calendar.Jalali.FormatWithWeekday(iso)
            : iso.ToString("ddd d MMM uuuu", CultureInfo.InvariantCulture);
    }
}
