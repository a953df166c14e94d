using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pishkhan.Features.Cases;

internal sealed class CaseConfiguration : IEntityTypeConfiguration<Case>
{
    public void Configure(EntityTypeBuilder<Case> builder)
    {
        builder.Property(c => c.Number).HasMaxLength(20);
        builder.HasIndex(c => c.Number).IsUnique();
        builder.Property(c => c.Subject).HasMaxLength(CaseRules.SubjectMaxLength);
        builder.Property(c => c.Description).HasMaxLength(CaseRules.DescriptionMaxLength);
        builder.Property(c => c.Product).HasMaxLength(200);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.HasOne(c => c.Status).WithMany().HasForeignKey(c => c.StatusId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.Category).WithMany().HasForeignKey(c => c.CategoryId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.Owner).WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.Team).WithMany().HasForeignKey(c => c.TeamId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.Contact).WithMany().HasForeignKey(c => c.ContactId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.Account).WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Restrict);

        // The list filters by these and orders by time; each pair serves one filter in SQL.
        builder.HasIndex(c => c.CreatedAt);
        builder.HasIndex(c => c.UpdatedAt);
        builder.HasIndex(c => new { c.StatusId, c.CreatedAt });
        builder.HasIndex(c => new { c.TeamId, c.CreatedAt });
        builder.HasIndex(c => new { c.OwnerId, c.CreatedAt });
        builder.HasIndex(c => new { c.ContactId, c.CreatedAt });
        builder.HasIndex(c => new { c.AccountId, c.CreatedAt });
        builder.HasIndex(c => new { c.Priority, c.CreatedAt });
        builder.HasOne<Routing.WorkQueue>().WithMany().HasForeignKey(c => c.QueueId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => new { c.QueueId, c.OwnerId, c.QueuedAt });
    }
}

internal sealed class CaseStatusConfiguration : IEntityTypeConfiguration<CaseStatus>
{
    public void Configure(EntityTypeBuilder<CaseStatus> builder)
    {
        builder.Property(s => s.Name).HasMaxLength(100);
        builder.Property(s => s.NameFa).HasMaxLength(100);
        builder.HasIndex(s => s.Name).IsUnique();
    }
}

internal sealed class CategoryConfiguration : IEntityTypeConfiguration<Category>
{
    public void Configure(EntityTypeBuilder<Category> builder)
    {
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.NameFa).HasMaxLength(200);
        builder.HasOne(c => c.Parent).WithMany().HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CaseNumberCounterConfiguration : IEntityTypeConfiguration<CaseNumberCounter>
{
    public void Configure(EntityTypeBuilder<CaseNumberCounter> builder)
    {
        builder.HasKey(c => c.Year);
        builder.Property(c => c.Year).ValueGeneratedNever();
    }
}

internal sealed class TimelineEntryConfiguration : IEntityTypeConfiguration<TimelineEntry>
{
    public void Configure(EntityTypeBuilder<TimelineEntry> builder)
    {
        builder.Property(t => t.AuthorName).HasMaxLength(200);
        builder.Property(t => t.Field).HasMaxLength(50);
        builder.HasIndex(t => new { t.CaseId, t.CreatedAt });
        builder.HasOne<Case>().WithMany().HasForeignKey(t => t.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(t => t.Attachments).WithOne().HasForeignKey(a => a.TimelineEntryId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AttachmentConfiguration : IEntityTypeConfiguration<Attachment>
{
    public void Configure(EntityTypeBuilder<Attachment> builder)
    {
        builder.Property(a => a.FileName).HasMaxLength(255);
        builder.Property(a => a.ContentType).HasMaxLength(200);
        builder.Property(a => a.Sha256).HasMaxLength(64);
        builder.HasIndex(a => a.CaseId);
        builder.HasOne<Case>().WithMany().HasForeignKey(a => a.CaseId).OnDelete(DeleteBehavior.Cascade);
    }
}
