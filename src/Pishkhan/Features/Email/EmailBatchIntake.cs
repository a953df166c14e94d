using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Email;

/// <summary>What became of one message of a batch: stored (or a duplicate), or to be quarantined with the error.</summary>
public sealed record BatchItemOutcome(IntakeResult? Result, string? QuarantineError);

/// <summary>
/// A batch's outcome, in arrival order; everything in <see cref="Handled"/> was committed together. When a message
/// failed in a way that may pass (the database, a fault), processing stopped before it: <see cref="Failure"/> is its
/// error, and it and the messages after it were not handled.
/// </summary>
public sealed record BatchOutcome(IReadOnlyList<BatchItemOutcome> Handled, Exception? Failure);

/// <summary>
/// <see cref="EmailIntake"/> for a batch of messages (the IMAP worker's fetch), with the same outcome message by message
/// as handling them one after another in arrival order: parsing runs in parallel; deduplication, the contact lookup and
/// the earlier idempotency records are one query each; new senders' contacts are made together; files are stored in
/// parallel; then each message is threaded, stored and answered in arrival order inside ONE transaction (so a message
/// threads onto a case an earlier message of the same batch opened), each under a savepoint so one bad message is
/// rolled back alone and quarantined. Cases are created through <see cref="CreateCaseBatch"/>. One commit per batch.
/// </summary>
public sealed class EmailBatchIntake(IDbContextFactory<PishkhanDbContext> dbFactory, EmailIntake intake, CreateCaseBatch caseBatch, TimeProvider clock)
{
    /// <summary>The most messages the IMAP worker hands over at once.</summary>
    public const int BatchSize = 100;

    /// <param name="beforeCommit">
    /// Runs inside the batch's transaction just before it commits (the IMAP worker writes its quarantine rows and moves
    /// its UID checkpoint there, so the checkpoint never passes an uncommitted message); it saves what it adds.
    /// </param>
    public async Task<BatchOutcome> ProcessAsync(
        Mailbox mailbox, IReadOnlyList<byte[]> raws, Func<PishkhanDbContext, BatchOutcome, CancellationToken, Task>? beforeCommit = null, CancellationToken ct = default)
    {
        var parsed = new (InboundMail? Mail, Exception? Error)[raws.Count];
        Parallel.For(0, raws.Count, new ParallelOptions { CancellationToken = ct }, i =>
        {
            try
            {
                parsed[i] = (InboundParser.Parse(raws[i]), null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                parsed[i] = (null, e);
            }
        });

        // A fault that is not the message's own (not "unprocessable") stops the batch there, as it stops the one-by-one loop.
        var count = raws.Count;
        Exception? failure = null;
        for (var i = 0; i < raws.Count; i++)
        {
            if (parsed[i].Error is { } error and not UnprocessableEmailException)
            {
                (count, failure) = (i, error);
                break;
            }
        }

        var actor = EmailIntake.ActorFor(mailbox);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        // Savepoints are taken per message below; one per save on top of them would only add statements.
        db.Database.AutoSavepointsEnabled = false;
        await db.Database.OpenConnectionAsync(ct);

        var mails = parsed.Take(count).Select(p => p.Mail).Where(m => m is not null).Select(m => m!).ToList();
        var ids = mails.Select(m => m.MessageId).Distinct().ToList();
        var seen = new Dictionary<string, IntakeResult>();
        foreach (var row in await db.Set<EmailMessage>().AsNoTracking().Where(m => ids.Contains(m.MessageId))
            .Select(m => new { m.MessageId, m.CaseId, m.Threading }).ToListAsync(ct))
        {
            seen.TryAdd(row.MessageId, new IntakeResult(IntakeOutcome.Duplicate, row.CaseId, row.Threading));
        }

        // The first copy of each message not stored before: these need a contact, their files and maybe a case.
        var fresh = mails.Where(m => !seen.ContainsKey(m.MessageId)).DistinctBy(m => m.MessageId).ToList();
        var stored = new Dictionary<InboundMail, IReadOnlyList<(string Sha256, long Size)?>>();
        var files = await Task.WhenAll(fresh.Where(m => m.Files.Count > 0).Select(async m => (m, await intake.StoreFilesAsync(m, ct))));
        foreach (var (mail, saved) in files)
        {
            stored[mail] = saved;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Every copy's sender: a later copy (of a message whose first copy is quarantined) may name another one.
        var contacts = await ContactsAsync(db, transaction, mails.Where(m => !seen.ContainsKey(m.MessageId)).ToList(), ct);
        var cases = await caseBatch.StartAsync(db, actor, fresh.Select(EmailIntake.IdempotencyKeyOf).ToList(), ct);

        var handled = new List<BatchItemOutcome>(count);
        for (var i = 0; i < count; i++)
        {
            if (parsed[i] is { Mail: null, Error: { } unprocessable })
            {
                handled.Add(new BatchItemOutcome(null, unprocessable.Message));
                continue;
            }

            var mail = parsed[i].Mail!;
            if (seen.TryGetValue(mail.MessageId, out var earlier))
            {
                handled.Add(new BatchItemOutcome(earlier with { Outcome = IntakeOutcome.Duplicate }, null));
                continue;
            }

            if (contacts[mail.FromAddress] is not { } contactId)
            {
                handled.Add(new BatchItemOutcome(null, $"Cannot create a contact for '{mail.FromAddress}': '{mail.FromAddress}' is not an email address."));
                continue;
            }

            await transaction.CreateSavepointAsync("message", ct);
            var added = new List<Guid>();
            try
            {
                var result = await OneAsync(db, cases, mailbox, mail, contactId, stored.GetValueOrDefault(mail), added, actor, ct);
                if (result.Outcome == IntakeOutcome.Duplicate)
                {
                    // Stored meanwhile by someone else (its Message-ID row exists): nothing of this message stays.
                    await transaction.RollbackToSavepointAsync("message", ct);
                    added.ForEach(cases.Forget);
                    result = await db.Set<EmailMessage>().AsNoTracking().Where(m => m.MessageId == mail.MessageId)
                        .Select(m => new IntakeResult(IntakeOutcome.Duplicate, m.CaseId, m.Threading)).FirstOrDefaultAsync(ct) ?? result;
                }
                else
                {
                    await transaction.ReleaseSavepointAsync("message", ct);
                }

                seen[mail.MessageId] = result;
                handled.Add(new BatchItemOutcome(result, null));
            }
            catch (UnprocessableEmailException e)
            {
                await transaction.RollbackToSavepointAsync("message", ct);
                added.ForEach(cases.Forget);
                handled.Add(new BatchItemOutcome(null, e.Message));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await transaction.RollbackToSavepointAsync("message", ct);
                added.ForEach(cases.Forget);
                (failure, count) = (e, i);
                db.ChangeTracker.Clear();
                break;
            }

            // Each message's rows are saved: the tracker starts empty for the next (saves stay small, threading reads the database).
            db.ChangeTracker.Clear();
        }

        var outcome = new BatchOutcome(handled, failure);
        if (beforeCommit is not null)
        {
            await beforeCommit(db, outcome, ct);
        }

        await transaction.CommitAsync(ct);
        await cases.CommittedAsync(ct);
        return outcome;
    }

    /// <summary>One message, in arrival order, as <see cref="EmailIntake.ProcessAsync"/> handles it after deduplication and the contact.</summary>
    private async Task<IntakeResult> OneAsync(
        PishkhanDbContext db, CreateCaseBatch.CaseBatch cases, Mailbox mailbox, InboundMail mail, Guid contactId,
        IReadOnlyList<(string Sha256, long Size)?>? stored, List<Guid> added, Identity.Actor actor, CancellationToken ct)
    {
        var (caseId, threading) = await EmailIntake.ThreadAsync(db, mailbox, mail, contactId, ct);
        if (caseId is { } existing && await EmailIntake.CaseForReplyAsync(db, mailbox, existing, ct) is { } open)
        {
            return await intake.AppendAsync(db, mailbox, mail, open, contactId, threading, actor, intake.Now(), ct, stored, cases.SlaSetup)
                ? new IntakeResult(IntakeOutcome.AddedToCase, existing, threading)
                : new IntakeResult(IntakeOutcome.Duplicate, existing, threading);
        }

        var created = await cases.AddAsync(EmailIntake.CaseRequestOf(mail, contactId), EmailIntake.IdempotencyKeyOf(mail), ct);
        if (created is not Outcome<(Case Case, bool Replayed)>.Ok { Value: var (entity, replayed) })
        {
            throw new UnprocessableEmailException($"The case could not be created: {EmailIntake.Describe(created)}");
        }

        if (!replayed)
        {
            // Saved with the message below: nothing in between reads the database, and the save writes the same audit
            // rows, automation events and report marks as CreateCase's own save and the message's would.
            added.Add(entity.Id);
        }

        return await intake.FirstMessageAsync(db, mailbox, mail, entity, contactId, caseId, actor, intake.Now(), ct, stored)
            ? new IntakeResult(IntakeOutcome.NewCase, entity.Id, caseId is null ? "new" : "linked-to-closed")
            : new IntakeResult(IntakeOutcome.Duplicate, entity.Id, "new");
    }

    /// <summary>
    /// The contact of every sender (one query), making the missing ones together as <see cref="SaveContact"/> makes
    /// them (name, the address, audit rows); null for an address a contact cannot have.
    /// </summary>
    private async Task<Dictionary<string, Guid?>> ContactsAsync(
        PishkhanDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, List<InboundMail> fresh, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var addresses = fresh.Select(m => m.FromAddress).Distinct().ToList();
            var found = new Dictionary<string, Guid?>();
            foreach (var row in await db.ContactChannels.AsNoTracking()
                .Where(c => c.Kind == ContactChannelKind.Email && addresses.Contains(c.Value)).Select(c => new { c.Value, c.ContactId }).ToListAsync(ct))
            {
                found.TryAdd(row.Value, row.ContactId);
            }

            var now = clock.GetUtcNow().UtcDateTime;
            await transaction.CreateSavepointAsync("contacts", ct);
            foreach (var mail in fresh.Where(m => !found.ContainsKey(m.FromAddress)))
            {
                var email = mail.FromAddress;
                if (email.Length > 320)
                {
                    found[email] = null;
                    continue;
                }

                var contact = new Contact
                {
                    Name = EmailIntake.ContactNameOf(mail).Trim(),
                    CreatedAt = now,
                    Tags = CaseRules.CleanTags([]),
                    CustomFields = [],
                    UpdatedAt = now,
                };
                db.Contacts.Add(contact);
                var channel = new ContactChannel { Kind = ContactChannelKind.Email, Value = email, ContactId = contact.Id };
                db.ContactChannels.Add(channel);
                contact.Channels.Add(channel);
                contact.SearchText = PersianText.NormalizeForSearch($"{contact.Name} {string.Join(' ', contact.Emails)}");
                found[email] = contact.Id;
            }

            try
            {
                await db.SaveChangesAsync(ct);
                await transaction.ReleaseSavepointAsync("contacts", ct);
                db.ChangeTracker.Clear();
                return found;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another intake made one of these contacts first: read them again.
                await transaction.RollbackToSavepointAsync("contacts", ct);
                db.ChangeTracker.Clear();
            }
        }
    }
}
