using System.Globalization;
using Fluid;
using Fluid.Values;
using NodaTime;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Automation;

/// <summary>
/// Liquid templates (Fluid) over a record: <c>{{ case.subject }}</c>, <c>{{ contact.name }}</c>, <c>{{ account.tier }}</c>,
/// <c>{{ now }}</c>, <c>{{ nextOpening }}</c>. Filters beyond Liquid's: <c>jalali</c> (a date as a Jalali date and time in
/// Tehran, Persian digits; <c>jalali: "date"</c> for the date only) and <c>tehran</c> (Gregorian, in Tehran time).
/// </summary>
public static class AutomationTemplates
{
    private static readonly FluidParser Parser = new();
    private static readonly DateTimeZone Tehran = DateTimeZoneProviders.Tzdb["Asia/Tehran"];
    private static readonly TemplateOptions Options = CreateOptions();

    public static bool TryParse(string text, out string? error)
    {
        var ok = Parser.TryParse(text, out _, out var message);
        error = ok ? null : message;
        return ok;
    }

    /// <summary>Renders <paramref name="text"/>; a template that does not parse renders as its source (validation refuses those earlier).</summary>
    public static string Render(string text, IReadOnlyDictionary<string, object?> model)
    {
        if (!Parser.TryParse(text, out var template, out _))
        {
            return text;
        }

        var context = new TemplateContext(Options);
        foreach (var (key, value) in model)
        {
            context.SetValue(key, value);
        }

        return template.Render(context);
    }

    /// <summary>The variables a template sees for a record: its fields under the type's name, contact, account, now and the next opening.</summary>
    public static Dictionary<string, object?> Model(RecordSnapshot record, Instant now, Instant? nextOpening)
    {
        var own = new Dictionary<string, object?>();
        var contact = new Dictionary<string, object?>();
        var account = new Dictionary<string, object?>();
        var custom = new Dictionary<string, object?>();
        foreach (var (field, value) in record.Values)
        {
            var v = value is IReadOnlyList<string> list ? string.Join(", ", list) : value;
            if (field.StartsWith("contact.", StringComparison.Ordinal))
            {
                contact[field["contact.".Length..]] = v;
            }
            else if (field.StartsWith("account.", StringComparison.Ordinal))
            {
                account[field["account.".Length..]] = v;
            }
            else if (field.StartsWith(RecordSchema.CustomPrefix, StringComparison.Ordinal))
            {
                custom[field[RecordSchema.CustomPrefix.Length..]] = v;
            }
            else
            {
                own[field] = v;
            }
        }

        own["customFields"] = custom;
        own["id"] = record.Id.ToString();
        return new Dictionary<string, object?>
        {
            [record.Type] = own,
            ["contact"] = contact,
            ["account"] = account,
            ["now"] = now.ToDateTimeUtc(),
            ["nextOpening"] = nextOpening?.ToDateTimeUtc(),
            ["language"] = record.Language,
        };
    }

    /// <summary>A UTC instant as a Jalali date (and time) in Tehran, with Persian digits.</summary>
    public static string Jalali(DateTime utc, bool dateOnly = false)
    {
        var local = Instant.FromDateTimeUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).InZone(Tehran).LocalDateTime.WithCalendar(CalendarSystem.PersianAstronomical);
        var text = dateOnly
            ? string.Create(CultureInfo.InvariantCulture, $"{local.Year:0000}/{local.Month:00}/{local.Day:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{local.Year:0000}/{local.Month:00}/{local.Day:00} {local.Hour:00}:{local.Minute:00}");
        return PersianText.ToPersianDigits(text);
    }

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions { CultureInfo = CultureInfo.InvariantCulture };
        options.Filters.AddFilter("jalali", (input, arguments, context) =>
            new ValueTask<FluidValue>(AsUtc(input, context) is { } utc
                ? new StringValue(Jalali(utc, arguments.At(0).ToStringValue() == "date"))
                : input));
        options.Filters.AddFilter("tehran", (input, arguments, context) =>
            new ValueTask<FluidValue>(AsUtc(input, context) is { } utc
                ? new StringValue(Instant.FromDateTimeUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).InZone(Tehran).LocalDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))
                : input));
        return options;
    }

    private static DateTime? AsUtc(FluidValue input, TemplateContext context) =>
        input.Type == FluidValues.Nil ? null
        : input.TryGetDateTimeInput(context, out var value) ? value.UtcDateTime
        : null;
}
