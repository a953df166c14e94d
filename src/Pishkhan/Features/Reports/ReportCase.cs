using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pishkhan.Features.Cases;

namespace Pishkhan.Features.Reports;

/// <summary>
/// The reports' roll-up at case grain: one row per case with its dimensions and its measures already computed (business
/// durations replayed once, exchanges counted once). A report
/// reads these narrow rows for its period on an index instead of replaying timelines. The row is rewritten whenever the
/// case changes (<see cref="ReportChangeMarker"/>, <see cref="ReportRefresher"/>), so an old case that changes moves its numbers with it.
/// </summary>
public sealed class ReportCase
{
    public Guid CaseId { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>The local date of creation in the default calendar's time zone, as <see cref="DateOnly.DayNumber"/>: reports group by it in SQL.</summary>
    public int CreatedDay { get; set; }

    /// <summary>The local hour (0–23) of creation in the same zone (the arrivals heatmap).</summary>
    public int CreatedHour { get; set; }

    public CaseChannel Channel { get; set; }
    public Guid? CategoryId { get; set; }
    public string? Product { get; set; }
    public Priority Priority { get; set; }
    public Guid? TeamId { get; set; }
    public Guid? OwnerId { get; set; }
    public Guid? QueueId { get; set; }

    /// <summary>The SLA policy that applies to the case (from its SLA instances), if any.</summary>
    public Guid? PolicyId { get; set; }

    public StatusCategory Status { get; set; }
    public DateTime? FirstResponseAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public long? FirstResponseBusinessSeconds { get; set; }
    public long? ResolutionBusinessSeconds { get; set; }

    /// <summary>Creation → first response in calendar time, in microseconds (so SQL can sum and rank it exactly).</summary>
    public long? FirstResponseCalendarMicros { get; set; }

    /// <summary>Creation → resolution in calendar time, in microseconds; null unless resolved now.</summary>
    public long? ResolutionCalendarMicros { get; set; }
    public int Exchanges { get; set; }
    public int Reopens { get; set; }

    /// <summary>The rating (1–5) of the case's satisfaction survey; null while unanswered (Features/Satisfaction).</summary>
    public double? Csat { get; set; }

    /// <summary>The case's version and last update the row was computed from (to check a row against its case).</summary>
    public int CaseVersion { get; set; }

    public DateTime CaseUpdatedAt { get; set; }
    public DateTime ComputedAt { get; set; }
}

/// <summary>
/// "This case changed": written by <see cref="ReportChangeMarker"/> in the same transaction as the change (a small
/// outbox), removed once the case's <see cref="ReportCase"/> row has been recomputed. Several marks per case are fine.
/// </summary>
public sealed class ReportDirtyCase
{
    public long Id { get; set; }
    public Guid CaseId { get; set; }
}

/// <summary>The roll-up's one state row: when a rebuild was asked for (null when none is running).</summary>
public sealed class ReportState
{
    public int Id { get; set; } = 1;
    public DateTime? RebuildStartedAt { get; set; }

    /// <summary>When every day was last marked for the daily roll-up (<see cref="ReportDay"/>); null: not built, reports read the case rows.</summary>
    public DateTime? DaysBuiltAt { get; set; }
}

internal sealed class ReportCaseConfiguration : IEntityTypeConfiguration<ReportCase>
{
    public void Configure(EntityTypeBuilder<ReportCase> builder)
    {
        builder.ToTable("ReportCases");
        builder.HasKey(r => r.CaseId);
        builder.HasOne<Case>().WithMany().HasForeignKey(r => r.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.Product).HasMaxLength(200);

        // Every report filters by one of these instants first and aggregates in SQL; the indexes carry the columns the
        // unfiltered reports group and sum, so a year is read from the index alone (docs/reports.md, "Performance").
        builder.HasIndex(r => new
        {
            r.CreatedAt,
            r.CreatedDay,
            r.CreatedHour,
            r.Channel,
            r.CategoryId,
            r.Status,
            r.Reopens,
            r.Exchanges,
            r.FirstResponseBusinessSeconds,
            r.ResolutionBusinessSeconds,
            r.FirstResponseCalendarMicros,
            r.ResolutionCalendarMicros,
        }).HasDatabaseName("IX_ReportCases_CreatedAt_Measures");
        builder.HasIndex(r => new { r.CreatedAt, r.Product }).HasDatabaseName("IX_ReportCases_CreatedAt_Product");
        builder.HasIndex(r => new { r.ResolvedAt, r.Status, r.OwnerId, r.ResolutionBusinessSeconds, r.Csat }).HasDatabaseName("IX_ReportCases_ResolvedAt_Measures");
        builder.HasIndex(r => new { r.FirstResponseAt, r.FirstResponseBusinessSeconds }).HasDatabaseName("IX_ReportCases_FirstResponseAt_Measures");
        // The median of a duration reads the one or two middle values in value order from the bucket the daily roll-up's
        // histogram points at; these find that bucket's values without scanning the period.
        builder.HasIndex(r => new { r.FirstResponseBusinessSeconds, r.CreatedAt });
        builder.HasIndex(r => new { r.FirstResponseCalendarMicros, r.CreatedAt });
        builder.HasIndex(r => new { r.ResolutionBusinessSeconds, r.CreatedAt });
        builder.HasIndex(r => new { r.ResolutionCalendarMicros, r.CreatedAt });
        builder.HasIndex(r => new { r.Status, r.CreatedAt });
        builder.HasIndex(r => new { r.OwnerId, r.Status });
    }
}

internal sealed class ReportDirtyCaseConfiguration : IEntityTypeConfiguration<ReportDirtyCase>
{
    public void Configure(EntityTypeBuilder<ReportDirtyCase> builder)
    {
        builder.ToTable("ReportDirtyCases");
        builder.HasKey(d => d.Id);
    }
}

internal sealed class ReportStateConfiguration : IEntityTypeConfiguration<ReportState>
{
    public void Configure(EntityTypeBuilder<ReportState> builder)
    {
        builder.ToTable("ReportState");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
    }
}
