using System.Globalization;
using Microsoft.Extensions.Primitives;
using NodaTime;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Reports;

/// <summary>
/// The filters every report takes. The period is two Gregorian ISO dates (<c>from</c>, <c>to</c>, both included) in the
/// organisation's time zone; the UI's Jalali pickers convert before calling. Absent: the last 30 days up to today.
/// </summary>
public sealed record ReportFilter
{
    public const int MaxDays = 3 * 366;

    public LocalDate? From { get; init; }
    public LocalDate? To { get; init; }
    public Guid? TeamId { get; init; }
    public Guid? AgentId { get; init; }
    public Guid? QueueId { get; init; }
    public Guid? CategoryId { get; init; }
    public CaseChannel? Channel { get; init; }
    public Priority? Priority { get; init; }
    public Guid? PolicyId { get; init; }
    public Granularity Granularity { get; init; } = Granularity.Day;
    public VolumeDimension By { get; init; } = VolumeDimension.Channel;

    /// <summary>Bucket months (and name them) in the Jalali calendar.</summary>
    public bool Jalali { get; init; }

    /// <summary>The forecast's handling time per case in minutes; null: the average business resolution time of the last 28 days.</summary>
    public double? HandlingMinutes { get; init; }

    /// <summary>Productive hours one agent gives in a day (the forecast's staffing).</summary>
    public double AgentHoursPerDay { get; init; } = 8;

    /// <summary>How many rows "top" reports list.</summary>
    public int Top { get; init; } = 10;

    /// <summary>The period as instants, <c>[start, end)</c>, in <paramref name="zone"/>; defaults to the 30 days ending <paramref name="today"/>.</summary>
    public (Instant Start, Instant End, LocalDate From, LocalDate To) Period(DateTimeZone zone, LocalDate today)
    {
        var to = To ?? today;
        var from = From ?? to.PlusDays(-29);
        return (zone.AtStartOfDay(from).ToInstant(), zone.AtStartOfDay(to.PlusDays(1)).ToInstant(), from, to);
    }

    /// <summary>The query string that reproduces this filter (for shareable links and export links).</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                parts.Add($"{name}={Uri.EscapeDataString(Convert.ToString(value, CultureInfo.InvariantCulture)!)}");
            }
        }

        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("teamId", TeamId);
        Add("agentId", AgentId);
        Add("queueId", QueueId);
        Add("categoryId", CategoryId);
        Add("channel", Channel is { } c ? JsonName(c.ToString()) : null);
        Add("priority", Priority is { } p ? JsonName(p.ToString()) : null);
        Add("policyId", PolicyId);
        Add("granularity", Granularity == Granularity.Day ? null : JsonName(Granularity.ToString()));
        Add("by", By == VolumeDimension.Channel ? null : JsonName(By.ToString()));
        Add("calendar", Jalali ? "jalali" : null);
        Add("top", Top == 10 ? null : Top);
        Add("handlingMinutes", HandlingMinutes);
        Add("agentHours", AgentHoursPerDay == 8 ? null : AgentHoursPerDay);
        return string.Join('&', parts);
    }

    private static string JsonName(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>Reads the filter from a query string; every bad parameter is named, and nothing is guessed.</summary>
    public static Outcome<ReportFilter> Parse(IReadOnlyDictionary<string, StringValues> query)
    {
        var errors = new FieldErrors();
        string? Get(string name) => query.TryGetValue(name, out var v) && !StringValues.IsNullOrEmpty(v) ? v.ToString() : null;

        LocalDate? Date(string name)
        {
            if (Get(name) is not { } text)
            {
                return null;
            }

            if (DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                return LocalDate.FromDateTime(d);
            }

            errors.Add(name, $"'{name}' must be a Gregorian date like 2026-11-23 (got '{text}').");
            return null;
        }

        Guid? Id(string name)
        {
            if (Get(name) is not { } text)
            {
                return null;
            }

            if (Guid.TryParse(text, out var id))
            {
                return id;
            }

            errors.Add(name, $"'{name}' must be an id (got '{text}').");
            return null;
        }

        T? Enum<T>(string name)
            where T : struct, Enum
        {
            if (Get(name) is not { } text)
            {
                return null;
            }

            if (!int.TryParse(text, out _) && System.Enum.TryParse<T>(text, ignoreCase: true, out var value))
            {
                return value;
            }

            errors.Add(name, $"'{name}' must be one of {string.Join(", ", System.Enum.GetNames<T>().Select(JsonName))} (got '{text}').");
            return null;
        }

        var from = Date("from");
        var to = Date("to");
        if (from is { } f && to is { } t)
        {
            if (t < f)
            {
                errors.Add("to", "'to' must not be before 'from'.");
            }
            else if (NodaTime.Period.Between(f, t, PeriodUnits.Days).Days >= MaxDays)
            {
                errors.Add("to", $"A report covers at most {MaxDays} days.");
            }
        }

        var calendar = Get("calendar");
        if (calendar is not null and not "jalali" and not "gregorian")
        {
            errors.Add("calendar", $"'calendar' must be jalali or gregorian (got '{calendar}').");
        }

        var top = 10;
        if (Get("top") is { } topText && (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top is < 1 or > 100))
        {
            errors.Add("top", "'top' must be a whole number from 1 to 100.");
        }

        double? Number(string name, double min, double max)
        {
            if (Get(name) is not { } text)
            {
                return null;
            }

            if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            errors.Add(name, $"'{name}' must be a number from {min} to {max} (got '{text}').");
            return null;
        }

        var filter = new ReportFilter
        {
            From = from,
            To = to,
            TeamId = Id("teamId"),
            AgentId = Id("agentId"),
            QueueId = Id("queueId"),
            CategoryId = Id("categoryId"),
            Channel = Enum<CaseChannel>("channel"),
            Priority = Enum<Priority>("priority"),
            PolicyId = Id("policyId"),
            Granularity = Enum<Granularity>("granularity") ?? Granularity.Day,
            By = Enum<VolumeDimension>("by") ?? VolumeDimension.Channel,
            Jalali = calendar == "jalali",
            Top = top,
            HandlingMinutes = Number("handlingMinutes", 1, 24 * 60),
            AgentHoursPerDay = Number("agentHours", 1, 24) ?? 8,
        };
        return errors.Any ? errors : filter;
    }
}
