using Pishkhan.Features.Cases;

namespace Pishkhan.Features.Automation;

public enum FieldKind
{
    Text,
    Choice,
    Number,
    Date,
    List,
    Id,
}

/// <summary>A field conditions may read (and, when <see cref="Settable"/>, a setField step may write).</summary>
public sealed record FieldSpec(FieldKind Kind, IReadOnlyList<string>? Choices = null, bool Settable = false);

/// <summary>
/// The fields of one record type as automation sees them: the record's own, its contact's (<c>contact.*</c>) and
/// account's (<c>account.*</c>), and free custom fields (<c>customFields.*</c>). Cases are the first type; contacts and
/// accounts plug in with a schema here and a loader in <see cref="RecordAccess"/>.
/// </summary>
public sealed class RecordSchema(string type, IReadOnlyDictionary<string, FieldSpec> fields)
{
    public const string CustomPrefix = "customFields.";

    public string Type { get; } = type;

    public IReadOnlyDictionary<string, FieldSpec> Fields { get; } = fields;

    /// <summary>Whether the field can hold an instant (a date field, or a custom field read with <see cref="RecordSnapshot.DateOf"/>).</summary>
    public bool IsDateLike(string field) => Find(field) is { Kind: FieldKind.Date } || (field.StartsWith(CustomPrefix, StringComparison.Ordinal) && field.Length > CustomPrefix.Length);

    public FieldSpec? Find(string field) =>
        Fields.TryGetValue(field, out var spec) ? spec
        : field.StartsWith(CustomPrefix, StringComparison.Ordinal) && field.Length > CustomPrefix.Length ? new FieldSpec(FieldKind.Text, Settable: true)
        : null;

    public static readonly RecordSchema Case = new("case", new Dictionary<string, FieldSpec>
    {
        ["number"] = new(FieldKind.Text),
        ["subject"] = new(FieldKind.Text, Settable: true),
        ["description"] = new(FieldKind.Text),
        ["channel"] = new(FieldKind.Choice, Names<CaseChannel>()),
        ["priority"] = new(FieldKind.Choice, Names<Priority>(), Settable: true),
        ["urgency"] = new(FieldKind.Choice, Names<Level>()),
        ["impact"] = new(FieldKind.Choice, Names<Level>()),
        ["status"] = new(FieldKind.Text, Settable: true),
        ["statusCategory"] = new(FieldKind.Choice, Names<StatusCategory>()),
        ["product"] = new(FieldKind.Text, Settable: true),
        ["tags"] = new(FieldKind.List),
        ["ownerId"] = new(FieldKind.Id),
        ["teamId"] = new(FieldKind.Id),
        ["queueId"] = new(FieldKind.Id),
        ["categoryId"] = new(FieldKind.Id),
        ["createdAt"] = new(FieldKind.Date),
        ["updatedAt"] = new(FieldKind.Date),
        ["firstResponseAt"] = new(FieldKind.Date),
        ["resolvedAt"] = new(FieldKind.Date),
        ["closedAt"] = new(FieldKind.Date),
        ["contact.name"] = new(FieldKind.Text),
        ["contact.email"] = new(FieldKind.Text),
        ["contact.phone"] = new(FieldKind.Text),
        ["account.name"] = new(FieldKind.Text),
        ["account.tier"] = new(FieldKind.Text),
        ["satisfaction.rating"] = new(FieldKind.Number),
        ["satisfaction.comment"] = new(FieldKind.Text),
    });

    public static RecordSchema? For(string? type) => type switch
    {
        "case" or null => Case,
        _ => null,
    };

    internal static string Name(Enum value)
    {
        var name = value.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private static string[] Names<TEnum>()
        where TEnum : struct, Enum => [.. Enum.GetNames<TEnum>().Select(n => char.ToLowerInvariant(n[0]) + n[1..])];
}

/// <summary>
/// A record's values at one moment, by field name: strings, <see cref="decimal"/>, UTC <see cref="DateTime"/>,
/// lists of strings, or null. <see cref="Language"/> chooses a template's fa or en variant.
/// </summary>
public sealed record RecordSnapshot(string Type, Guid Id, IReadOnlyDictionary<string, object?> Values, string Language = "fa")
{
    public object? Get(string field) => Values.TryGetValue(field, out var value) ? value : null;

    /// <summary>
    /// A field as an instant: a date field's value, or a custom field holding an ISO 8601 date (<c>2026-03-01</c>,
    /// read as midnight UTC) or date and time; null when empty or not a date.
    /// </summary>
    public DateTime? DateOf(string field) => Get(field) switch
    {
        DateTime d => d,
        string text when DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var parsed) => parsed.UtcDateTime,
        _ => null,
    };

    /// <summary>A deleted record, as its last values (carried by the deletion's outbox event as "before").</summary>
    public static RecordSnapshot Deleted(string type, Guid id, IReadOnlyDictionary<string, FieldChange> changes) =>
        new(type, id, changes.ToDictionary(c => c.Key, c => (object?)c.Value.From));
}

/// <summary>One field's change, as text (enumerations by their camelCase name, ids as GUIDs).</summary>
public sealed record FieldChange(string? From, string? To);
