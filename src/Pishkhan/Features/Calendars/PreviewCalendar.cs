using System.Globalization;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Calendars;

/// <summary>An instant as the preview shows it: UTC, local wall time in the calendar's zone, and the Jalali date.</summary>
/// <param name="Utc">The instant.</param>
/// <param name="Local">Local wall time in the calendar's zone, <c>2026-03-21T11:30</c>.</param>
/// <param name="Jalali">The same in the Jalali calendar with Latin digits, <c>1405-01-01 11:30</c>.</param>
/// <param name="DisplayFa">For a Persian reader: <c>شنبه ۱ فروردین ۱۴۰۵، ۱۱:۳۰</c>.</param>
/// <param name="DisplayEn">For an English reader: <c>Sat 21 Mar 2026 11:30</c>.</param>
public sealed record PreviewMoment(DateTime Utc, string Local, string Jalali, string DisplayFa, string DisplayEn)
{
    public static PreviewMoment Of(Instant instant, DateTimeZone zone)
    {
        var local = instant.InZone(zone).LocalDateTime;
        var time = local.Second == 0 ? local.ToString("HH:mm", CultureInfo.InvariantCulture) : local.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var date = local.Date;
        return new PreviewMoment(
            instant.ToDateTimeUtc(),
            local.ToString("uuuu-MM-dd'T'", CultureInfo.InvariantCulture) + time,
            Pishkhan.Calendar.Jalali.FormatIso(date) + " " + time,
            Pishkhan.Calendar.Jalali.FormatWithWeekday(date) + "، " + Pishkhan.Calendar.Jalali.ToPersianDigits(time),
            date.ToString("ddd d MMM uuuu", CultureInfo.InvariantCulture) + " " + time);
    }
}

/// <summary>One working interval ahead, <c>[Start, End)</c>; the first is cut at the preview's start when it is open then.</summary>
public sealed record PreviewOpening(PreviewMoment Start, PreviewMoment End, double Minutes);

/// <summary>What a calendar says about the near future: <c>hours</c> of business time after <c>from</c>, and the next openings.</summary>
public sealed record CalendarPreview(
    string Zone,
    PreviewMoment From,
    bool OpenAtFrom,
    double Hours,
    PreviewMoment? Due,
    IReadOnlyList<PreviewOpening> Openings,
    string? Note);

/// <summary>The body of a preview of an unsaved definition (the editor's live preview).</summary>
public sealed record PreviewRequest(CalendarDefinition? Definition, string? From = null, double? Hours = null, int? Openings = null);

/// <summary>
/// Answers "what is <c>hours</c> business hours after <c>from</c>" (the SLA question) and lists the next openings, for a
/// stored calendar or a definition being edited.
/// </summary>
public sealed class PreviewCalendar(CalendarResolver resolver, TimeProvider clock)
{
    public const double DefaultHours = 4;
    public const int DefaultOpenings = 10;
    public const int MaxOpenings = 100;
    public const double MaxHours = 100_000;

    public async Task<Outcome<CalendarPreview>> ForStoredAsync(Guid id, string? from, double? hours, int? openings, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var (start, duration, count) = ReadParameters(errors, from, hours, openings);
        if (errors.Any)
        {
            return errors;
        }

        var resolved = await resolver.ForCalendarAsync(id, ct);
        if (resolved is null)
        {
            return new Outcome<CalendarPreview>.NotFound();
        }

        return Compute(resolved.Calendar, resolved.Zone, start, duration, count);
    }

    public Outcome<CalendarPreview> ForDefinition(PreviewRequest request)
    {
        var errors = new FieldErrors();
        var (start, duration, count) = ReadParameters(errors, request.From, request.Hours, request.Openings);
        WorkCalendarRules.ValidateDefinition(errors, request.Definition);
        if (errors.Any)
        {
            return errors;
        }

        var calendar = BusinessCalendar.Create(request.Definition!);
        return Compute(calendar, DateTimeZoneProviders.Tzdb[request.Definition!.Zone.Trim()], start, duration, count);
    }

    private (Instant From, Duration Duration, int Openings) ReadParameters(FieldErrors errors, string? from, double? hours, int? openings)
    {
        // "Now" is taken to the minute, so that answers read 11:30 rather than 11:30:07.
        var now = Instant.FromDateTimeOffset(clock.GetUtcNow());
        var start = Instant.FromUnixTimeSeconds(now.ToUnixTimeSeconds() / 60 * 60);
        if (!string.IsNullOrWhiteSpace(from))
        {
            if (!DateTimeOffset.TryParse(from.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                errors.Add("from", $"'{from}' is not an instant; use ISO 8601 such as 2026-03-19T09:00:00Z or 2026-03-19T12:30:00+03:30.");
            }
            else
            {
                start = Instant.FromDateTimeOffset(parsed);
                if (start < BusinessCalendar.MinSupportedInstant || start >= BusinessCalendar.MaxSupportedInstant - Duration.FromDays(3660))
                {
                    errors.Add("from", "'from' must be between 1900 and 2140.");
                }
            }
        }

        var h = hours ?? DefaultHours;
        if (!double.IsFinite(h) || h < 0 || h > MaxHours)
        {
            errors.Add("hours", $"'hours' must be between 0 and {MaxHours.ToString(CultureInfo.InvariantCulture)}.");
            h = 0;
        }

        var n = openings ?? DefaultOpenings;
        if (n is < 0 or > MaxOpenings)
        {
            errors.Add("openings", $"'openings' must be between 0 and {MaxOpenings}.");
            n = 0;
        }

        return (start, Duration.FromSeconds(Math.Round(h * 3600)), n);
    }

    private static CalendarPreview Compute(BusinessCalendar calendar, DateTimeZone zone, Instant from, Duration duration, int count)
    {
        PreviewMoment? due = null;
        string? note = null;
        var openings = new List<PreviewOpening>(count);
        try
        {
            due = PreviewMoment.Of(calendar.Add(from, duration), zone);
            var t = from;
            for (var i = 0; i < count; i++)
            {
                var open = calendar.NextOpen(t);
                var close = calendar.NextClose(open);
                openings.Add(new PreviewOpening(PreviewMoment.Of(open, zone), PreviewMoment.Of(close, zone), (close - open).TotalMinutes));
                t = close;
            }
        }
        catch (CalendarHorizonException e)
        {
            note = e.Message;
        }

        return new CalendarPreview(zone.Id, PreviewMoment.Of(from, zone), calendar.IsOpen(from), duration.TotalHours, due, openings, note);
    }
}
