using System.Text.Json;
using Pishkhan.Calendar;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Calendars;

/// <summary>A calendar with its whole definition.</summary>
public sealed record CalendarDto(
    Guid Id,
    string Name,
    string? Description,
    bool IsDefault,
    CalendarDefinition Definition,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int Version)
{
    public static CalendarDto From(WorkCalendar c) =>
        new(c.Id, c.Name, c.Description, c.IsDefault, CalendarDefinition.FromJson(c.Definition), c.CreatedAt, c.UpdatedAt, c.Version);
}

/// <summary>A calendar in a list: what an admin scans for, and how many users and teams follow it explicitly.</summary>
public sealed record CalendarSummaryDto(
    Guid Id,
    string Name,
    string? Description,
    bool IsDefault,
    string Zone,
    int HolidayCount,
    int UserCount,
    int TeamCount,
    DateTime UpdatedAt,
    int Version);

/// <summary>A user or team that references a calendar.</summary>
public sealed record CalendarUserRef(Guid Id, string Name);

/// <summary>Who references a calendar explicitly (those with no calendar follow the default).</summary>
public sealed record CalendarUsage(IReadOnlyList<CalendarUserRef> Users, IReadOnlyList<CalendarUserRef> Teams)
{
    public bool Any => Users.Count > 0 || Teams.Count > 0;
}

/// <summary>
/// The body of create and update: the whole calendar (a full replace). <c>version</c> is required on update.
/// </summary>
public sealed record CalendarRequest(string? Name, string? Description, CalendarDefinition? Definition, int? Version = null)
{
    /// <summary>
    /// Reads a request body by hand, so that a definition of the wrong shape is a 400 naming where it went wrong
    /// (<c>definition.weekly.monday</c>) instead of a bare binding failure.
    /// </summary>
    public static Outcome<CalendarRequest> FromJson(JsonElement body)
    {
        var errors = new FieldErrors();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "The body must be a JSON object with 'name', 'description', 'definition' and (on update) 'version'.");
            return errors;
        }

        string? name = null, description = null;
        CalendarDefinition? definition = null;
        int? version = null;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name.ToUpperInvariant())
            {
                case "NAME":
                    name = ReadString(property, "name", errors);
                    break;
                case "DESCRIPTION":
                    description = ReadString(property, "description", errors);
                    break;
                case "VERSION":
                    if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var v))
                    {
                        version = v;
                    }
                    else if (property.Value.ValueKind != JsonValueKind.Null)
                    {
                        errors.Add("version", "'version' must be a whole number.");
                    }

                    break;
                case "DEFINITION":
                    definition = ReadDefinition(property.Value, errors);
                    break;
            }
        }

        return errors.Any ? errors : new CalendarRequest(name, description, definition, version);
    }

    /// <summary>Reads a definition; a wrong shape is an error on <c>definition</c> or the path inside it.</summary>
    public static CalendarDefinition? ReadDefinition(JsonElement value, FieldErrors errors, string field = "definition")
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(field, $"'{field}' must be a JSON object (zone, weekly, holidays, …).");
            return null;
        }

        try
        {
            return CalendarDefinition.FromJson(value.GetRawText());
        }
        catch (JsonException e)
        {
            var path = e.Path is { Length: > 1 } p && p.StartsWith('$') ? field + p[1..] : field;
            var message = e.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            errors.Add(path, $"'{path}' has the wrong shape: {(cut > 0 ? message[..cut] : message)}");
            return null;
        }
    }

    private static string? ReadString(JsonProperty property, string field, FieldErrors errors)
    {
        switch (property.Value.ValueKind)
        {
            case JsonValueKind.String:
                return property.Value.GetString();
            case JsonValueKind.Null:
                return null;
            default:
                errors.Add(field, $"'{field}' must be a string.");
                return null;
        }
    }
}

public static class WorkCalendarRules
{
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 500;

    /// <summary>Turns the definition's own validation into per-field errors named by JSON path under <c>definition</c>.</summary>
    public static void ValidateDefinition(FieldErrors errors, CalendarDefinition? definition)
    {
        if (definition is null)
        {
            errors.Add("definition", "'definition' is required: a zone, weekly hours and holidays.");
            return;
        }

        foreach (var error in definition.Validate())
        {
            errors.Add(string.IsNullOrEmpty(error.Path) ? "definition" : "definition." + error.Path, error.Message);
        }
    }
}
