using System.Globalization;
using NodaTime;

namespace Pishkhan.Calendar;

/// <summary>A working or break interval relative to the local midnight of the date it belongs to, in nanoseconds.</summary>
internal readonly record struct Slot(long Start, long End);

/// <summary>A validated definition in the form the interval builder reads.</summary>
internal sealed class CompiledDefinition
{
    public required DateTimeZone Zone { get; init; }

    /// <summary>Weekly slots indexed by <c>(int)IsoDayOfWeek % 7</c>.</summary>
    public required Slot[][] Weekly { get; init; }

    /// <summary>Seasons sorted by effective date.</summary>
    public required (LocalDate From, Slot[][] Weekly)[] Seasons { get; init; }

    public required Dictionary<LocalDate, Slot[]> Overrides { get; init; }

    public required Dictionary<LocalDate, List<Slot>> Breaks { get; init; }

    public required HashSet<LocalDate> Holidays { get; init; }

    /// <summary>Recurring Gregorian holidays as <c>month * 100 + day</c>.</summary>
    public required HashSet<int> RecurringGregorian { get; init; }

    /// <summary>Recurring Jalali holidays as <c>month * 100 + day</c>.</summary>
    public required HashSet<int> RecurringJalali { get; init; }
}

/// <summary>Validates a <see cref="CalendarDefinition"/> and compiles it, collecting an error for each bad item.</summary>
internal static class DefinitionCompiler
{
    private const long NanosPerDay = NodaConstants.NanosecondsPerDay;

    private static readonly (IsoDayOfWeek Day, string Name)[] Days =
    [
        (IsoDayOfWeek.Monday, "monday"), (IsoDayOfWeek.Tuesday, "tuesday"), (IsoDayOfWeek.Wednesday, "wednesday"),
        (IsoDayOfWeek.Thursday, "thursday"), (IsoDayOfWeek.Friday, "friday"), (IsoDayOfWeek.Saturday, "saturday"),
        (IsoDayOfWeek.Sunday, "sunday"),
    ];

    public static (CompiledDefinition? Compiled, IReadOnlyList<CalendarDefinitionError> Errors) Compile(CalendarDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<CalendarDefinitionError>();

        DateTimeZone? zone = null;
        if (string.IsNullOrWhiteSpace(definition.Zone))
        {
            errors.Add(new("zone", "A time zone is required (an IANA id such as 'Asia/Tehran')."));
        }
        else
        {
            zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(definition.Zone);
            if (zone is null)
            {
                errors.Add(new("zone", $"Unknown time zone '{definition.Zone}'; use an IANA (tzdb) id such as 'Asia/Tehran'."));
            }
        }

        var weekly = CompileWeek(definition.Weekly, "weekly", errors);

        var seasons = new List<(LocalDate, Slot[][])>();
        var seasonDates = new Dictionary<LocalDate, int>();
        var seasonList = definition.Seasons ?? [];
        for (var i = 0; i < seasonList.Count; i++)
        {
            var path = $"seasons[{i}]";
            var season = seasonList[i];
            if (season is null)
            {
                errors.Add(new(path, "A season cannot be null."));
                continue;
            }

            var week = CompileWeek(season.Weekly, path + ".weekly", errors);
            if (TryDate(season.EffectiveFrom, season.Calendar, path + ".effectiveFrom", errors, out var from))
            {
                if (seasonDates.TryGetValue(from, out var other))
                {
                    errors.Add(new(path + ".effectiveFrom", $"Season starts on {DateText.Format(from)}, the same date as seasons[{other}]."));
                }
                else
                {
                    seasonDates[from] = i;
                    seasons.Add((from, week));
                }
            }
        }

        var overrides = new Dictionary<LocalDate, Slot[]>();
        var overrideIndex = new Dictionary<LocalDate, int>();
        var overrideList = definition.Overrides ?? [];
        for (var i = 0; i < overrideList.Count; i++)
        {
            var path = $"overrides[{i}]";
            var item = overrideList[i];
            if (item is null)
            {
                errors.Add(new(path, "An override cannot be null."));
                continue;
            }

            var slots = CompileDay(item.Hours, path + ".hours", errors);
            if (TryDate(item.Date, item.Calendar, path + ".date", errors, out var date))
            {
                if (overrideIndex.TryGetValue(date, out var other))
                {
                    errors.Add(new(path + ".date", $"{DateText.Format(date)} already has an override (overrides[{other}])."));
                }
                else
                {
                    overrideIndex[date] = i;
                    overrides[date] = slots;
                }
            }
        }

        var breaks = new Dictionary<LocalDate, List<Slot>>();
        var breakList = definition.Breaks ?? [];
        for (var i = 0; i < breakList.Count; i++)
        {
            var path = $"breaks[{i}]";
            var item = breakList[i];
            if (item is null)
            {
                errors.Add(new(path, "A break cannot be null."));
                continue;
            }

            var slot = CompileRange(item.Start, item.End, item.Overnight, path, errors);
            if (TryDate(item.Date, item.Calendar, path + ".date", errors, out var date) && slot is { } s)
            {
                if (!breaks.TryGetValue(date, out var list))
                {
                    breaks[date] = list = [];
                }

                list.Add(s);
            }
        }

        var holidays = new HashSet<LocalDate>();
        var holidayList = definition.Holidays ?? [];
        for (var i = 0; i < holidayList.Count; i++)
        {
            var path = $"holidays[{i}]";
            var item = holidayList[i];
            if (item is null)
            {
                errors.Add(new(path, "A holiday cannot be null."));
                continue;
            }

            if (TryDate(item.Date, item.Calendar, path + ".date", errors, out var date))
            {
                holidays.Add(date);
            }
        }

        var recurringGregorian = new HashSet<int>();
        var recurringJalali = new HashSet<int>();
        var recurringList = definition.RecurringHolidays ?? [];
        for (var i = 0; i < recurringList.Count; i++)
        {
            var path = $"recurringHolidays[{i}]";
            var item = recurringList[i];
            if (item is null)
            {
                errors.Add(new(path, "A recurring holiday cannot be null."));
                continue;
            }

            if (item.Month is < 1 or > 12)
            {
                errors.Add(new(path + ".month", $"Month {item.Month} is not between 1 and 12."));
                continue;
            }

            var maxDay = item.Calendar == DateCalendar.Jalali
                ? (item.Month <= 6 ? 31 : 30)
                : CalendarSystem.Iso.GetDaysInMonth(2024, item.Month);
            if (item.Day < 1 || item.Day > maxDay)
            {
                var calendarName = item.Calendar == DateCalendar.Jalali ? "Jalali" : "Gregorian";
                errors.Add(new(path + ".day", $"Day {item.Day} does not exist in {calendarName} month {item.Month} (1–{maxDay})."));
                continue;
            }

            (item.Calendar == DateCalendar.Jalali ? recurringJalali : recurringGregorian).Add((item.Month * 100) + item.Day);
        }

        if (errors.Count > 0 || zone is null)
        {
            return (null, errors);
        }

        seasons.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return (new CompiledDefinition
        {
            Zone = zone,
            Weekly = weekly,
            Seasons = [.. seasons],
            Overrides = overrides,
            Breaks = breaks,
            Holidays = holidays,
            RecurringGregorian = recurringGregorian,
            RecurringJalali = recurringJalali,
        }, errors);
    }

    private static bool TryDate(string? text, DateCalendar calendar, string path, List<CalendarDefinitionError> errors, out LocalDate isoDate)
    {
        if (calendar is not (DateCalendar.Gregorian or DateCalendar.Jalali))
        {
            errors.Add(new(path, $"Unknown calendar '{calendar}'; use 'gregorian' or 'jalali'."));
            isoDate = default;
            return false;
        }

        if (DateText.TryParse(text, calendar, out isoDate))
        {
            return true;
        }

        var calendarName = calendar == DateCalendar.Jalali ? "Jalali" : "Gregorian";
        errors.Add(new(path, text is null
            ? "A date is required (yyyy-MM-dd)."
            : $"'{text}' is not an existing {calendarName} date (yyyy-MM-dd)."));
        return false;
    }

    private static Slot[][] CompileWeek(WeeklyHours? week, string path, List<CalendarDefinitionError> errors)
    {
        var result = new Slot[7][];
        week ??= new WeeklyHours();
        var placed = new List<(long Start, long End, string Path)>();
        foreach (var (day, name) in Days)
        {
            var dayPath = $"{path}.{name}";
            var ranges = week.For(day) ?? [];
            var slots = new List<Slot>();
            for (var i = 0; i < ranges.Count; i++)
            {
                var itemPath = $"{dayPath}[{i}]";
                if (ranges[i] is not { } range)
                {
                    errors.Add(new(itemPath, "An interval cannot be null."));
                    continue;
                }

                if (CompileRange(range.Start, range.End, range.Overnight, itemPath, errors) is { } slot)
                {
                    slots.Add(slot);

                    // Monday is 0; the week is laid out twice so that Sunday's overnight interval meets Monday.
                    var offset = ((int)day - 1) * NanosPerDay;
                    placed.Add((offset + slot.Start, offset + slot.End, itemPath));
                    placed.Add((offset + slot.Start + (7 * NanosPerDay), offset + slot.End + (7 * NanosPerDay), itemPath));
                }
            }

            result[(int)day % 7] = [.. slots];
        }

        ReportOverlaps(placed, errors);
        return result;
    }

    private static Slot[] CompileDay(IReadOnlyList<TimeRange>? ranges, string path, List<CalendarDefinitionError> errors)
    {
        ranges ??= [];
        var slots = new List<Slot>();
        var placed = new List<(long Start, long End, string Path)>();
        for (var i = 0; i < ranges.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (ranges[i] is not { } range)
            {
                errors.Add(new(itemPath, "An interval cannot be null."));
                continue;
            }

            if (CompileRange(range.Start, range.End, range.Overnight, itemPath, errors) is { } slot)
            {
                slots.Add(slot);
                placed.Add((slot.Start, slot.End, itemPath));
            }
        }

        ReportOverlaps(placed, errors);
        return [.. slots];
    }

    private static void ReportOverlaps(List<(long Start, long End, string Path)> placed, List<CalendarDefinitionError> errors)
    {
        placed.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        var reported = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < placed.Count; i++)
        {
            for (var j = i + 1; j < placed.Count && placed[j].Start < placed[i].End; j++)
            {
                var (first, second) = string.CompareOrdinal(placed[i].Path, placed[j].Path) <= 0
                    ? (placed[i].Path, placed[j].Path)
                    : (placed[j].Path, placed[i].Path);
                if (reported.Add(first + "|" + second))
                {
                    errors.Add(new(second, $"Overlaps {first}; intervals of one schedule must not overlap."));
                }
            }
        }
    }

    private static Slot? CompileRange(string? start, string? end, bool overnight, string path, List<CalendarDefinitionError> errors)
    {
        var ok = true;
        if (!DateText.TryParseTime(start, allowEndOfDay: false, out var s))
        {
            errors.Add(new(path + ".start", start is null
                ? "A start time is required (HH:mm)."
                : $"'{start}' is not a time of day (HH:mm or HH:mm:ss, 00:00 to 23:59:59)."));
            ok = false;
        }

        if (!DateText.TryParseTime(end, allowEndOfDay: true, out var e))
        {
            errors.Add(new(path + ".end", end is null
                ? "An end time is required (HH:mm)."
                : $"'{end}' is not a time of day (HH:mm or HH:mm:ss, 00:00 to 24:00)."));
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        var range = string.Create(CultureInfo.InvariantCulture, $"{DateText.FormatTime(s)}–{DateText.FormatTime(e)}");
        if (overnight)
        {
            if (e > s)
            {
                errors.Add(new(path, $"{range} is marked overnight but ends after it starts on the same day; remove 'overnight'."));
                return null;
            }

            return new Slot(s, e + NanosPerDay);
        }

        if (e == s)
        {
            errors.Add(new(path, $"{range} is empty; use 00:00–24:00 for a whole day."));
            return null;
        }

        if (e < s)
        {
            errors.Add(new(path, $"{range} ends before it starts; set 'overnight: true' if it crosses midnight."));
            return null;
        }

        return new Slot(s, e);
    }
}
