using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pishkhan.Platform.Auditing;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Triage;

/// <summary>
/// The organisation's one row of triage settings: the priority matrix and the classifier's threshold. Audited, so
/// the history shows who changed the matrix from what to what.
/// </summary>
public sealed class TriageSettings : IAudited
{
    public static readonly Guid SingletonId = new("7a1a9e00-0000-4000-8000-000000000001");

    public Guid Id { get; set; } = SingletonId;

    /// <summary>The matrix as its API body (names, not numbers), so the stored JSON and the audit read like the API.</summary>
    public string PriorityMatrixJson { get; set; } = Serialize(PriorityMatrix.Default.ToBody());

    /// <summary>The classifier's suggestion is applied on intake when its confidence is at least this (0–1).</summary>
    public double ClassifierThreshold { get; set; } = 0.8;

    /// <summary>Whether the classifier may set a category on intake at all (suggestions are always available).</summary>
    public bool ClassifierApplies { get; set; } = true;

    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }

    public static string Serialize(PriorityMatrixBody body) => JsonSerializer.Serialize(body with { Version = null }, JsonColumn.Options);

    public PriorityMatrix Matrix()
    {
        var body = JsonSerializer.Deserialize<PriorityMatrixBody>(PriorityMatrixJson, JsonColumn.Options);
        return PriorityMatrix.Parse(body, new Platform.Api.FieldErrors()) ?? PriorityMatrix.Default;
    }
}

internal sealed class TriageSettingsConfiguration : IEntityTypeConfiguration<TriageSettings>
{
    public void Configure(EntityTypeBuilder<TriageSettings> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Version).IsConcurrencyToken();
    }
}
