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

public sealed class JsonDictionaryComparer() : ValueComparer<Dictionary<string, string>>(
    (a, b) => a == null ? b == null : b != null && a.Count == b.Count && !a.Except(b).Any(),
    v => v.Aggregate(0, (hash, pair) => hash ^ HashCode.Combine(pair.Key, pair.Value)),
    v => new Dictionary<string, string>(v));

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
