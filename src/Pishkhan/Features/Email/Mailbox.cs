namespace Pishkhan.Features.Email;

/// <summary>
/// One support address: where its mail is read (IMAP) and sent from (SMTP), and how its intake behaves.
/// Passwords are kept only in their Data Protection-encrypted form.
/// </summary>
public sealed class Mailbox
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }

    /// <summary>The address customers write to and replies come from.</summary>
    public required string Address { get; set; }

    public bool IsActive { get; set; } = true;

    public required string ImapHost { get; set; }
    public int ImapPort { get; set; }
    public MailSecurity ImapSecurity { get; set; }
    public required string ImapUser { get; set; }
    public string ImapPasswordProtected { get; set; } = "";
    public string ImapFolder { get; set; } = "INBOX";

    public required string SmtpHost { get; set; }
    public int SmtpPort { get; set; }
    public MailSecurity SmtpSecurity { get; set; }
    public string? SmtpUser { get; set; }
    public string SmtpPasswordProtected { get; set; } = "";

    /// <summary>Threading may match a case of another contact (e.g. a colleague replying); off by default.</summary>
    public bool ThreadAcrossContacts { get; set; }

    public ClosedCaseReply ClosedCaseReply { get; set; } = ClosedCaseReply.Reopen;

    /// <summary>Appended to every agent reply; <c>{agent}</c> is the agent's name, <c>{mailbox}</c> this mailbox's name.</summary>
    public string Signature { get; set; } = "--\n{agent}\n{mailbox}";

    /// <summary>The business calendar of the out-of-hours answer; none: no out-of-hours answer.</summary>
    public Guid? CalendarId { get; set; }

    public string OutOfHoursTemplateEn { get; set; } = "";
    public string OutOfHoursTemplateFa { get; set; } = "";

    /// <summary>At most one out-of-hours answer per contact in this many hours.</summary>
    public int OutOfHoursEveryHours { get; set; } = 24;

    /// <summary>The IMAP folder's UIDVALIDITY the checkpoint belongs to; a change means the UIDs were renumbered.</summary>
    public long UidValidity { get; set; }

    /// <summary>The highest UID fully handled (stored, quarantined or skipped as a duplicate).</summary>
    public long LastUid { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

public enum MailSecurity
{
    None = 0,
    StartTls = 1,
    SslOnConnect = 2,
}

/// <summary>What a customer's reply to a closed case does.</summary>
public enum ClosedCaseReply
{
    Reopen = 1,
    NewLinkedCase = 2,
}

public enum EmailDirection
{
    Inbound = 1,
    Outbound = 2,
}

/// <summary>
/// Every message that went in or out, by its Message-ID (unique): deduplication, and the threading index
/// (In-Reply-To / References / Thread-Index find the case through it).
/// </summary>
public sealed class EmailMessage
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid MailboxId { get; set; }
    public EmailDirection Direction { get; set; }
    public required string MessageId { get; set; }
    public Guid CaseId { get; set; }
    public Guid? TimelineEntryId { get; set; }
    public Guid? ContactId { get; set; }

    /// <summary>Outlook's conversation id: the first 22 bytes of Thread-Index, base64.</summary>
    public string? ThreadTopic { get; set; }

    public string FromAddress { get; set; } = "";
    public string Subject { get; set; } = "";

    /// <summary>
    /// Inbound: what the timeline shows — the sanitised HTML body (remote images removed, <c>cid:</c> images pointing
    /// at their stored attachments), or the plain text rendered as HTML (quoted history in a cite blockquote).
    /// </summary>
    public string? Html { get; set; }

    /// <summary>Auto-reply, bounce or list mail: never answered automatically.</summary>
    public bool IsAutomated { get; set; }

    /// <summary>How the inbound message was threaded: new, in-reply-to, subject-token, thread-index.</summary>
    public string Threading { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

public enum OutboundStatus
{
    Pending = 1,
    Sent = 2,
    Failed = 3,
}

/// <summary>A message waiting to be sent, written in the transaction that made it; the sender worker delivers it with retries.</summary>
public sealed class OutboundEmail
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid MailboxId { get; set; }
    public Guid? CaseId { get; set; }
    public Guid? TimelineEntryId { get; set; }
    public Guid? ContactId { get; set; }
    public required string MessageId { get; set; }
    public required string To { get; set; }
    public required string Subject { get; set; }
    public string TextBody { get; set; } = "";
    public string? InReplyTo { get; set; }
    public string? References { get; set; }

    /// <summary>An automatic answer (Auto-Submitted: auto-replied), e.g. out of hours.</summary>
    public bool IsAutoReply { get; set; }

    public OutboundStatus Status { get; set; } = OutboundStatus.Pending;
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTime? SentAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A message intake could not handle: kept whole with the error, for an admin to look at and reprocess.</summary>
public sealed class QuarantinedEmail
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid MailboxId { get; set; }
    public long Uid { get; set; }
    public required string Error { get; set; }
    public required byte[] Raw { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public Guid? CaseId { get; set; }
}
