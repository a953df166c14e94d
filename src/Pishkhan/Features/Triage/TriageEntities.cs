using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pishkhan.Features.Routing;
using Pishkhan.Platform.Auditing;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Triage;

/// <summary>
/// A categorisation rule (قاعدهٔ دسته‌بندی): when all its conditions hold for a new case, it sets the category and
/// product (if nothing earlier did) and adds its tags. Rules are tried by <see cref="Position"/>.
/// </summary>
public sealed class CategorisationRule : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public int Position { get; set; }
    public bool IsActive { get; set; } = true;

    /// <summary>The same conditions as routing rules (keyword, channel, senderDomain, product, language, ...).</summary>
    public List<RoutingCondition> Conditions { get; set; } = [];

    public Guid? SetCategoryId { get; set; }
    public string? SetProduct { get; set; }
    public List<string> AddTags { get; set; } = [];
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>A trained category classifier, kept so a restart (or another node) uses it; the newest row is the one in use.</summary>
public sealed class ClassifierModel
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public DateTime TrainedAt { get; set; }

    /// <summary>The ML.NET model as saved by <c>MLContext.Model.Save</c>.</summary>
    public byte[] Model { get; set; } = [];

    public int TrainingCases { get; set; }
    public int HeldOutCases { get; set; }

    /// <summary>Share of held-out cases whose category the model named correctly (0–1).</summary>
    public double Accuracy { get; set; }

    /// <summary>The categories it knows, with how many labelled cases each had, as JSON.</summary>
    public string CategoriesJson { get; set; } = "[]";

    public string TrainedBy { get; set; } = "";
}

internal sealed class CategorisationRuleConfiguration : IEntityTypeConfiguration<CategorisationRule>
{
    public void Configure(EntityTypeBuilder<CategorisationRule> builder)
    {
        builder.Property(r => r.Name).HasMaxLength(200);
        builder.Property(r => r.SetProduct).HasMaxLength(200);
        builder.Property(r => r.Conditions)
            .HasConversion(new JsonColumnConverter<List<RoutingCondition>>(), new JsonColumnComparer<List<RoutingCondition>>());
        builder.Property(r => r.AddTags)
            .HasConversion(new JsonColumnConverter<List<string>>(), new JsonColumnComparer<List<string>>());
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasIndex(r => r.Position);
        builder.HasOne<Cases.Category>().WithMany().HasForeignKey(r => r.SetCategoryId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ClassifierModelConfiguration : IEntityTypeConfiguration<ClassifierModel>
{
    public void Configure(EntityTypeBuilder<ClassifierModel> builder)
    {
        builder.Property(m => m.TrainedBy).HasMaxLength(200);
        builder.HasIndex(m => m.TrainedAt);
    }
}
