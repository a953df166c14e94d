using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Automation;

/// <summary>A workflow: its name, whether it runs, and which of its versions new runs use.</summary>
public sealed class Workflow
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public string RecordType { get; set; } = "case";
    public bool Enabled { get; set; }

    /// <summary>The trigger type of the current version, so matching reads one column.</summary>
    public string TriggerType { get; set; } = "";

    public Guid CurrentVersionId { get; set; }
    public int CurrentVersion { get; set; }

    /// <summary>Scheduled triggers: the next instant the cron expression fires (null: not scheduled or disabled).</summary>
    public DateTime? NextFireAt { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Concurrency token for edits.</summary>
    public int Version { get; set; }
}

/// <summary>One saved definition of a workflow. Never changed: an edit adds a version, and a run keeps the one it started on.</summary>
public sealed class WorkflowVersion
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid WorkflowId { get; set; }
    public int Number { get; set; }
    public required string Definition { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// The outbox: one row per change a workflow might react to, written by <see cref="AutomationOutbox"/> in the same
/// transaction as the change, processed (exactly once) by <see cref="AutomationEngine"/>.
/// </summary>
public sealed class AutomationEvent
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Kind { get; set; }
    public string RecordType { get; set; } = "case";
    public Guid RecordId { get; set; }
    public Dictionary<string, FieldChange> Changes { get; set; } = [];

    /// <summary>When the change was made by a workflow run: that workflow, and how deep the chain of automated changes is.</summary>
    public Guid? OriginWorkflowId { get; set; }

    public int Depth { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ProcessedAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
}

public enum RunStatus
{
    Running = 1,
    Waiting = 2,
    Completed = 3,
    Failed = 4,
    Skipped = 5,
    Stopped = 6,

    /// <summary>A real-time workflow refused the change (nothing of the change was saved; the run and its log are kept).</summary>
    Rejected = 7,
}

/// <summary>One execution of one workflow version for one record. The worker advances it step by step; waits are its <see cref="DueAt"/>.</summary>
public sealed class WorkflowRun
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid WorkflowId { get; set; }
    public Guid WorkflowVersionId { get; set; }
    public int VersionNumber { get; set; }
    public string WorkflowName { get; set; } = "";
    public string RecordType { get; set; } = "case";
    public Guid RecordId { get; set; }
    public string Trigger { get; set; } = "";

    /// <summary>Relative triggers: the date the run was scheduled from, so a moved date does not fire the old run.</summary>
    public string? TriggerKey { get; set; }

    public Dictionary<string, FieldChange> Changes { get; set; } = [];
    public int Depth { get; set; }
    public RunStatus Status { get; set; }

    /// <summary>The step to run next (or being waited on); null before the first when the trigger itself waits.</summary>
    public string? CurrentStepId { get; set; }

    public int StepAttempt { get; set; }
    public DateTime? StepStartedAt { get; set; }

    /// <summary>When the worker should look at the run again (null: only an outside decision, e.g. an approval, wakes it).</summary>
    public DateTime? DueAt { get; set; }

    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? Error { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public int Version { get; set; }
}

/// <summary>The log of a run: the trigger, the conditions, then each step's attempt with its outcome, output and duration.</summary>
public sealed class WorkflowRunLog
{
    /// <summary>Increasing within the process, so lines written at the same instant read back in the order written.</summary>
    public Guid Id { get; set; } = IncreasingIds.Next();
    public Guid RunId { get; set; }
    public string StepId { get; set; } = "";
    public string StepType { get; set; } = "";
    public string Outcome { get; set; } = "";
    public string Detail { get; set; } = "";
    public string? Output { get; set; }
    public string? Error { get; set; }
    public DateTime At { get; set; }
    public double DurationMs { get; set; }
}

/// <summary>
/// Version-7 ids that only increase within this process: <see cref="Guid.CreateVersion7()"/> is random within a
/// millisecond, so two log lines of one tick would sort by chance. Both databases order ids by their big-endian bytes,
/// which is the order <see cref="Guid.CompareTo(Guid)"/> uses.
/// </summary>
internal static class IncreasingIds
{
    private static readonly Lock Gate = new();
    private static Guid _last;

    public static Guid Next()
    {
        lock (Gate)
        {
            var id = Guid.CreateVersion7();
            if (id.CompareTo(_last) <= 0)
            {
                var bytes = _last.ToByteArray(bigEndian: true);
                for (var i = bytes.Length - 1; i >= 0 && ++bytes[i] == 0; i--)
                {
                }

                id = new Guid(bytes, bigEndian: true);
            }

            return _last = id;
        }
    }
}

public enum ApprovalStatus
{
    Pending = 1,
    Approved = 2,
    Rejected = 3,
    TimedOut = 4,
}

/// <summary>A pending decision of an approval step: the run waits until one of the approvers decides, or the timeout.</summary>
public sealed class WorkflowApproval
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid RunId { get; set; }
    public string StepId { get; set; } = "";
    public Guid RecordId { get; set; }
    public string Title { get; set; } = "";
    public List<Guid> ApproverUserIds { get; set; } = [];
    public string? ApproverRole { get; set; }
    public ApprovalStatus Status { get; set; } = ApprovalStatus.Pending;
    public Guid? DecidedByUserId { get; set; }
    public string? DecidedByName { get; set; }
    public string? Comment { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DueAt { get; set; }
    public DateTime? DecidedAt { get; set; }
}

/// <summary>An email template with English and Persian variants (Liquid, rendered by <see cref="AutomationTemplates"/>).</summary>
public sealed class LiquidTemplate
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Key { get; set; }
    public string Name { get; set; } = "";
    public string SubjectEn { get; set; } = "";
    public string BodyEn { get; set; } = "";
    public string SubjectFa { get; set; } = "";
    public string BodyFa { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

internal sealed class WorkflowConfiguration : IEntityTypeConfiguration<Workflow>
{
    public void Configure(EntityTypeBuilder<Workflow> builder)
    {
        builder.ToTable("Workflows");
        builder.Property(w => w.Name).HasMaxLength(200);
        builder.Property(w => w.Description).HasMaxLength(2000);
        builder.Property(w => w.RecordType).HasMaxLength(20);
        builder.Property(w => w.TriggerType).HasMaxLength(30);
        builder.Property(w => w.Version).IsConcurrencyToken();
        builder.HasIndex(w => w.Name).IsUnique();
        builder.HasIndex(w => new { w.Enabled, w.RecordType });
    }
}

internal sealed class WorkflowVersionConfiguration : IEntityTypeConfiguration<WorkflowVersion>
{
    public void Configure(EntityTypeBuilder<WorkflowVersion> builder)
    {
        builder.ToTable("WorkflowVersions");
        builder.Property(v => v.CreatedBy).HasMaxLength(200);
        builder.HasOne<Workflow>().WithMany().HasForeignKey(v => v.WorkflowId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(v => new { v.WorkflowId, v.Number }).IsUnique();
    }
}

internal sealed class AutomationEventConfiguration : IEntityTypeConfiguration<AutomationEvent>
{
    public void Configure(EntityTypeBuilder<AutomationEvent> builder)
    {
        builder.ToTable("AutomationEvents");
        builder.Property(e => e.Kind).HasMaxLength(30);
        builder.Property(e => e.RecordType).HasMaxLength(20);
        builder.Property(e => e.LeaseOwner).HasMaxLength(100);
        builder.Property(e => e.Changes)
            .HasConversion(new JsonColumnConverter<Dictionary<string, FieldChange>>(), new JsonColumnComparer<Dictionary<string, FieldChange>>());
        builder.HasIndex(e => new { e.ProcessedAt, e.CreatedAt });
    }
}

internal sealed class WorkflowRunConfiguration : IEntityTypeConfiguration<WorkflowRun>
{
    public void Configure(EntityTypeBuilder<WorkflowRun> builder)
    {
        builder.ToTable("WorkflowRuns");
        builder.Property(r => r.WorkflowName).HasMaxLength(200);
        builder.Property(r => r.RecordType).HasMaxLength(20);
        builder.Property(r => r.Trigger).HasMaxLength(30);
        builder.Property(r => r.TriggerKey).HasMaxLength(100);
        builder.Property(r => r.CurrentStepId).HasMaxLength(100);
        builder.Property(r => r.LeaseOwner).HasMaxLength(100);
        builder.Property(r => r.Error).HasMaxLength(2000);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.Property(r => r.Changes)
            .HasConversion(new JsonColumnConverter<Dictionary<string, FieldChange>>(), new JsonColumnComparer<Dictionary<string, FieldChange>>());
        builder.HasOne<Workflow>().WithMany().HasForeignKey(r => r.WorkflowId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<WorkflowVersion>().WithMany().HasForeignKey(r => r.WorkflowVersionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => new { r.Status, r.DueAt });
        builder.HasIndex(r => new { r.RecordType, r.RecordId, r.StartedAt });
        builder.HasIndex(r => new { r.WorkflowId, r.StartedAt });
    }
}

internal sealed class WorkflowRunLogConfiguration : IEntityTypeConfiguration<WorkflowRunLog>
{
    public void Configure(EntityTypeBuilder<WorkflowRunLog> builder)
    {
        builder.ToTable("WorkflowRunLogs");
        builder.Property(l => l.StepId).HasMaxLength(100);
        builder.Property(l => l.StepType).HasMaxLength(30);
        builder.Property(l => l.Outcome).HasMaxLength(30);
        builder.HasOne<WorkflowRun>().WithMany().HasForeignKey(l => l.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(l => new { l.RunId, l.At });
    }
}

internal sealed class WorkflowApprovalConfiguration : IEntityTypeConfiguration<WorkflowApproval>
{
    public void Configure(EntityTypeBuilder<WorkflowApproval> builder)
    {
        builder.ToTable("WorkflowApprovals");
        builder.Property(a => a.StepId).HasMaxLength(100);
        builder.Property(a => a.Title).HasMaxLength(300);
        builder.Property(a => a.ApproverRole).HasMaxLength(20);
        builder.Property(a => a.DecidedByName).HasMaxLength(200);
        builder.Property(a => a.Comment).HasMaxLength(2000);
        builder.Property(a => a.ApproverUserIds).HasConversion(new JsonColumnConverter<List<Guid>>(), new JsonColumnComparer<List<Guid>>());
        builder.HasOne<WorkflowRun>().WithMany().HasForeignKey(a => a.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => new { a.RunId, a.StepId }).IsUnique();
        builder.HasIndex(a => a.Status);
    }
}

internal sealed class LiquidTemplateConfiguration : IEntityTypeConfiguration<LiquidTemplate>
{
    public void Configure(EntityTypeBuilder<LiquidTemplate> builder)
    {
        builder.ToTable("LiquidTemplates");
        builder.Property(t => t.Key).HasMaxLength(100);
        builder.Property(t => t.Name).HasMaxLength(200);
        builder.Property(t => t.SubjectEn).HasMaxLength(500);
        builder.Property(t => t.SubjectFa).HasMaxLength(500);
        builder.Property(t => t.Version).IsConcurrencyToken();
        builder.HasIndex(t => t.Key).IsUnique();
    }
}
