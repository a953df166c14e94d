using Ical.Net;
using Ical.Net.DataTypes;
using NodaTime;

namespace Pishkhan.Calendar;

/// <summary>Definition entries read from an iCalendar (.ics) file.</summary>
/// <param name="Holidays">One holiday per local date covered by an all-day event.</param>
/// <param name="Breaks">Timed events as breaks in the calendar's zone, one per local date they touch.</param>
public sealed record ICalImportResult(IReadOnlyList<Holiday> Holidays, IReadOnlyList<BreakPeriod> Breaks);

/// <summary>Imports holidays and closures from iCalendar (.ics) text with Ical.Net.</summary>
public static class ICalImport
{
    /// <summary>
    /// Reads the events of <paramref name="icsText"/> that occur between <paramref name="from"/> and
    /// <paramref name="to"/> (inclusive local dates), expanding recurrences.
    /// </summary>
    /// <remarks>
    /// An all-day event (<c>DTSTART;VALUE=DATE</c>) becomes a holiday on each date it covers (its <c>DTEND</c> is
    /// exclusive): the dates are kept exactly as written, never shifted by a time zone. A timed event becomes a break
    /// in <paramref name="zone"/>: its start and end are converted to that zone's local time (a floating time is read
    /// as already local there) and split at local midnights.
    /// </remarks>
    /// <param name="icsText">The iCalendar text.</param>
    /// <param name="zone">The zone of the calendar the entries are for.</param>
    /// <param name="from">The first local date to import.</param>
    /// <param name="to">The last local date to import.</param>
    /// <returns>The holidays and breaks, in date order.</returns>
    /// <exception cref="FormatException">The text is not valid iCalendar data, or an event has no valid start.</exception>
    public static ICalImportResult Read(string icsText, DateTimeZone zone, LocalDate from, LocalDate to)
    {
        ArgumentNullException.ThrowIfNull(icsText);
        ArgumentNullException.ThrowIfNull(zone);
        from = from.WithCalendar(CalendarSystem.Iso);
        to = to.WithCalendar(CalendarSystem.Iso);

        Ical.Net.Calendar calendar;
        try
        {
            calendar = Ical.Net.Calendar.Load(icsText)
                ?? throw new FormatException("The text holds no VCALENDAR.");
        }
        catch (Exception e) when (e is not FormatException)
        {
            throw new FormatException("The text is not valid iCalendar data: " + e.Message, e);
        }

        foreach (var item in calendar.Events)
        {
            if (item.DtStart is null)
            {
                throw new FormatException($"Event '{item.Uid ?? item.Summary ?? "(unnamed)"}' has no valid DTSTART.");
            }
        }

        var holidays = new SortedDictionary<LocalDate, Holiday>();
        var breaks = new List<(LocalDate Date, BreakPeriod Break)>();
        var end = new CalDateTime(to.PlusDays(1).Year, to.PlusDays(1).Month, to.PlusDays(1).Day);
        var occurrences = calendar.GetOccurrences(new CalDateTime(from.PlusDays(-1).Year, from.PlusDays(-1).Month, from.PlusDays(-1).Day), null)
            .TakeWhileBefore(end);
        foreach (var occurrence in occurrences)
        {
            var name = (occurrence.Source as Ical.Net.CalendarComponents.CalendarEvent)?.Summary;
            var start = occurrence.Period.StartTime;
            var stop = occurrence.Period.EffectiveEndTime;
            if (!start.HasTime)
            {
                var first = new LocalDate(start.Year, start.Month, start.Day);
                var last = stop is null || !(stop.Date > start.Date)
                    ? first
                    : new LocalDate(stop.Year, stop.Month, stop.Day).PlusDays(-1);
                for (var date = first; date <= last; date = date.PlusDays(1))
                {
                    if (date >= from && date <= to && !holidays.ContainsKey(date))
                    {
                        holidays[date] = new Holiday(DateText.Format(date)) { Name = name };
                    }
                }

                continue;
            }

            var localStart = ToLocal(start, zone);
            var localEnd = stop is null ? localStart : ToLocal(stop, zone);
            for (var date = localStart.Date; date <= localEnd.Date; date = date.PlusDays(1))
            {
                var pieceStart = date == localStart.Date ? localStart.TimeOfDay : LocalTime.Midnight;
                var endsToday = date == localEnd.Date;
                if (endsToday && localEnd.TimeOfDay <= pieceStart)
                {
                    break;
                }

                if (date >= from && date <= to)
                {
                    var pieceEnd = endsToday ? Time(localEnd.TimeOfDay) : "24:00";
                    breaks.Add((date, new BreakPeriod(DateText.Format(date), Time(pieceStart), pieceEnd) { Name = name }));
                }
            }
        }

        return new ICalImportResult(
            [.. holidays.Values],
            [.. breaks.OrderBy(b => b.Date).Select(b => b.Break)]);
    }

    private static LocalDateTime ToLocal(CalDateTime value, DateTimeZone zone)
    {
        if (value.IsFloating)
        {
            return new LocalDateTime(value.Year, value.Month, value.Day, value.Hour, value.Minute, value.Second);
        }

        return Instant.FromDateTimeUtc(DateTime.SpecifyKind(value.AsUtc, DateTimeKind.Utc)).InZone(zone).LocalDateTime;
    }

    private static string Time(LocalTime time) => DateText.FormatTime(time.NanosecondOfDay - (time.NanosecondOfDay % NodaConstants.NanosecondsPerSecond));
}
