using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Pishkhan.Calendar;

/// <summary>Reading and writing the <c>yyyy-MM-dd</c> and <c>HH:mm[:ss]</c> strings of a definition.</summary>
internal static class DateText
{
    private static readonly LocalDatePattern IsoPattern = LocalDatePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd");

    private static readonly LocalDatePattern JalaliPattern = LocalDatePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd")
        .WithTemplateValue(new LocalDate(1400, 1, 1, CalendarSystem.PersianAstronomical));

    public static string Format(LocalDate date) => date.Calendar == CalendarSystem.Iso
        ? IsoPattern.Format(date)
        : JalaliPattern.Format(date.WithCalendar(CalendarSystem.PersianAstronomical));

    /// <summary>Parses a date written in <paramref name="calendar"/>; the result is always an ISO date.</summary>
    public static bool TryParse(string? text, DateCalendar calendar, out LocalDate isoDate)
    {
        isoDate = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var result = (calendar == DateCalendar.Jalali ? JalaliPattern : IsoPattern).Parse(text.Trim());
        if (!result.Success)
        {
            return false;
        }

        isoDate = result.Value.WithCalendar(CalendarSystem.Iso);
        return true;
    }

    /// <summary>
    /// Parses <c>HH:mm</c> or <c>HH:mm:ss</c> into nanoseconds since midnight. <c>24:00</c> (and <c>24:00:00</c>)
    /// is accepted only when <paramref name="allowEndOfDay"/>.
    /// </summary>
    public static bool TryParseTime(string? text, bool allowEndOfDay, out long nanosecondOfDay)
    {
        nanosecondOfDay = 0;
        if (text is null)
        {
            return false;
        }

        var s = text.Trim();
        if (s.Length != 5 && s.Length != 8)
        {
            return false;
        }

        if (s[2] != ':' || (s.Length == 8 && s[5] != ':'))
        {
            return false;
        }

        if (!TwoDigits(s, 0, out var hour) || !TwoDigits(s, 3, out var minute))
        {
            return false;
        }

        var second = 0;
        if (s.Length == 8 && !TwoDigits(s, 6, out second))
        {
            return false;
        }

        if (minute > 59 || second > 59)
        {
            return false;
        }

        if (hour == 24)
        {
            if (!allowEndOfDay || minute != 0 || second != 0)
            {
                return false;
            }
        }
        else if (hour > 23)
        {
            return false;
        }

        nanosecondOfDay = ((((hour * 60L) + minute) * 60L) + second) * NodaConstants.NanosecondsPerSecond;
        return true;
    }

    public static string FormatTime(long nanosecondOfDay)
    {
        var seconds = nanosecondOfDay / NodaConstants.NanosecondsPerSecond;
        var h = seconds / 3600;
        var m = seconds / 60 % 60;
        var sec = seconds % 60;
        return sec == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{h:D2}:{m:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{h:D2}:{m:D2}:{sec:D2}");
    }

    private static bool TwoDigits(string s, int at, out int value)
    {
        value = 0;
        var a = s[at];
        var b = s[at + 1];
        if (a is < '0' or > '9' || b is < '0' or > '9')
        {
            return false;
        }

        value = ((a - '0') * 10) + (b - '0');
        return true;
    }
}
