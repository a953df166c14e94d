using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Email;

/// <summary>A message to send: to, subject, plain-text body, and optionally the case it belongs to.</summary>
public sealed record OutgoingEmail(string To, string Subject, string Body, Guid? CaseId = null, Guid? ContactId = null);

/// <summary>One outbox row as the API shows it (on a case: its sent, pending and failed emails).</summary>
public sealed record OutboundEmailDto(
    Guid Id, Guid MailboxId, Guid? CaseId, Guid? TimelineEntryId, string MessageId, string To, string Subject, OutboundStatus Status,
    int Attempts, DateTime NextAttemptAt, string? LastError, DateTime? SentAt, bool IsAutoReply, DateTime CreatedAt)
{
    public static OutboundEmailDto From(OutboundEmail o) => new(
        o.Id, o.MailboxId, o.CaseId, o.TimelineEntryId, o.MessageId, o.To, o.Subject, o.Status, o.Attempts, o.NextAttemptAt, o.LastError,
        o.SentAt, o.IsAutoReply, o.CreatedAt);
}

/// <summary>
/// The durable outbox: rows are written in the same transaction as what caused them (an agent's reply, an automatic
/// answer), and <see cref="EmailSender"/> delivers them. Replies carry our Message-ID, In-Reply-To, References, the
/// case token in the subject and the agent's signature.
/// </summary>
public sealed class EmailOutbox(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>
    /// Queues a message from a mailbox (for automations: "send email"). With a case, the message threads with it
    /// (subject token, In-Reply-To the case's last message).
    /// </summary>
    public async Task<Outcome<OutboundEmailDto>> EnqueueAsync(Guid mailboxId, OutgoingEmail email, Actor actor, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var to = email.To?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(to) || !SaveMailbox.IsAddress(to))
        {
            errors.Add("to", $"'{email.To}' is not an email address.");
        }

        errors.Required("subject", email.Subject);
        errors.MaxLength("subject", email.Subject, 900);
        errors.Required("body", email.Body);
        errors.MaxLength("body", email.Body, CaseRules.BodyMaxLength);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var mailbox = await db.Set<Mailbox>().FirstOrDefaultAsync(m => m.Id == mailboxId, ct);
        if (mailbox is null)
        {
            errors.Add("mailboxId", $"No mailbox has the id '{mailboxId}'.");
        }

        Case? entity = null;
        if (email.CaseId is { } caseId && (entity = await db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, ct)) is null)
        {
            errors.Add("caseId", $"No case has the id '{caseId}'.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var references = entity is null ? [] : await ReferencesAsync(db, entity.Id, ct);
        var subject = entity is null ? email.Subject.Trim() : InboundParser.WithCaseToken(email.Subject.Trim(), entity.Number);
        var row = Add(db, mailbox!, email with { To = to!, Subject = subject }, references, isAutoReply: false, Now());
        await db.SaveChangesAsync(ct);
        return OutboundEmailDto.From(row);
    }

    /// <summary>
    /// For other features (notifications, automations): "send this templated email to an address". Fills the template's
    /// <c>{placeholders}</c> from <paramref name="values"/> and queues the message in the durable outbox (retries, failures
    /// visible), from <paramref name="mailboxId"/> or else the first active mailbox. With <paramref name="caseId"/> it
    /// threads with the case like an agent reply. NotFound when there is no mailbox to send from; Invalid for a bad address.
    /// </summary>
    public async Task<Outcome<OutboundEmailDto>> SendTemplateAsync(
        string to, EmailTemplate template, IReadOnlyDictionary<string, string> values, Actor actor, Guid? mailboxId = null, Guid? caseId = null,
        CancellationToken ct = default)
    {
        Guid? from = mailboxId;
        if (from is null)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            from = await db.Set<Mailbox>().AsNoTracking().Where(m => m.IsActive).OrderBy(m => m.CreatedAt).Select(m => (Guid?)m.Id).FirstOrDefaultAsync(ct);
        }

        if (from is not { } id)
        {
            return new Outcome<OutboundEmailDto>.NotFound();
        }

        var email = new OutgoingEmail(to, EmailTemplate.Fill(template.Subject, values), EmailTemplate.Fill(template.Body, values), caseId);
        return await EnqueueAsync(id, email, actor, ct);
    }

    /// <summary>
    /// Called by <see cref="AddCaseMessage"/> before it saves a public reply: on an email case, queues the reply in the
    /// same unit of work, so the reply and its email are saved together or not at all.
    /// </summary>
    public async Task OnPublicReplyAsync(PishkhanDbContext db, Case entity, TimelineEntry entry, Actor actor, CancellationToken ct)
    {
        if (entity.Channel is CaseChannel.Portal or CaseChannel.Web)
        {
            await OnFormReplyAsync(db, entity, entry, actor, ct);
            return;
        }

        if (entity.Channel != CaseChannel.Email)
        {
            return;
        }

        var last = await db.Set<EmailMessage>().AsNoTracking().Where(m => m.CaseId == entity.Id && m.Direction == EmailDirection.Inbound)
            .OrderByDescending(m => m.CreatedAt).Select(m => new { m.MailboxId, m.FromAddress, m.Subject }).FirstOrDefaultAsync(ct);
        var mailbox = last is null ? null : await db.Set<Mailbox>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == last.MailboxId, ct);
        if (mailbox is null)
        {
            return;
        }

        var to = last!.FromAddress;
        if (!await db.ContactChannels.AnyAsync(c => c.ContactId == entity.ContactId && c.Kind == ContactChannelKind.Email && c.Value == to, ct))
        {
            // The case's contact changed since: write to the contact's own address.
            to = await db.ContactChannels.Where(c => c.ContactId == entity.ContactId && c.Kind == ContactChannelKind.Email).Select(c => c.Value).FirstOrDefaultAsync(ct) ?? to;
        }

        var signature = mailbox.Signature.Replace("{agent}", actor.Name, StringComparison.Ordinal).Replace("{mailbox}", mailbox.Name, StringComparison.Ordinal);
        var body = string.IsNullOrWhiteSpace(signature) ? entry.Body : $"{entry.Body}\n\n{signature}";
        var subject = InboundParser.WithCaseToken(EmailIntake.ReplySubject(string.IsNullOrWhiteSpace(last.Subject) ? entity.Subject : last.Subject), entity.Number);
        var row = Add(db, mailbox, new OutgoingEmail(to, subject, body, entity.Id, entity.ContactId), await ReferencesAsync(db, entity.Id, ct), isAutoReply: false, entry.CreatedAt);
        row.TimelineEntryId = entry.Id;
    }

    /// <summary>
    /// The answer to a request sent from the portal or the web form also goes to the customer's email, with the case token
    /// in the subject: they need not watch the portal, and answering the email threads back onto the same case. It comes
    /// from the mailbox that last wrote to them about this case (the web form's confirmation), else the first active one.
    /// </summary>
    private static async Task OnFormReplyAsync(PishkhanDbContext db, Case entity, TimelineEntry entry, Actor actor, CancellationToken ct)
    {
        var lastMailbox = await db.Set<OutboundEmail>().AsNoTracking().Where(o => o.CaseId == entity.Id)
            .OrderByDescending(o => o.CreatedAt).Select(o => (Guid?)o.MailboxId).FirstOrDefaultAsync(ct);
        var mailbox = await PreferredOrFirstActiveAsync(db, lastMailbox, ct);
        var to = await db.ContactChannels.Where(c => c.ContactId == entity.ContactId && c.Kind == ContactChannelKind.Email).OrderBy(c => c.Value).Select(c => c.Value).FirstOrDefaultAsync(ct);
        if (mailbox is null || to is null)
        {
            return;
        }

        var signature = mailbox.Signature.Replace("{agent}", actor.Name, StringComparison.Ordinal).Replace("{mailbox}", mailbox.Name, StringComparison.Ordinal);
        var body = string.IsNullOrWhiteSpace(signature) ? entry.Body : $"{entry.Body}\n\n{signature}";
        var subject = InboundParser.WithCaseToken(EmailIntake.ReplySubject(entity.Subject), entity.Number);
        var row = Add(db, mailbox, new OutgoingEmail(to, subject, body, entity.Id, entity.ContactId), await ReferencesAsync(db, entity.Id, ct), isAutoReply: false, entry.CreatedAt);
        row.TimelineEntryId = entry.Id;
    }

    /// <summary>
    /// For automations: queues an automatic email about a case in the caller's unit of work (so it is saved with the
    /// step that sent it, or not at all), from the mailbox the customer last wrote to, else the first active mailbox;
    /// threaded with the case and marked automatic (never answered by our own intake). Null when there is no mailbox.
    /// </summary>
    public static async Task<OutboundEmail?> QueueAutomaticAsync(
        PishkhanDbContext db, Case entity, string to, string subject, string body, DateTime now, CancellationToken ct)
    {
        var lastMailbox = await db.Set<EmailMessage>().AsNoTracking()
            .Where(m => m.CaseId == entity.Id && m.Direction == EmailDirection.Inbound)
            .OrderByDescending(m => m.CreatedAt).Select(m => (Guid?)m.MailboxId).FirstOrDefaultAsync(ct);
        var mailbox = await PreferredOrFirstActiveAsync(db, lastMailbox, ct);
        if (mailbox is null)
        {
            return null;
        }

        var email = new OutgoingEmail(to.Trim().ToLowerInvariant(), InboundParser.WithCaseToken(subject.Trim(), entity.Number), body, entity.Id, entity.ContactId);
        return Add(db, mailbox, email, await ReferencesAsync(db, entity.Id, ct), isAutoReply: true, now);
    }

    /// <summary>The preferred mailbox while it is active, else the first active one (the oldest); null when none is active.</summary>
    internal static async Task<Mailbox?> PreferredOrFirstActiveAsync(PishkhanDbContext db, Guid? preferred, CancellationToken ct) =>
        (preferred is null ? null : await db.Set<Mailbox>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == preferred && m.IsActive, ct))
        ?? await db.Set<Mailbox>().AsNoTracking().Where(m => m.IsActive).OrderBy(m => m.CreatedAt).FirstOrDefaultAsync(ct);

    /// <summary>Adds the outbox row and its Message-ID row (for threading the customer's answer) to <paramref name="db"/>; not saved.</summary>
    internal static OutboundEmail Add(PishkhanDbContext db, Mailbox mailbox, OutgoingEmail email, IReadOnlyList<string> references, bool isAutoReply, DateTime now)
    {
        var domain = mailbox.Address[(mailbox.Address.IndexOf('@', StringComparison.Ordinal) + 1)..];
        var row = new OutboundEmail
        {
            MailboxId = mailbox.Id,
            CaseId = email.CaseId,
            ContactId = email.ContactId,
            MessageId = $"{Guid.CreateVersion7():N}@{domain}",
            To = email.To,
            Subject = email.Subject,
            TextBody = email.Body,
            InReplyTo = references.Count > 0 ? references[^1] : null,
            References = references.Count > 0 ? string.Join(' ', references.TakeLast(20).Select(r => $"<{r}>")) : null,
            IsAutoReply = isAutoReply,
            NextAttemptAt = now,
            CreatedAt = now,
        };
        db.Add(row);
        if (email.CaseId is { } caseId)
        {
            db.Add(new EmailMessage
            {
                MailboxId = mailbox.Id,
                Direction = EmailDirection.Outbound,
                MessageId = row.MessageId,
                CaseId = caseId,
                ContactId = email.ContactId,
                FromAddress = mailbox.Address,
                Subject = email.Subject,
                IsAutomated = isAutoReply,
                Threading = "outbound",
                CreatedAt = now,
            });
        }

        return row;
    }

    public async Task<Outcome<IReadOnlyList<OutboundEmailDto>>> ForCaseAsync(Guid caseId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Cases.VisibleTo(db, actor).AnyAsync(c => c.Id == caseId, ct))
        {
            return new Outcome<IReadOnlyList<OutboundEmailDto>>.NotFound();
        }

        var rows = await db.Set<OutboundEmail>().AsNoTracking().Where(o => o.CaseId == caseId).OrderBy(o => o.CreatedAt).ToListAsync(ct);
        return rows.Select(OutboundEmailDto.From).ToList();
    }

    /// <summary>"Resend": a failed (or still pending) email is tried again now, its attempts counted from zero.</summary>
    public async Task<Outcome<OutboundEmailDto>> ResendAsync(Guid caseId, Guid emailId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        if (!await db.Cases.VisibleTo(db, actor).AnyAsync(c => c.Id == caseId, ct))
        {
            return new Outcome<OutboundEmailDto>.NotFound();
        }

        var row = await db.Set<OutboundEmail>().FirstOrDefaultAsync(o => o.Id == emailId && o.CaseId == caseId, ct);
        if (row is null)
        {
            return new Outcome<OutboundEmailDto>.NotFound();
        }

        if (row.Status == OutboundStatus.Sent)
        {
            return new Outcome<OutboundEmailDto>.Conflict($"The email to {row.To} was already sent at {row.SentAt:u}.");
        }

        row.Status = OutboundStatus.Pending;
        row.Attempts = 0;
        row.NextAttemptAt = Now();
        await db.SaveChangesAsync(ct);
        return OutboundEmailDto.From(row);
    }

    /// <summary>The case's Message-IDs, oldest first (References of a reply).</summary>
    private static async Task<List<string>> ReferencesAsync(PishkhanDbContext db, Guid caseId, CancellationToken ct) =>
        await db.Set<EmailMessage>().AsNoTracking().Where(m => m.CaseId == caseId && !m.IsAutomated)
            .OrderBy(m => m.CreatedAt).Select(m => m.MessageId).ToListAsync(ct);

    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % 10));
    }
}
