using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Routing;

internal sealed class WorkQueueConfiguration : IEntityTypeConfiguration<WorkQueue>
{
    public void Configure(EntityTypeBuilder<WorkQueue> builder)
    {
        builder.ToTable("Queues");
        builder.Property(q => q.Name).HasMaxLength(100);
        builder.HasIndex(q => q.Name).IsUnique();
        builder.Property(q => q.Description).HasMaxLength(1000);
        builder.Property(q => q.RequiredSkills)
            .HasConversion(new JsonColumnConverter<List<SkillRequirement>>(), new JsonColumnComparer<List<SkillRequirement>>());
        builder.Property(q => q.Version).IsConcurrencyToken();
        builder.HasMany(q => q.Teams).WithOne(t => t.Queue).HasForeignKey(t => t.QueueId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class QueueTeamConfiguration : IEntityTypeConfiguration<QueueTeam>
{
    public void Configure(EntityTypeBuilder<QueueTeam> builder)
    {
        builder.HasKey(t => new { t.QueueId, t.TeamId });
        builder.HasOne(t => t.Team).WithMany().HasForeignKey(t => t.TeamId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RoutingRuleConfiguration : IEntityTypeConfiguration<RoutingRule>
{
    public void Configure(EntityTypeBuilder<RoutingRule> builder)
    {
        builder.Property(r => r.Name).HasMaxLength(200);
        builder.Property(r => r.Conditions)
            .HasConversion(new JsonColumnConverter<List<RoutingCondition>>(), new JsonColumnComparer<List<RoutingCondition>>());
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasOne(r => r.Queue).WithMany().HasForeignKey(r => r.QueueId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.Position);
    }
}

internal sealed class AgentProfileConfiguration : IEntityTypeConfiguration<AgentProfile>
{
    public void Configure(EntityTypeBuilder<AgentProfile> builder)
    {
        builder.HasKey(a => a.UserId);
        builder.HasOne(a => a.User).WithOne().HasForeignKey<AgentProfile>(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.Skills)
            .HasConversion(new JsonColumnConverter<Dictionary<string, int>>(), new JsonColumnComparer<Dictionary<string, int>>());
    }
}
