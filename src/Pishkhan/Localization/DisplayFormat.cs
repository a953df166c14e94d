using System.Globalization;
using NodaTime;
using Pishkhan.Platform.Text;

namespace Pishkhan.Localization;

/// <summary>
/// How dates and numbers read in the UI: in Persian, Jalali dates with Persian digits and month names; in English,
/// Gregorian ISO-like dates. Times are shown in the business's zone (Asia/Tehran) until per-user zones arrive.
/// </summary>
public static class DisplayFormat
{
    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Tehran"];

    private static readonly string[] JalaliMonths =
        ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"];

    public static string DateTime(System.DateTime utc, bool persian)
    {
        var local = Instant.FromDateTimeUtc(System.DateTime.SpecifyKind(utc, DateTimeKind.Utc)).InZone(Zone).LocalDateTime;
        if (!persian)
        {
            return local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        }

        var jalali = local.WithCalendar(CalendarSystem.PersianAstronomical);
        return PersianText.ToPersianDigits(string.Create(
            CultureInfo.InvariantCulture, $"{jalali.Year:0000}/{jalali.Month:00}/{jalali.Day:00} {jalali.Hour:00}:{jalali.Minute:00}"));
    }

    public static string DateTime(System.DateTime? utc, bool persian) => utc is { } value ? DateTime(value, persian) : "—";

    /// <summary>A long date: "2 آذر 1405" in Persian digits, or "23 Nov 2026".</summary>
    public static string LongDate(System.DateTime utc, bool persian)
    {
        var local = Instant.FromDateTimeUtc(System.DateTime.SpecifyKind(utc, DateTimeKind.Utc)).InZone(Zone).Date;
        if (!persian)
        {
            return local.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        }

        var jalali = local.WithCalendar(CalendarSystem.PersianAstronomical);
        return PersianText.ToPersianDigits($"{jalali.Day} {JalaliMonths[jalali.Month - 1]} {jalali.Year}");
    }

    public static string Number(long value, bool persian) =>
        persian ? PersianText.ToPersianDigits(value.ToString("N0", CultureInfo.InvariantCulture)).Replace(',', '٬') : value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Digits inside free text (e.g. a case number) in the reader's script.</summary>
    public static string Digits(string text, bool persian) => persian ? PersianText.ToPersianDigits(text) : text;
}
