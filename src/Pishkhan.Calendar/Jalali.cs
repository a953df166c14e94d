using System.Globalization;
using System.Text;
using NodaTime;

namespace Pishkhan.Calendar;

/// <summary>
/// Helpers for the Solar Hijri (Jalali) calendar, Iran's official calendar: conversion to and from Gregorian
/// dates, Persian formatting (Persian digits and month names), and month and year boundaries.
/// </summary>
/// <remarks>
/// Dates are NodaTime <see cref="LocalDate"/> values. A Jalali date is a <see cref="LocalDate"/> whose
/// <see cref="LocalDate.Calendar"/> is <see cref="Calendar"/> (NodaTime's <see cref="CalendarSystem.PersianAstronomical"/>,
/// which follows the astronomical rule Iran uses, so 1403 has an Esfand 30 and 1404 does not). Methods that
/// return a Gregorian date return it in the ISO calendar. Any method taking a date accepts it in either calendar.
/// </remarks>
public static class Jalali
{
    private static readonly string[] MonthNames =
    [
        "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
        "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
    ];

    private static readonly string[] MonthNamesLatin =
    [
        "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
        "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
    ];

    /// <summary>The calendar system used for Jalali dates: <see cref="CalendarSystem.PersianAstronomical"/>.</summary>
    public static CalendarSystem Calendar => CalendarSystem.PersianAstronomical;

    /// <summary>Creates a Jalali date.</summary>
    /// <param name="year">Jalali year, e.g. 1405.</param>
    /// <param name="month">Month, 1 (Farvardin) to 12 (Esfand).</param>
    /// <param name="day">Day of month.</param>
    /// <returns>The date in the Jalali calendar.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The date does not exist (e.g. 1404-12-30).</exception>
    public static LocalDate Date(int year, int month, int day) => new(year, month, day, Calendar);

    /// <summary>Converts a date (in any calendar) to the Jalali calendar.</summary>
    /// <param name="date">The date.</param>
    /// <returns>The same day as a Jalali date.</returns>
    public static LocalDate FromGregorian(LocalDate date) => date.WithCalendar(Calendar);

    /// <summary>Converts a date (in any calendar) to the Gregorian (ISO) calendar.</summary>
    /// <param name="date">The date.</param>
    /// <returns>The same day as an ISO date.</returns>
    public static LocalDate ToGregorian(LocalDate date) => date.WithCalendar(CalendarSystem.Iso);

    /// <summary>Converts a Jalali year, month and day to the Gregorian (ISO) date.</summary>
    /// <param name="year">Jalali year.</param>
    /// <param name="month">Jalali month, 1–12.</param>
    /// <param name="day">Day of month.</param>
    /// <returns>The ISO date.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The Jalali date does not exist.</exception>
    public static LocalDate ToGregorian(int year, int month, int day) => ToGregorian(Date(year, month, day));

    /// <summary>Tries to parse <c>yyyy-MM-dd</c> as a Jalali date.</summary>
    /// <param name="text">The text, e.g. <c>1405-01-01</c>.</param>
    /// <param name="jalaliDate">The parsed date, in the Jalali calendar.</param>
    /// <returns>False when the text is malformed or the date does not exist.</returns>
    public static bool TryParse(string? text, out LocalDate jalaliDate)
    {
        var ok = DateText.TryParse(text, DateCalendar.Jalali, out var iso);
        jalaliDate = ok ? FromGregorian(iso) : default;
        return ok;
    }

    /// <summary>Whether a Jalali year is a leap year (has Esfand 30).</summary>
    /// <param name="year">Jalali year.</param>
    /// <returns>True for a leap year.</returns>
    public static bool IsLeapYear(int year) => Calendar.IsLeapYear(year);

    /// <summary>The number of days in a Jalali month.</summary>
    /// <param name="year">Jalali year.</param>
    /// <param name="month">Month, 1–12.</param>
    /// <returns>31, 30 or 29.</returns>
    public static int DaysInMonth(int year, int month) => Calendar.GetDaysInMonth(year, month);

    /// <summary>The Gregorian dates of a Jalali month, first to last day inclusive.</summary>
    /// <param name="year">Jalali year.</param>
    /// <param name="month">Month, 1–12.</param>
    /// <returns>The month as an interval of ISO dates.</returns>
    public static DateInterval Month(int year, int month) =>
        new(ToGregorian(year, month, 1), ToGregorian(year, month, DaysInMonth(year, month)));

    /// <summary>The Gregorian dates of a Jalali year, 1 Farvardin to the last day of Esfand inclusive.</summary>
    /// <param name="year">Jalali year.</param>
    /// <returns>The year as an interval of ISO dates.</returns>
    public static DateInterval Year(int year) => new(ToGregorian(year, 1, 1), ToGregorian(year, 12, DaysInMonth(year, 12)));

    /// <summary>
    /// The instants bounding a Jalali month in a time zone: <c>[start of its first day, start of the next month)</c>,
    /// each day starting at the zone's start of day (NodaTime <see cref="DateTimeZone.AtStartOfDay(LocalDate)"/>).
    /// Useful for bucketing reports by Jalali month.
    /// </summary>
    /// <param name="year">Jalali year.</param>
    /// <param name="month">Month, 1–12.</param>
    /// <param name="zone">The time zone the month is observed in.</param>
    /// <returns>The half-open interval of instants.</returns>
    public static Interval MonthInstants(int year, int month, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var first = ToGregorian(year, month, 1);
        var next = first.PlusDays(DaysInMonth(year, month));
        return new Interval(zone.AtStartOfDay(first).ToInstant(), zone.AtStartOfDay(next).ToInstant());
    }

    /// <summary>The Persian name of a Jalali month (فروردین … اسفند).</summary>
    /// <param name="month">Month, 1–12.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="month"/> is not 1–12.</exception>
    public static string MonthName(int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        return MonthNames[month - 1];
    }

    /// <summary>The Latin transliteration of a Jalali month name (Farvardin … Esfand).</summary>
    /// <param name="month">Month, 1–12.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="month"/> is not 1–12.</exception>
    public static string MonthNameLatin(int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        return MonthNamesLatin[month - 1];
    }

    /// <summary>The Persian name of a weekday (شنبه for Saturday … جمعه for Friday).</summary>
    /// <param name="day">The weekday.</param>
    /// <returns>The name.</returns>
    public static string WeekdayName(IsoDayOfWeek day) => day switch
    {
        IsoDayOfWeek.Saturday => "شنبه",
        IsoDayOfWeek.Sunday => "یکشنبه",
        IsoDayOfWeek.Monday => "دوشنبه",
        IsoDayOfWeek.Tuesday => "سه‌شنبه",
        IsoDayOfWeek.Wednesday => "چهارشنبه",
        IsoDayOfWeek.Thursday => "پنجشنبه",
        IsoDayOfWeek.Friday => "جمعه",
        _ => throw new ArgumentOutOfRangeException(nameof(day), day, "Not a day of the week."),
    };

    /// <summary>Replaces ASCII digits 0–9 with Persian digits ۰–۹; other characters are kept.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text with Persian digits.</returns>
    public static string ToPersianDigits(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c is >= '0' and <= '9' ? (char)('۰' + (c - '0')) : c);
        }

        return builder.ToString();
    }

    /// <summary>Formats a date as a long Persian Jalali date, e.g. <c>۱ فروردین ۱۴۰۵</c>.</summary>
    /// <param name="date">The date, in any calendar.</param>
    /// <returns>Day, Persian month name and year, with Persian digits.</returns>
    public static string Format(LocalDate date)
    {
        var j = FromGregorian(date);
        return ToPersianDigits(string.Create(CultureInfo.InvariantCulture, $"{j.Day} {MonthName(j.Month)} {j.Year}"));
    }

    /// <summary>Formats a date as a long Persian Jalali date with its weekday, e.g. <c>شنبه ۱ فروردین ۱۴۰۵</c>.</summary>
    /// <param name="date">The date, in any calendar.</param>
    /// <returns>The weekday name followed by <see cref="Format(LocalDate)"/>.</returns>
    public static string FormatWithWeekday(LocalDate date) => WeekdayName(date.DayOfWeek) + " " + Format(date);

    /// <summary>Formats a date as a numeric Jalali date with Persian digits, e.g. <c>۱۴۰۵/۰۱/۰۱</c>.</summary>
    /// <param name="date">The date, in any calendar.</param>
    /// <returns>The formatted date.</returns>
    public static string FormatNumeric(LocalDate date)
    {
        var j = FromGregorian(date);
        return ToPersianDigits(string.Create(CultureInfo.InvariantCulture, $"{j.Year:D4}/{j.Month:D2}/{j.Day:D2}"));
    }

    /// <summary>Formats a date as <c>yyyy-MM-dd</c> in the Jalali calendar with ASCII digits (the form definitions use).</summary>
    /// <param name="date">The date, in any calendar.</param>
    /// <returns>The formatted date, e.g. <c>1405-01-01</c>.</returns>
    public static string FormatIso(LocalDate date) => DateText.Format(FromGregorian(date));
}
