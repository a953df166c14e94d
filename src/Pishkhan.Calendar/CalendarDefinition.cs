using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pishkhan.Calendar;

/// <summary>
/// The editable description of a business calendar: a time zone, weekly hours, seasonal hours,
/// date overrides, breaks and holidays. It is plain data that round-trips through System.Text.Json
/// (camelCase, see <see cref="JsonOptions"/>); call <see cref="Validate"/> to list what is wrong with it,
/// and <see cref="BusinessCalendar.Create(CalendarDefinition)"/> to turn it into a calendar.
/// </summary>
/// <remarks>
/// <para>Times of day are strings <c>HH:mm</c> or <c>HH:mm:ss</c> in local wall time; <c>24:00</c> is allowed as
/// an end. Dates are strings <c>yyyy-MM-dd</c> read in the calendar named beside them (Gregorian unless
/// <see cref="DateCalendar.Jalali"/> is given). Keeping them as strings lets a definition hold whatever
/// a user typed, so that validation can name each bad item instead of failing to deserialize.</para>
/// <para>Which hours apply on a local date, most specific first: a <see cref="DateOverride"/> for that date;
/// otherwise nothing if the date is a holiday (one-off or recurring); otherwise the weekday's intervals
/// from the latest <see cref="SeasonalHours"/> effective on or before that date, or from <see cref="Weekly"/>
/// when no season has started. Every interval belongs to the date it starts on, including one that
/// crosses midnight. <see cref="Breaks"/> are then removed from whatever is open.</para>
/// </remarks>
public sealed record CalendarDefinition
{
    /// <summary>The IANA (tzdb) time zone id in which all local times and dates are read, e.g. <c>Asia/Tehran</c>.</summary>
    public string Zone { get; init; } = "UTC";

    /// <summary>The weekly hours in force before the first <see cref="Seasons"/> entry (or always, when there is none).</summary>
    public WeeklyHours Weekly { get; init; } = new();

    /// <summary>Weekly schedules that take over from a date on (summer and winter hours).</summary>
    public IReadOnlyList<SeasonalHours> Seasons { get; init; } = [];

    /// <summary>Local dates with their own intervals, replacing the weekday's (and beating holidays).</summary>
    public IReadOnlyList<DateOverride> Overrides { get; init; } = [];

    /// <summary>Local date and time ranges removed from working time.</summary>
    public IReadOnlyList<BreakPeriod> Breaks { get; init; } = [];

    /// <summary>One-off holidays: whole local dates with no working time.</summary>
    public IReadOnlyList<Holiday> Holidays { get; init; } = [];

    /// <summary>Holidays that recur every year on the same Jalali or Gregorian month and day.</summary>
    public IReadOnlyList<RecurringHoliday> RecurringHolidays { get; init; } = [];

    /// <summary>
    /// The serializer options this library uses for definitions: web defaults (camelCase, case-insensitive
    /// reading), default values omitted when writing.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    };

    /// <summary>Lists every problem with this definition; empty when it is valid.</summary>
    /// <returns>One error per bad item, each naming the item by its JSON path (e.g. <c>weekly.monday[1].end</c>).</returns>
    public IReadOnlyList<CalendarDefinitionError> Validate() => DefinitionCompiler.Compile(this).Errors;

    /// <summary>Serializes this definition to camelCase JSON with <see cref="JsonOptions"/>.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a definition from JSON written by <see cref="ToJson"/> (or by a client using camelCase names).</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The definition, not yet validated.</returns>
    /// <exception cref="JsonException">The text is not JSON of the right shape.</exception>
    public static CalendarDefinition FromJson(string json) =>
        JsonSerializer.Deserialize<CalendarDefinition>(json, JsonOptions)
        ?? throw new JsonException("A calendar definition cannot be null.");
}

/// <summary>The calendar system in which a date or a month and day are written.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DateCalendar>))]
public enum DateCalendar
{
    /// <summary>The ISO (Gregorian) calendar; JSON <c>"gregorian"</c>.</summary>
    [JsonStringEnumMemberName("gregorian")]
    Gregorian = 0,

    /// <summary>The Solar Hijri (Jalali, Iran's official) calendar; JSON <c>"jalali"</c>.</summary>
    [JsonStringEnumMemberName("jalali")]
    Jalali = 1,
}

/// <summary>
/// A working interval in local wall time, <c>[Start, End)</c>. <see cref="End"/> may be <c>24:00</c>.
/// An interval that crosses midnight (<c>22:00</c>–<c>06:00</c>) must say so with <see cref="Overnight"/>;
/// it belongs to the date it starts on.
/// </summary>
/// <param name="Start">Start time, <c>HH:mm</c> or <c>HH:mm:ss</c>, from <c>00:00</c> to <c>23:59:59</c>.</param>
/// <param name="End">End time, <c>HH:mm</c> or <c>HH:mm:ss</c>, up to <c>24:00</c>.</param>
public sealed record TimeRange(string Start, string End)
{
    /// <summary>
    /// True when the interval crosses midnight and ends on the next date at <see cref="End"/>. Requiring the flag
    /// turns a typo such as <c>09:00</c>–<c>05:00</c> into a validation error instead of a 20-hour shift.
    /// </summary>
    public bool Overnight { get; init; }
}

/// <summary>The working intervals of each weekday. A weekday with no intervals is closed.</summary>
public sealed record WeeklyHours
{
    /// <summary>Monday's intervals.</summary>
    public IReadOnlyList<TimeRange> Monday { get; init; } = [];

    /// <summary>Tuesday's intervals.</summary>
    public IReadOnlyList<TimeRange> Tuesday { get; init; } = [];

    /// <summary>Wednesday's intervals.</summary>
    public IReadOnlyList<TimeRange> Wednesday { get; init; } = [];

    /// <summary>Thursday's intervals.</summary>
    public IReadOnlyList<TimeRange> Thursday { get; init; } = [];

    /// <summary>Friday's intervals.</summary>
    public IReadOnlyList<TimeRange> Friday { get; init; } = [];

    /// <summary>Saturday's intervals.</summary>
    public IReadOnlyList<TimeRange> Saturday { get; init; } = [];

    /// <summary>Sunday's intervals.</summary>
    public IReadOnlyList<TimeRange> Sunday { get; init; } = [];

    /// <summary>The intervals of one weekday.</summary>
    /// <param name="day">The weekday.</param>
    /// <returns>That day's intervals (possibly empty).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="day"/> is not a weekday.</exception>
    public IReadOnlyList<TimeRange> For(NodaTime.IsoDayOfWeek day) => day switch
    {
        NodaTime.IsoDayOfWeek.Monday => Monday,
        NodaTime.IsoDayOfWeek.Tuesday => Tuesday,
        NodaTime.IsoDayOfWeek.Wednesday => Wednesday,
        NodaTime.IsoDayOfWeek.Thursday => Thursday,
        NodaTime.IsoDayOfWeek.Friday => Friday,
        NodaTime.IsoDayOfWeek.Saturday => Saturday,
        NodaTime.IsoDayOfWeek.Sunday => Sunday,
        _ => throw new ArgumentOutOfRangeException(nameof(day), day, "Not a day of the week."),
    };

    /// <summary>Returns a copy in which each of <paramref name="days"/> has exactly <paramref name="ranges"/>.</summary>
    /// <param name="days">The weekdays to set.</param>
    /// <param name="ranges">Their intervals.</param>
    /// <returns>The new weekly hours.</returns>
    public WeeklyHours With(IEnumerable<NodaTime.IsoDayOfWeek> days, params TimeRange[] ranges)
    {
        ArgumentNullException.ThrowIfNull(days);
        var result = this;
        IReadOnlyList<TimeRange> list = [.. ranges];
        foreach (var day in days)
        {
            result = day switch
            {
                NodaTime.IsoDayOfWeek.Monday => result with { Monday = list },
                NodaTime.IsoDayOfWeek.Tuesday => result with { Tuesday = list },
                NodaTime.IsoDayOfWeek.Wednesday => result with { Wednesday = list },
                NodaTime.IsoDayOfWeek.Thursday => result with { Thursday = list },
                NodaTime.IsoDayOfWeek.Friday => result with { Friday = list },
                NodaTime.IsoDayOfWeek.Saturday => result with { Saturday = list },
                NodaTime.IsoDayOfWeek.Sunday => result with { Sunday = list },
                _ => throw new ArgumentOutOfRangeException(nameof(days), day, "Not a day of the week."),
            };
        }

        return result;
    }
}

/// <summary>A weekly schedule that applies from <see cref="EffectiveFrom"/> until the next season starts.</summary>
/// <param name="EffectiveFrom">The first local date (<c>yyyy-MM-dd</c> in <see cref="Calendar"/>) on which it applies.</param>
/// <param name="Weekly">The weekly hours of the season.</param>
public sealed record SeasonalHours(string EffectiveFrom, WeeklyHours Weekly)
{
    /// <summary>The calendar <see cref="EffectiveFrom"/> is written in.</summary>
    public DateCalendar Calendar { get; init; }

    /// <summary>An optional label, e.g. "Summer 1404".</summary>
    public string? Name { get; init; }
}

/// <summary>A local date with its own working intervals, replacing the weekday's; an empty list closes the date.</summary>
/// <param name="Date">The local date, <c>yyyy-MM-dd</c> in <see cref="Calendar"/>.</param>
/// <param name="Hours">The date's intervals.</param>
public sealed record DateOverride(string Date, IReadOnlyList<TimeRange> Hours)
{
    /// <summary>The calendar <see cref="Date"/> is written in.</summary>
    public DateCalendar Calendar { get; init; }

    /// <summary>An optional label, e.g. "Half day before Nowruz".</summary>
    public string? Name { get; init; }
}

/// <summary>
/// A local date and time range removed from working time, <c>[Start, End)</c> on <see cref="Date"/>
/// (ending on the next date when <see cref="Overnight"/>).
/// </summary>
/// <param name="Date">The local date, <c>yyyy-MM-dd</c> in <see cref="Calendar"/>.</param>
/// <param name="Start">Start time, <c>HH:mm</c> or <c>HH:mm:ss</c>.</param>
/// <param name="End">End time, up to <c>24:00</c>.</param>
public sealed record BreakPeriod(string Date, string Start, string End)
{
    /// <summary>The calendar <see cref="Date"/> is written in.</summary>
    public DateCalendar Calendar { get; init; }

    /// <summary>True when the break crosses midnight into the next date.</summary>
    public bool Overnight { get; init; }

    /// <summary>An optional label.</summary>
    public string? Name { get; init; }
}

/// <summary>A one-off holiday: a whole local date on which no interval starts (unless a <see cref="DateOverride"/> says otherwise).</summary>
/// <param name="Date">The local date, <c>yyyy-MM-dd</c> in <see cref="Calendar"/>.</param>
public sealed record Holiday(string Date)
{
    /// <summary>The calendar <see cref="Date"/> is written in.</summary>
    public DateCalendar Calendar { get; init; }

    /// <summary>An optional label, e.g. "Nowruz".</summary>
    public string? Name { get; init; }

    /// <summary>A holiday on a Gregorian (ISO) date.</summary>
    /// <param name="date">The date, in any calendar system (it is converted to ISO).</param>
    /// <param name="name">An optional label.</param>
    /// <returns>The holiday.</returns>
    public static Holiday OnGregorian(NodaTime.LocalDate date, string? name = null) =>
        new(DateText.Format(date.WithCalendar(NodaTime.CalendarSystem.Iso))) { Name = name };

    /// <summary>A holiday on a Jalali date.</summary>
    /// <param name="year">Jalali year.</param>
    /// <param name="month">Jalali month, 1–12.</param>
    /// <param name="day">Jalali day of month.</param>
    /// <param name="name">An optional label.</param>
    /// <returns>The holiday; it is not validated until the definition is.</returns>
    public static Holiday OnJalali(int year, int month, int day, string? name = null) =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}"))
        {
            Calendar = DateCalendar.Jalali,
            Name = name,
        };
}

/// <summary>
/// A holiday every year on <see cref="Month"/>/<see cref="Day"/> of <see cref="Calendar"/>. In a year where the
/// day does not exist (Esfand 30 or February 29 outside leap years) there is no holiday.
/// </summary>
/// <param name="Month">Month, 1–12.</param>
/// <param name="Day">Day of month; it must exist in at least some years.</param>
public sealed record RecurringHoliday(int Month, int Day)
{
    /// <summary>The calendar the month and day are counted in.</summary>
    public DateCalendar Calendar { get; init; }

    /// <summary>An optional label, e.g. "Nowruz".</summary>
    public string? Name { get; init; }
}
