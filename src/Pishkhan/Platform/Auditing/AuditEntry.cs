namespace Pishkhan.Platform.Auditing;

/// <summary>One changed field of one record: who changed it, when, from what, to what.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public required string EntityType { get; set; }
    public Guid EntityId { get; set; }
    public required string Field { get; set; }
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
    public Guid? ActorUserId { get; set; }
    public Guid? ActorApiKeyId { get; set; }
    public string ActorName { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>Marks a record whose every change is written to the audit history.</summary>
public interface IAudited
{
    Guid Id { get; }
}
