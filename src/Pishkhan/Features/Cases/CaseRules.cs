using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Cases;

/// <summary>Limits and defaults every write path of a case applies alike.</summary>
public static class CaseRules
{
    public const int SubjectMaxLength = 300;
    public const int DescriptionMaxLength = 20_000;
    public const int BodyMaxLength = 50_000;
    public const int MaxTags = 20;
    public const int TagMaxLength = 50;
    public const int MaxCustomFields = 50;
    public const int CustomFieldKeyMaxLength = 50;
    public const int CustomFieldValueMaxLength = 2_000;

    /// <summary>
    /// The default 3 × 3 urgency × impact matrix: High/High is Critical, a High with a Medium is High,
    /// Low/Low is Low, everything else Medium.
    /// </summary>
    public static Priority PriorityFrom(Level urgency, Level impact) => ((int)urgency + (int)impact) switch
    {
        2 => Priority.Critical,
        3 => Priority.High,
        6 => Priority.Low,
        _ => Priority.Medium,
    };

    public static void ValidateTags(Platform.Api.FieldErrors errors, string field, IReadOnlyCollection<string>? tags)
    {
        if (tags is null)
        {
            return;
        }

        if (tags.Count > MaxTags)
        {
            errors.Add(field, $"At most {MaxTags} tags.");
        }

        if (tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > TagMaxLength))
        {
            errors.Add(field, $"Each tag must be 1–{TagMaxLength} characters.");
        }
    }

    public static void ValidateCustomFields(Platform.Api.FieldErrors errors, string field, IReadOnlyDictionary<string, string>? fields)
    {
        if (fields is null)
        {
            return;
        }

        if (fields.Count > MaxCustomFields)
        {
            errors.Add(field, $"At most {MaxCustomFields} custom fields.");
        }

        foreach (var (key, value) in fields)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length > CustomFieldKeyMaxLength)
            {
                errors.Add($"{field}.{key}", $"Custom field names must be 1–{CustomFieldKeyMaxLength} characters.");
            }
            else if (value is null || value.Length > CustomFieldValueMaxLength)
            {
                errors.Add($"{field}.{key}", $"Custom field values must be text of at most {CustomFieldValueMaxLength} characters.");
            }
        }
    }

    public static List<string> CleanTags(IEnumerable<string> tags) =>
        tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public static bool TryParse<TEnum>(string? value, out TEnum result)
        where TEnum : struct, Enum =>
        Enum.TryParse(value, ignoreCase: true, out result) && Enum.IsDefined(result) && !int.TryParse(value, out _);

    /// <summary>
    /// <paramref name="value"/> as <typeparamref name="TEnum"/>; empty gives <paramref name="fallback"/>, and anything
    /// else not a name of it adds an error on <paramref name="field"/> listing the allowed names.
    /// </summary>
    public static TEnum ParseOrDefault<TEnum>(FieldErrors errors, string field, string? value, TEnum fallback)
        where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (TryParse<TEnum>(value, out var parsed))
        {
            return parsed;
        }

        errors.Add(field, $"'{value}' is not a valid {field}; use one of: {Allowed<TEnum>()}.");
        return fallback;
    }

    public static string Allowed<TEnum>()
        where TEnum : struct, Enum => string.Join(", ", Enum.GetNames<TEnum>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]));
}
