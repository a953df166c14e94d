using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;

namespace Pishkhan.Features.Sla;

internal sealed class SlaPolicyConfiguration : IEntityTypeConfiguration<SlaPolicy>
{
    public void Configure(EntityTypeBuilder<SlaPolicy> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(SlaPolicyRequest.NameMaxLength);
        builder.Property(p => p.Description).HasMaxLength(SlaPolicyRequest.DescriptionMaxLength);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.HasIndex(p => p.Name).IsUnique();
        builder.HasIndex(p => p.Position);
        builder.HasOne<WorkCalendar>().WithMany().HasForeignKey(p => p.CalendarId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SlaInstanceConfiguration : IEntityTypeConfiguration<SlaInstance>
{
    public void Configure(EntityTypeBuilder<SlaInstance> builder)
    {
        builder.HasOne<Case>().WithMany().HasForeignKey(i => i.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(i => new { i.CaseId, i.PolicyId, i.Metric, i.Cycle }).IsUnique();

        // Recalculation finds the open instances that ran on a calendar, and every 2 s asks whether any open instance ran
        // on another version of its calendar (or, for a policy that follows the default calendar, on another calendar):
        // range probes on these partial indexes, however many instances are open. Reports filter by state and time.
        builder.HasIndex(i => new { i.CalendarId, i.CalendarVersion }).HasFilter("\"IsOpen\"").HasDatabaseName("IX_SlaInstances_Open_CalendarId_CalendarVersion");
        builder.HasIndex(i => new { i.PolicyId, i.CalendarId }).HasFilter("\"IsOpen\"").HasDatabaseName("IX_SlaInstances_Open_PolicyId_CalendarId");
        builder.HasIndex(i => new { i.State, i.StartedAt });

        // Reports and dashboards: instances started in a period (carrying what compliance groups by, so a year is counted
        // from the index alone), breached in a period, and open ones not yet due (at risk).
        builder.HasIndex(i => new { i.StartedAt, i.State, i.Metric, i.PolicyId, i.CaseId }).HasDatabaseName("IX_SlaInstances_StartedAt_Compliance");
        builder.HasIndex(i => i.BreachedAt);
        builder.HasIndex(i => new { i.IsOpen, i.DueAt });
    }
}

internal sealed class SlaTimerConfiguration : IEntityTypeConfiguration<SlaTimer>
{
    public void Configure(EntityTypeBuilder<SlaTimer> builder)
    {
        builder.Property(t => t.Level).HasMaxLength(20);
        builder.Property(t => t.LeaseOwner).HasMaxLength(100);

        // A case edit that read a timer before the sweeper fired it must not move or delete the fired row: the update
        // or delete carries "FiredAt IS NULL" and fails instead (the edit answers 409 and is retried).
        builder.Property(t => t.FiredAt).IsConcurrencyToken();
        builder.HasOne<SlaInstance>().WithMany().HasForeignKey(t => t.InstanceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => new { t.InstanceId, t.Level }).IsUnique();
        builder.HasIndex(t => t.CaseId);

        // A sweeper tick reads only unfired timers in due order: one range scan on this partial index, however many
        // fired timers the table holds. The filter is the same SQL on SQLite and PostgreSQL.
        builder.HasIndex(t => t.DueAt).HasFilter("\"FiredAt\" IS NULL").HasDatabaseName("IX_SlaTimers_Unfired_DueAt");
    }
}

internal sealed class SlaRecalculationConfiguration : IEntityTypeConfiguration<SlaRecalculation>
{
    public void Configure(EntityTypeBuilder<SlaRecalculation> builder)
    {
        builder.Property(r => r.Reason).HasMaxLength(300);
        builder.Property(r => r.LeaseOwner).HasMaxLength(100);
        builder.HasIndex(r => new { r.Status, r.CreatedAt });
    }
}

internal sealed class CaseTaskConfiguration : IEntityTypeConfiguration<CaseTask>
{
    public void Configure(EntityTypeBuilder<CaseTask> builder)
    {
        builder.Property(t => t.Title).HasMaxLength(300);
        builder.Property(t => t.Source).HasMaxLength(50);
        builder.HasOne<Case>().WithMany().HasForeignKey(t => t.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => t.CaseId);
    }
}
