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
