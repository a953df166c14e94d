using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Sla;
using Pishkhan.Localization;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Attachments;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Email;

public sealed class EmailOptions
{
    /// <summary>Run the IMAP intake and the SMTP sender in the background.</summary>
    public bool Background { get; set; } = true;

    /// <summary>How often a mailbox without IDLE is polled, and the longest an IDLE waits before checking again.</summary>
    public int PollSeconds { get; set; } = 60;

    /// <summary>How often the outbox is looked at.</summary>
    public int SendSeconds { get; set; } = 5;

    /// <summary>The first retry's delay; each further attempt doubles it (at most an hour).</summary>
    public int RetryBaseSeconds { get; set; } = 30;

    public int MaxAttempts { get; set; } = 8;

    /// <summary>The largest stored attachment or inline image of an inbound message.</summary>
    public long MaxAttachmentBytes { get; set; } = 10 * 1024 * 1024;
}

public enum IntakeOutcome
{
    NewCase = 1,
    AddedToCase = 2,
    Duplicate = 3,
}

public sealed record IntakeResult(IntakeOutcome Outcome, Guid CaseId, string Threading);

/// <summary>
/// Turns one raw inbound message into a case or a message on a case, through <see cref="CreateCase"/> (so triage,
/// routing and SLA apply) and the SLA engine. Deduplicated by Message-ID: a second delivery, or a fetch repeated after
/// a crash, changes nothing.
/// </summary>
public sealed class EmailIntake(
    IDbContextFactory<PishkhanDbContext> dbFactory,
    CreateCase createCase,
    SaveContact saveContact,
    SlaEngine sla,
    AttachmentStore store,
    CalendarResolver calendars,
    IOptions<EmailOptions> options,
    TimeProvider clock)
{
    public static Actor ActorFor(Mailbox mailbox) =>
        new(null, null, $"Email: {mailbox.Address}", UserRole.Admin, new HashSet<string>(Scopes.All));

    /// <exception cref="UnprocessableEmailException">The message cannot be handled; quarantine it.</exception>
    public async Task<IntakeResult> ProcessAsync(Mailbox mailbox, byte[] raw, string? fromOverride = null, CancellationToken ct = default)
    {
        var mail = InboundParser.Parse(raw, fromOverride);
        var actor = ActorFor(mailbox);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var earlier = await db.Set<EmailMessage>().AsNoTracking().Where(m => m.MessageId == mail.MessageId)
                .Select(m => new { m.CaseId, m.Threading }).FirstOrDefaultAsync(ct);
            if (earlier is not null)
            {
                return new IntakeResult(IntakeOutcome.Duplicate, earlier.CaseId, earlier.Threading);
            }
        }

        var contactId = await ContactForAsync(mail, actor, ct);
        (Guid? CaseId, string Threading) thread;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            thread = await ThreadAsync(db, mailbox, mail, contactId, ct);
        }

        var (caseId, threading) = thread;
        if (caseId is { } existing)
        {
            var added = await AddToCaseAsync(mailbox, mail, existing, contactId, threading, actor, ct);
            if (added is not null)
            {
                return added;
            }
        }

        return await NewCaseAsync(mailbox, mail, contactId, caseId, actor, ct);
    }

    private async Task<Guid> ContactForAsync(InboundMail mail, Actor actor, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                var found = await db.ContactChannels.AsNoTracking()
                    .Where(c => c.Kind == ContactChannelKind.Email && c.Value == mail.FromAddress).Select(c => (Guid?)c.ContactId).FirstOrDefaultAsync(ct);
                if (found is { } id)
                {
                    return id;
                }
            }

            var created = await saveContact.CreateAsync(new ContactRequest(ContactNameOf(mail), Emails: [mail.FromAddress]), actor, ct);
            if (created is Outcome<ContactDto>.Ok ok)
            {
                return ok.Value.Id;
            }

            // Another message from the same new sender made the contact first: read it again.
            if (attempt > 0)
            {
                throw new UnprocessableEmailException($"Cannot create a contact for '{mail.FromAddress}': {Describe(created)}");
            }
        }
    }

    /// <summary>The name a new contact gets: the sender's display name, else the address.</summary>
    internal static string ContactNameOf(InboundMail mail)
    {
        var name = string.IsNullOrWhiteSpace(mail.FromName) ? mail.FromAddress : mail.FromName;
        return name.Length > 200 ? name[..200] : name;
    }

    /// <summary>Our Message-ID in In-Reply-To / References, then the subject's case token, then Outlook's Thread-Index.</summary>
    internal static async Task<(Guid? CaseId, string Threading)> ThreadAsync(PishkhanDbContext db, Mailbox mailbox, InboundMail mail, Guid contactId, CancellationToken ct)
    {
        var cases = mailbox.ThreadAcrossContacts ? db.Cases.AsNoTracking() : db.Cases.AsNoTracking().Where(c => c.ContactId == contactId);
        if (mail.InReplyTo.Count > 0)
        {
            var ids = mail.InReplyTo.Take(50).ToList();
            var known = await db.Set<EmailMessage>().AsNoTracking().Where(m => ids.Contains(m.MessageId))
                .Join(cases, m => m.CaseId, c => c.Id, (m, c) => new { m.MessageId, m.CaseId }).ToListAsync(ct);
            if (ids.Select(id => known.FirstOrDefault(k => k.MessageId == id)).FirstOrDefault(k => k is not null) is { } match)
            {
                return (match.CaseId, "in-reply-to");
            }
        }

        if (mail.CaseToken is { } token && await cases.Where(c => c.Number == token).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct) is { } byToken)
        {
            return (byToken, "subject-token");
        }

        if (mail.ThreadTopic is { } topic)
        {
            var byTopic = await db.Set<EmailMessage>().AsNoTracking().Where(m => m.ThreadTopic == topic)
                .Join(cases, m => m.CaseId, c => c.Id, (m, c) => new { m.CaseId, m.CreatedAt })
                .OrderByDescending(m => m.CreatedAt).Select(m => (Guid?)m.CaseId).FirstOrDefaultAsync(ct);
            if (byTopic is not null)
            {
                return (byTopic, "thread-index");
            }
        }

        return (null, "new");
    }

    /// <returns>Null when the case is closed and the mailbox opens a linked new case instead.</returns>
    private async Task<IntakeResult?> AddToCaseAsync(Mailbox mailbox, InboundMail mail, Guid caseId, Guid contactId, string threading, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        await db.Database.OpenConnectionAsync(ct);
        var entity = await CaseForReplyAsync(db, mailbox, caseId, ct);
        if (entity is null)
        {
            return null;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await AppendAsync(db, mailbox, mail, entity, contactId, threading, actor, Now(), ct))
        {
            await transaction.RollbackAsync(ct);
            return new IntakeResult(IntakeOutcome.Duplicate, caseId, threading);
        }

        await transaction.CommitAsync(ct);
        return new IntakeResult(IntakeOutcome.AddedToCase, caseId, threading);
    }

    /// <summary>The threaded case, tracked with its status; null when it is closed and the mailbox opens a linked new case instead.</summary>
    internal static async Task<Case?> CaseForReplyAsync(PishkhanDbContext db, Mailbox mailbox, Guid caseId, CancellationToken ct)
    {
        var entity = await db.Cases.Include(c => c.Status).FirstAsync(c => c.Id == caseId, ct);
        return entity.Status!.Category == StatusCategory.Closed && mailbox.ClosedCaseReply == ClosedCaseReply.NewLinkedCase ? null : entity;
    }

    /// <summary>
    /// The message on an existing case, in the caller's transaction: reopens a resolved or closed case, adds the
    /// message, applies the SLA and the out-of-hours answer, and saves. False (nothing saved) when the Message-ID row
    /// already exists.
    /// </summary>
    internal async Task<bool> AppendAsync(PishkhanDbContext db, Mailbox mailbox, InboundMail mail, Case entity, Guid contactId, string threading, Actor actor, DateTime now, CancellationToken ct,
        IReadOnlyList<(string Sha256, long Size)?>? stored = null, SlaSetup? slaSetup = null)
    {
        if (entity.Status!.Category >= StatusCategory.Resolved)
        {
            // The customer wrote again: the case is open again (a resolved one always, a closed one per mailbox setting).
            await UpdateCase.ReopenForCustomerAsync(db, entity, actor.Name, null, now, ct);
        }

        await AddMessageAsync(db, mailbox, mail, entity, contactId, threading, now, ct, stored);
        entity.UpdatedAt = now;
        entity.Version++;

        // The customer's message restarts the next-response clock: the SLA engine reads the unsaved message (and a
        // reopening) from the change tracker, so the message, the reopening and the SLA are one save.
        await sla.ApplyAsync(db, entity, now, setup: slaSetup, ct: ct);
        await OutOfHoursAsync(db, mailbox, mail, entity, contactId, now, ct);
        return await SaveDedupedAsync(db, ct);
    }

    private async Task<IntakeResult> NewCaseAsync(Mailbox mailbox, InboundMail mail, Guid contactId, Guid? closedCaseId, Actor actor, CancellationToken ct)
    {
        var created = await createCase.HandleAsync(CaseRequestOf(mail, contactId), actor, IdempotencyKeyOf(mail), ct);
        if (created is not Outcome<CaseDto>.Ok ok)
        {
            throw new UnprocessableEmailException($"The case could not be created: {Describe(created)}");
        }

        var caseId = ok.Value.Id;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var entity = await db.Cases.FirstAsync(c => c.Id == caseId, ct);
        if (!await FirstMessageAsync(db, mailbox, mail, entity, contactId, closedCaseId, actor, Now(), ct))
        {
            await transaction.RollbackAsync(ct);
            return new IntakeResult(IntakeOutcome.Duplicate, caseId, "new");
        }

        await transaction.CommitAsync(ct);
        return new IntakeResult(IntakeOutcome.NewCase, caseId, closedCaseId is null ? "new" : "linked-to-closed");
    }

    /// <summary>The case a message opens: subject (or "(no subject)") and visible text, cut to the case's limits.</summary>
    internal static CreateCaseRequest CaseRequestOf(InboundMail mail, Guid contactId)
    {
        var subject = string.IsNullOrWhiteSpace(mail.Subject) ? "(no subject)" : mail.Subject;
        subject = subject.Length > CaseRules.SubjectMaxLength ? subject[..CaseRules.SubjectMaxLength] : subject;
        var description = mail.VisibleText.Length > CaseRules.DescriptionMaxLength ? mail.VisibleText[..CaseRules.DescriptionMaxLength] : mail.VisibleText;
        return new CreateCaseRequest(subject, description, contactId, Channel: "email");
    }

    /// <summary>The idempotency key makes the creation itself exactly-once: a crash after it and a refetch find the same case.</summary>
    internal static string IdempotencyKeyOf(InboundMail mail) => $"email:{InboundParser.Hash(mail.MessageId)}";

    /// <summary>
    /// The message on the case it opened, in the caller's transaction: the "linked" entry for a reply to a closed case,
    /// the message, the out-of-hours answer, saved. False (nothing saved) when the Message-ID row already exists.
    /// </summary>
    internal async Task<bool> FirstMessageAsync(PishkhanDbContext db, Mailbox mailbox, InboundMail mail, Case entity, Guid contactId, Guid? closedCaseId, Actor actor, DateTime now, CancellationToken ct,
        IReadOnlyList<(string Sha256, long Size)?>? stored = null)
    {
        var caseId = entity.Id;
        if (closedCaseId is { } closed)
        {
            var number = await db.Cases.Where(c => c.Id == closed).Select(c => c.Number).FirstAsync(ct);
            db.TimelineEntries.Add(new TimelineEntry
            {
                CaseId = caseId,
                Kind = TimelineKind.Event,
                Field = "linked",
                NewValue = number,
                AuthorName = actor.Name,
                CreatedAt = now,
            });
        }

        await AddMessageAsync(db, mailbox, mail, entity, contactId, closedCaseId is null ? "new" : "linked-to-closed", entity.CreatedAt, ct, stored);
        await OutOfHoursAsync(db, mailbox, mail, entity, contactId, now, ct);
        return await SaveDedupedAsync(db, ct);
    }

    /// <summary>Stores a message's files (content-addressed, so storing one twice is harmless); null for a file over the size limit.</summary>
    internal async Task<IReadOnlyList<(string Sha256, long Size)?>> StoreFilesAsync(InboundMail mail, CancellationToken ct)
    {
        var stored = new List<(string Sha256, long Size)?>(mail.Files.Count);
        foreach (var file in mail.Files)
        {
            try
            {
                using var content = new MemoryStream(file.Content, writable: false);
                stored.Add(await store.SaveAsync(content, options.Value.MaxAttachmentBytes, ct));
            }
            catch (FileTooLargeException)
            {
                stored.Add(null);
            }
        }

        return stored;
    }

    /// <summary>The inbound timeline entry, its files and the Message-ID row (not saved).</summary>
    /// <param name="stored">The message's files as <see cref="StoreFilesAsync"/> stored them; stored here when not given.</param>
    private async Task<TimelineEntry> AddMessageAsync(
        PishkhanDbContext db, Mailbox mailbox, InboundMail mail, Case entity, Guid contactId, string threading, DateTime at, CancellationToken ct,
        IReadOnlyList<(string Sha256, long Size)?>? stored = null)
    {
        stored ??= await StoreFilesAsync(mail, ct);
        var body = mail.VisibleText;
        var entry = new TimelineEntry
        {
            CaseId = entity.Id,
            Kind = TimelineKind.InboundMessage,
            IsPublic = true,
            IsAutomated = mail.AutomatedReason is not null,
            AuthorContactId = contactId,
            AuthorName = string.IsNullOrWhiteSpace(mail.FromName) ? mail.FromAddress : $"{mail.FromName} <{mail.FromAddress}>",
            CreatedAt = at,
        };
        var skipped = new List<string>();
        var inline = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < mail.Files.Count; i++)
        {
            var file = mail.Files[i];
            if (stored[i] is { } saved)
            {
                var (sha, size) = saved;
                var attachment = new Attachment
                {
                    CaseId = entity.Id,
                    FileName = Truncate(file.FileName, 255),
                    ContentType = Truncate(file.ContentType, 100),
                    Size = size,
                    Sha256 = sha,
                    CreatedAt = at,
                };
                entry.Attachments.Add(attachment);
                if (file.ContentId is { Length: > 0 } contentId)
                {
                    inline.TryAdd(contentId, attachment.Id);
                }
            }
            else
            {
                skipped.Add($"[{file.FileName}: not stored, larger than {options.Value.MaxAttachmentBytes} bytes]");
            }
        }

        if (skipped.Count > 0)
        {
            body = $"{body}\n\n{string.Join('\n', skipped)}";
        }

        entry.Body = body.Length > CaseRules.BodyMaxLength ? body[..CaseRules.BodyMaxLength] : body;
        db.TimelineEntries.Add(entry);
        db.Add(new EmailMessage
        {
            MailboxId = mailbox.Id,
            Direction = EmailDirection.Inbound,
            MessageId = mail.MessageId,
            CaseId = entity.Id,
            TimelineEntryId = entry.Id,
            ContactId = contactId,
            ThreadTopic = mail.ThreadTopic,
            FromAddress = mail.FromAddress,
            Subject = Truncate(mail.Subject, 998),
            // The timeline shows this: inline images point at their stored files (or are dropped when not stored).
            Html = mail.Html is { } html ? InlineImages.Rewrite(html, inline) : QuoteSplitter.TextAsHtml(mail.Text),
            IsAutomated = mail.AutomatedReason is not null,
            Threading = threading,
            CreatedAt = at,
        });
        if (mail.AutomatedReason is { } reason)
        {
            db.TimelineEntries.Add(new TimelineEntry
            {
                CaseId = entity.Id,
                Kind = TimelineKind.Event,
                Field = "automated-email",
                NewValue = reason,
                AuthorName = "Pishkhan",
                CreatedAt = at,
            });
        }

        return entry;
    }

    /// <summary>
    /// Saves; false when the Message-ID row already exists (the same message, handled concurrently). Any other failure
    /// (a case changed meanwhile, a full disk) is thrown: the message is not stored, and must not be taken for a duplicate.
    /// </summary>
    /// <remarks>The save may have written some rows before it failed: the caller rolls its transaction (or savepoint) back.</remarks>
    internal static async Task<bool> SaveDedupedAsync(PishkhanDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (IsDuplicateMessageId(e))
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>The unique index on <see cref="EmailMessage.MessageId"/> refused the row: the message is stored already.</summary>
    internal static bool IsDuplicateMessageId(DbUpdateException e) => UniqueViolation.On(e, "IX_EmailMessages_MessageId", "EmailMessages.MessageId");

    /// <summary>
    /// While the mailbox's calendar is closed, answers once per contact per N hours with the template and the next
    /// opening in the contact's language — never to automated mail (loop protection).
    /// </summary>
    private async Task OutOfHoursAsync(PishkhanDbContext db, Mailbox mailbox, InboundMail mail, Case entity, Guid contactId, DateTime now, CancellationToken ct)
    {
        if (mail.AutomatedReason is not null || mailbox.CalendarId is null)
        {
            return;
        }

        var calendar = await calendars.ForCalendarAsync(mailbox.CalendarId, ct);
        var instant = Instant.FromDateTimeUtc(DateTime.SpecifyKind(now, DateTimeKind.Utc));
        if (calendar is null || calendar.Calendar.IsOpen(instant))
        {
            return;
        }

        var since = now.AddHours(-mailbox.OutOfHoursEveryHours);
        if (await db.Set<OutboundEmail>().AnyAsync(o => o.ContactId == contactId && o.IsAutoReply && o.CreatedAt > since, ct))
        {
            return;
        }

        var language = await db.Contacts.Where(c => c.Id == contactId).Select(c => c.Language).FirstOrDefaultAsync(ct);
        var persian = language != UiLanguage.English;
        var template = persian ? mailbox.OutOfHoursTemplateFa : mailbox.OutOfHoursTemplateEn;
        if (string.IsNullOrWhiteSpace(template))
        {
            return;
        }

        var next = calendar.Calendar.NextOpen(instant).InZone(calendar.Zone);
        var body = template.Replace("{next}", OutOfHoursText.NextOpening(next, persian), StringComparison.Ordinal)
            .Replace("{case}", entity.Number, StringComparison.Ordinal);
        EmailOutbox.Add(db, mailbox, new OutgoingEmail(mail.FromAddress, InboundParser.WithCaseToken(ReplySubject(mail.Subject), entity.Number), body, entity.Id, contactId),
            [mail.MessageId], isAutoReply: true, now);
    }

    internal static string ReplySubject(string subject) =>
        subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? subject : $"Re: {subject}";

    internal DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % 10));
    }

    private static string Truncate(string value, int max) => value.Length > max ? value[..max] : value;

    internal static string Describe<T>(Outcome<T> outcome) => outcome switch
    {
        Outcome<T>.Invalid invalid => string.Join("; ", invalid.Errors.SelectMany(e => e.Value)),
        Outcome<T>.Conflict conflict => conflict.Detail,
        _ => outcome.GetType().Name,
    };
}

/// <summary>The next opening time as the customer reads it: «شنبه ۸ فروردین ۱۴۰۵، ساعت ۸:۰۰» or "Saturday 28 March 2026, 08:00".</summary>
public static class OutOfHoursText
{
    private static readonly string[] JalaliMonths =
        ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"];

    private static readonly string[] PersianDays = ["دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه"];

    public static string NextOpening(ZonedDateTime at, bool persian)
    {
        if (!persian)
        {
            return at.LocalDateTime.ToString("dddd d MMMM yyyy, HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        }

        var jalali = at.LocalDateTime.WithCalendar(CalendarSystem.PersianAstronomical);
        var day = PersianDays[(int)at.DayOfWeek - 1];
        return Platform.Text.PersianText.ToPersianDigits($"{day} {jalali.Day} {JalaliMonths[jalali.Month - 1]} {jalali.Year}، ساعت {jalali.Hour}:{jalali.Minute:00}");
    }
}
