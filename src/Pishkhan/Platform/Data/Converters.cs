using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Pishkhan.Platform.Data;

/// <summary>Stores every <see cref="DateTime"/> as UTC and reads it back marked as UTC, on both providers.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

/// <summary>Custom fields are stored as one JSON object column.</summary>
public sealed class JsonDictionaryConverter() : ValueConverter<Dictionary<string, string>, string>(
    v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
    v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, (JsonSerializerOptions?)null) ?? new Dictionary<string, string>());

/// <remarks>
/// No comparer expression here may contain a lambda of its own: EF Core compiles these expressions into the change
/// tracker's snapshot and comparison code, and a nested lambda there becomes a <c>DynamicMethod.CreateDelegate</c> call
/// each time a tracked entity is snapshotted or compared.
/// </remarks>
public sealed class JsonDictionaryComparer() : ValueComparer<Dictionary<string, string>>(
    (a, b) => a == null ? b == null : b != null && a.Count == b.Count && !a.Except(b).Any(),
    v => HashOf(v),
    v => new Dictionary<string, string>(v))
{
    private static int HashOf(Dictionary<string, string> value)
    {
        var hash = 0;
        foreach (var (key, text) in value)
        {
            hash ^= HashCode.Combine(key, text);
        }

        return hash;
    }
}

/// <summary>
/// Compares lists of strings (tags, scopes, terms) element by element, in order. It replaces EF Core's own comparer for
/// these primitive collections, whose expressions hold nested lambdas (<c>Snapshot(source, v => v)</c>): compiled into
/// the change tracker, each one costs a <c>DynamicMethod.CreateDelegate</c> call per snapshot and per comparison.
/// </summary>
public sealed class StringListComparer() : ValueComparer<List<string>>(
    (a, b) => a == null ? b == null : b != null && a.SequenceEqual(b),
    v => HashOf(v),
    v => new List<string>(v))
{
    private static int HashOf(List<string> value)
    {
        var hash = new HashCode();
        foreach (var item in value)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }
}

/// <summary>Stores a small structured value (a list of conditions, a skill map) as one JSON text column.</summary>
public sealed class JsonColumnConverter<T>() : ValueConverter<T, string>(
    v => JsonSerializer.Serialize(v, JsonColumn.Options),
    v => JsonSerializer.Deserialize<T>(v, JsonColumn.Options)!)
    where T : class;

/// <summary>Compares JSON-stored values by their JSON, so a change inside a list is saved.</summary>
public sealed class JsonColumnComparer<T>() : ValueComparer<T>(
    (a, b) => JsonSerializer.Serialize(a, JsonColumn.Options) == JsonSerializer.Serialize(b, JsonColumn.Options),
    v => JsonSerializer.Serialize(v, JsonColumn.Options).GetHashCode(StringComparison.Ordinal),
    v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, JsonColumn.Options), JsonColumn.Options)!)
    where T : class;

public static class JsonColumn
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
