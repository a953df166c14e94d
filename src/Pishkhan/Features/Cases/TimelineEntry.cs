namespace Pishkhan.Features.Cases;

/// <summary>One item on a case's timeline: a message, an internal note or a system event.</summary>
public sealed class TimelineEntry
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CaseId { get; set; }
    public TimelineKind Kind { get; set; }

    /// <summary>Whether the customer sees it: public replies and inbound messages do, notes and events do not.</summary>
    public bool IsPublic { get; set; }

    /// <summary>Sent by the system (an acknowledgement, an auto-reply), not by a person: it never counts as an SLA response.</summary>
    public bool IsAutomated { get; set; }

    public string Body { get; set; } = "";
    public Guid? AuthorUserId { get; set; }
    public Guid? AuthorContactId { get; set; }

    /// <summary>The author's name as it was when the entry was written.</summary>
    public string AuthorName { get; set; } = "";

    /// <summary>For <see cref="TimelineKind.Event"/>: the field that changed (status, owner, priority, …).</summary>
    public string? Field { get; set; }

    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<Attachment> Attachments { get; } = [];
}

public enum TimelineKind
{
    InboundMessage = 1,
    OutboundMessage = 2,
    Note = 3,
    Event = 4,
}

/// <summary>A file on a case, stored on disk by the SHA-256 of its content.</summary>
public sealed class Attachment
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CaseId { get; set; }
    public Guid? TimelineEntryId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public DateTime CreatedAt { get; set; }
}
