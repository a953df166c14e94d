using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pishkhan.Platform.Auditing;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.Property(a => a.EntityType).HasMaxLength(50);
        builder.Property(a => a.Field).HasMaxLength(50);
        builder.Property(a => a.ActorName).HasMaxLength(200);
        builder.HasIndex(a => new { a.EntityType, a.EntityId, a.At });
    }
}
