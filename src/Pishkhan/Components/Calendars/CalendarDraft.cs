using System.Globalization;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Calendars;

namespace Pishkhan.Components.Calendars;

/// <summary>
/// The calendar editor's working copy: mutable rows in the same order as the definition's lists, so that a
/// validation path such as <c>holidays[3].date</c> points at the row on screen. Dates are kept as the admin typed
/// them (Jalali or Gregorian, any digits) and normalised only when the definition is built.
/// </summary>
public sealed class CalendarDraft
{
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string Zone { get; set; } = "Asia/Tehran";
    public WeekDraft Weekly { get; set; } = new();
    public List<SeasonRow> Seasons { get; } = [];
    public List<OverrideRow> Overrides { get; } = [];
    public List<BreakRow> Breaks { get; } = [];
    public List<HolidayRow> Holidays { get; } = [];
    public List<RecurringRow> Recurring { get; } = [];

    public static CalendarDraft From(string name, string? description, CalendarDefinition definition)
    {
        var draft = new CalendarDraft { Name = name, Description = description, Zone = definition.Zone, Weekly = WeekDraft.From(definition.Weekly) };
        draft.Seasons.AddRange(definition.Seasons.Select(s => new SeasonRow { Date = DateText(s.EffectiveFrom, s.Calendar), Name = s.Name, Weekly = WeekDraft.From(s.Weekly) }));
        draft.Overrides.AddRange(definition.Overrides.Select(o => new OverrideRow { Date = DateText(o.Date, o.Calendar), Name = o.Name, Hours = [.. o.Hours.Select(RangeRow.From)] }));
        draft.Breaks.AddRange(definition.Breaks.Select(b => new BreakRow { Date = DateText(b.Date, b.Calendar), Start = b.Start, End = b.End, Overnight = b.Overnight, Name = b.Name }));
        draft.Holidays.AddRange(definition.Holidays.Select(HolidayRow.From));
        draft.Recurring.AddRange(definition.RecurringHolidays.Select(r => new RecurringRow { Month = r.Month, Day = r.Day, Calendar = r.Calendar, Name = r.Name }));
        return draft;
    }

    public CalendarDefinition ToDefinition() => new()
    {
        Zone = Zone.Trim(),
        Weekly = Weekly.ToWeekly(),
        Seasons = [.. Seasons.Select(s => { var (date, calendar) = Date(s.Date); return new SeasonalHours(date, s.Weekly.ToWeekly()) { Calendar = calendar, Name = Blank(s.Name) }; })],
        Overrides = [.. Overrides.Select(o => { var (date, calendar) = Date(o.Date); return new DateOverride(date, [.. o.Hours.Select(h => h.ToRange())]) { Calendar = calendar, Name = Blank(o.Name) }; })],
        Breaks = [.. Breaks.Select(b => { var (date, calendar) = Date(b.Date); return new BreakPeriod(date, b.Start.Trim(), b.End.Trim()) { Calendar = calendar, Overnight = b.Overnight, Name = Blank(b.Name) }; })],
        Holidays = [.. Holidays.Select(h => { var (date, calendar) = Date(h.Date); return new Holiday(date) { Calendar = calendar, Name = Blank(h.Name) }; })],
        RecurringHolidays = [.. Recurring.Select(r => new RecurringHoliday(r.Month, r.Day) { Calendar = r.Calendar, Name = Blank(r.Name) })],
    };

    /// <summary>Adds holidays whose dates are not yet in the list (by the day they fall on, however they were written).</summary>
    /// <returns>How many were added.</returns>
    public int MergeHolidays(IEnumerable<Holiday> holidays)
    {
        var known = Holidays.Select(h => DateInput.TryParse(h.Date, out var d) ? d : (LocalDate?)null).Where(d => d is not null).ToHashSet();
        var added = 0;
        foreach (var holiday in holidays)
        {
            if (DateInput.TryResolve(holiday.Date, holiday.Calendar, out var date) && known.Add(date))
            {
                Holidays.Add(HolidayRow.From(holiday));
                added++;
            }
        }

        Holidays.Sort((a, b) => Order(a).CompareTo(Order(b)));
        return added;
    }

    /// <summary>Adds breaks that are not already there (same date and times).</summary>
    /// <returns>How many were added.</returns>
    public int MergeBreaks(IEnumerable<BreakPeriod> breaks)
    {
        var added = 0;
        foreach (var item in breaks)
        {
            var row = new BreakRow { Date = DateText(item.Date, item.Calendar), Start = item.Start, End = item.End, Overnight = item.Overnight, Name = item.Name };
            if (!Breaks.Any(b => b.Date == row.Date && b.Start == row.Start && b.End == row.End))
            {
                Breaks.Add(row);
                added++;
            }
        }

        return added;
    }

    /// <summary>How a date is shown in an input: Jalali with slashes (1405/01/12), Gregorian with dashes (2026-04-01).</summary>
    public static string DateText(string? date, DateCalendar calendar) =>
        calendar == DateCalendar.Jalali ? (date ?? "").Replace('-', '/') : date ?? "";

    private static (string Date, DateCalendar Calendar) Date(string? text) =>
        DateInput.TryNormalize(text, out var date, out var calendar) ? (date, calendar) : ((text ?? "").Trim(), DateCalendar.Gregorian);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    // Unreadable dates sort last, where the admin will see them flagged.
    private static LocalDate Order(HolidayRow row) => DateInput.TryParse(row.Date, out var d) ? d : LocalDate.MaxIsoValue;
}

public sealed class RangeRow
{
    public string Start { get; set; } = "09:00";
    public string End { get; set; } = "17:00";
    public bool Overnight { get; set; }

    public static RangeRow From(TimeRange range) => new() { Start = range.Start, End = range.End, Overnight = range.Overnight };

    public TimeRange ToRange() => new(Start.Trim(), End.Trim()) { Overnight = Overnight };
}

/// <summary>Seven weekdays, each with its intervals.</summary>
public sealed class WeekDraft
{
    public Dictionary<IsoDayOfWeek, List<RangeRow>> Days { get; } = Enum.GetValues<IsoDayOfWeek>()
        .Where(d => d != IsoDayOfWeek.None).ToDictionary(d => d, _ => new List<RangeRow>());

    /// <summary>The order a reader expects: Saturday first in Persian (the Iranian week), Monday first in English.</summary>
    public static IReadOnlyList<IsoDayOfWeek> Order(bool persian) => persian
        ? [IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday, IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday]
        : [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday];

    /// <summary>The camelCase name validation paths use (<c>weekly.monday[1]</c>).</summary>
    public static string PathName(IsoDayOfWeek day) => day.ToString().ToLowerInvariant();

    public static WeekDraft From(WeeklyHours? weekly)
    {
        var draft = new WeekDraft();
        foreach (var day in draft.Days.Keys)
        {
            draft.Days[day].AddRange((weekly ?? new WeeklyHours()).For(day).Select(RangeRow.From));
        }

        return draft;
    }

    public WeeklyHours ToWeekly()
    {
        var weekly = new WeeklyHours();
        foreach (var (day, rows) in Days)
        {
            weekly = weekly.With([day], [.. rows.Select(r => r.ToRange())]);
        }

        return weekly;
    }

    /// <summary>Copies one day's intervals to every other day that has any (a quick way to fix a lunch break everywhere).</summary>
    public void CopyToWorkingDays(IsoDayOfWeek source)
    {
        foreach (var (day, rows) in Days)
        {
            if (day != source && rows.Count > 0)
            {
                rows.Clear();
                rows.AddRange(Days[source].Select(r => new RangeRow { Start = r.Start, End = r.End, Overnight = r.Overnight }));
            }
        }
    }
}

public sealed class SeasonRow
{
    public string Date { get; set; } = "";
    public string? Name { get; set; }
    public WeekDraft Weekly { get; set; } = new();
}

public sealed class OverrideRow
{
    public string Date { get; set; } = "";
    public string? Name { get; set; }
    public List<RangeRow> Hours { get; set; } = [];
}

public sealed class BreakRow
{
    public string Date { get; set; } = "";
    public string Start { get; set; } = "12:00";
    public string End { get; set; } = "13:00";
    public bool Overnight { get; set; }
    public string? Name { get; set; }
}

public sealed class HolidayRow
{
    public string Date { get; set; } = "";
    public string? Name { get; set; }

    public static HolidayRow From(Holiday holiday) => new() { Date = CalendarDraft.DateText(holiday.Date, holiday.Calendar), Name = holiday.Name };
}

public sealed class RecurringRow
{
    public int Month { get; set; } = 1;
    public int Day { get; set; } = 1;
    public DateCalendar Calendar { get; set; } = DateCalendar.Jalali;
    public string? Name { get; set; }

    // Gregorian month names as Persian writes them (the fa-IR culture's own month names are the Jalali ones).
    private static readonly string[] GregorianMonthsFa =
        ["ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر"];

    public static string MonthName(int month, DateCalendar calendar, bool persian) =>
        month is < 1 or > 12 ? month.ToString(CultureInfo.InvariantCulture)
        : calendar == DateCalendar.Jalali ? (persian ? Pishkhan.Calendar.Jalali.MonthName(month) : Pishkhan.Calendar.Jalali.MonthNameLatin(month))
        : persian ? GregorianMonthsFa[month - 1] : CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(month);
}
