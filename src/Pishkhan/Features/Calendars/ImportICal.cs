using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Calendars;

/// <summary>
/// An iCalendar file to read. <c>fromYear</c>–<c>toYear</c> (inclusive) bound the recurrences expanded; they are
/// Gregorian years unless <c>yearCalendar</c> is <c>jalali</c>.
/// </summary>
public sealed record ICalImportRequest(string? Ics, string? Zone, int? FromYear, int? ToYear, DateCalendar YearCalendar = DateCalendar.Gregorian);

/// <summary>What the file holds, ready to merge into a definition: all-day events as holidays on exactly their dates, timed events as breaks.</summary>
public sealed record ICalImportDto(string From, string To, IReadOnlyList<Holiday> Holidays, IReadOnlyList<BreakPeriod> Breaks);

/// <summary>Reads holidays and closures out of an .ics file; it stores nothing (the editor merges the result and saves).</summary>
public static class ImportICal
{
    public const int MaxChars = 2_000_000;
    public const int MaxYears = 10;

    public static Outcome<ICalImportDto> Read(ICalImportRequest request)
    {
        var errors = new FieldErrors();
        errors.Required("ics", request.Ics);
        if (request.Ics is { Length: > MaxChars })
        {
            errors.Add("ics", $"The file is too large; at most {MaxChars:N0} characters.");
        }

        DateTimeZone? zone = null;
        if (string.IsNullOrWhiteSpace(request.Zone))
        {
            errors.Add("zone", "'zone' is required: the IANA zone of the calendar the events are for, e.g. Asia/Tehran.");
        }
        else if ((zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(request.Zone.Trim())) is null)
        {
            errors.Add("zone", $"Unknown time zone '{request.Zone}'; use an IANA (tzdb) id such as 'Asia/Tehran'.");
        }

        var (min, max) = request.YearCalendar == DateCalendar.Jalali ? (1300, 1500) : (1920, 2120);
        if (request.FromYear is not { } fromYear || fromYear < min || fromYear > max)
        {
            errors.Add("fromYear", $"'fromYear' is required, between {min} and {max}.");
        }

        if (request.ToYear is not { } toYear || toYear < min || toYear > max)
        {
            errors.Add("toYear", $"'toYear' is required, between {min} and {max}.");
        }
        else if (request.FromYear is { } f && (toYear < f || toYear - f >= MaxYears))
        {
            errors.Add("toYear", $"'toYear' must be from 'fromYear' to {MaxYears - 1} years after it.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var (from, to) = request.YearCalendar == DateCalendar.Jalali
            ? (Pishkhan.Calendar.Jalali.Year(request.FromYear!.Value).Start, Pishkhan.Calendar.Jalali.Year(request.ToYear!.Value).End)
            : (new LocalDate(request.FromYear!.Value, 1, 1), new LocalDate(request.ToYear!.Value, 12, 31));
        try
        {
            var result = ICalImport.Read(request.Ics!, zone!, from, to);
            return new ICalImportDto(Iso(from), Iso(to), result.Holidays, result.Breaks);
        }
        catch (FormatException e)
        {
            errors.Add("ics", e.Message);
            return errors;
        }
    }

    private static string Iso(LocalDate date) => Holiday.OnGregorian(date).Date;
}
