using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Attachments;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Email;

/// <summary>
/// Delivers due outbox rows over SMTP. A failure is retried with doubling delays; after the last attempt the row is
/// failed and the case's timeline says so (an agent can "resend").
/// </summary>
public sealed class EmailSender(
    IDbContextFactory<PishkhanDbContext> dbFactory, MailboxSecrets secrets, AttachmentStore store, IOptions<EmailOptions> options, TimeProvider clock,
    ILogger<EmailSender> logger)
    : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public void Dispose() => _gate.Dispose();

    /// <returns>How many messages were sent.</returns>
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var due = await db.Set<OutboundEmail>().Where(o => o.Status == OutboundStatus.Pending && o.NextAttemptAt <= now)
                .OrderBy(o => o.NextAttemptAt).Take(50).ToListAsync(ct);
            var sent = 0;
            foreach (var group in due.GroupBy(o => o.MailboxId))
            {
                var mailbox = await db.Set<Mailbox>().AsNoTracking().FirstAsync(m => m.Id == group.Key, ct);
                MailKit.Net.Smtp.SmtpClient? client = null;
                try
                {
                    foreach (var row in group)
                    {
                        try
                        {
                            client ??= await MailConnections.OpenSmtpAsync(secrets.Smtp(mailbox), null, ct);
                            var files = await FilesOfAsync(db, row, ct);
                            try
                            {
                                await client.SendAsync(Build(mailbox, row, files), ct);
                            }
                            finally
                            {
                                foreach (var file in files)
                                {
                                    await file.Content.DisposeAsync();
                                }
                            }

                            row.Status = OutboundStatus.Sent;
                            row.SentAt = clock.GetUtcNow().UtcDateTime;
                            row.LastError = null;
                            row.Attempts++;
                            sent++;
                        }
                        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                        {
                            Failed(db, row, e, clock.GetUtcNow().UtcDateTime);
                            client?.Dispose();
                            client = null;
                        }

                        await db.SaveChangesAsync(ct);
                    }
                }
                finally
                {
                    if (client is not null)
                    {
                        await client.DisconnectAsync(true, CancellationToken.None);
                        client.Dispose();
                    }
                }
            }

            return sent;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Failed(PishkhanDbContext db, OutboundEmail row, Exception e, DateTime now)
    {
        row.Attempts++;
        var error = $"{e.GetType().Name}: {e.Message}";
        row.LastError = error.Length > 2000 ? error[..2000] : error;
        logger.LogWarning("Sending email {MessageId} to {To} failed (attempt {Attempt}): {Error}", row.MessageId, row.To, row.Attempts, e.Message);
        if (row.Attempts >= options.Value.MaxAttempts)
        {
            row.Status = OutboundStatus.Failed;
            if (row.CaseId is { } caseId)
            {
                db.TimelineEntries.Add(new TimelineEntry
                {
                    CaseId = caseId,
                    Kind = TimelineKind.Event,
                    Field = "email-failed",
                    NewValue = $"{row.To}: {row.LastError}",
                    AuthorName = "Pishkhan",
                    CreatedAt = now,
                });
            }

            return;
        }

        var delay = Math.Min(3600, options.Value.RetryBaseSeconds * Math.Pow(2, row.Attempts - 1));
        row.NextAttemptAt = now.AddSeconds(delay);
    }

    /// <summary>The files of the reply the row sends (the agent attached them to the timeline entry), opened from the store.</summary>
    private async Task<List<OutgoingFile>> FilesOfAsync(PishkhanDbContext db, OutboundEmail row, CancellationToken ct)
    {
        if (row.TimelineEntryId is not { } entryId)
        {
            return [];
        }

        var attachments = await db.Attachments.AsNoTracking().Where(a => a.TimelineEntryId == entryId)
            .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).ToListAsync(ct);
        return attachments.Select(a => new OutgoingFile(a.FileName, a.ContentType, store.Open(a.Sha256))).ToList();
    }

    /// <summary>
    /// The MIME message of an outbox row: our Message-ID, threading headers, loop-protection headers on automatic
    /// answers, and the reply's files as attachments (multipart/mixed after the text).
    /// </summary>
    public static MimeMessage Build(Mailbox mailbox, OutboundEmail row, IReadOnlyList<OutgoingFile>? files = null)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(mailbox.Name, mailbox.Address));
        message.To.Add(MailboxAddress.Parse(row.To));
        message.Subject = row.Subject;
        message.MessageId = row.MessageId;
        message.Date = new DateTimeOffset(DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc));
        if (row.InReplyTo is { } inReplyTo)
        {
            message.InReplyTo = inReplyTo;
        }

        if (row.References is { } references)
        {
            foreach (var reference in MimeKit.Utils.MimeUtils.EnumerateReferences(references))
            {
                message.References.Add(reference);
            }
        }

        if (row.IsAutoReply)
        {
            message.Headers.Add("Auto-Submitted", "auto-replied");
            message.Headers.Add("X-Auto-Response-Suppress", "All");
        }

        var text = new TextPart("plain") { Text = row.TextBody };
        if (files is not { Count: > 0 })
        {
            message.Body = text;
            return message;
        }

        var mixed = new Multipart("mixed") { text };
        foreach (var file in files)
        {
            var type = ContentType.TryParse(file.ContentType, out var parsed) ? parsed : new ContentType("application", "octet-stream");
            mixed.Add(new MimePart(type)
            {
                Content = new MimeContent(file.Content),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = file.FileName,
            });
        }

        message.Body = mixed;
        return message;
    }
}

/// <summary>A file sent with an outgoing email; the stream is read when the message is written.</summary>
public sealed record OutgoingFile(string FileName, string ContentType, Stream Content);

/// <summary>Runs <see cref="EmailSender"/> every few seconds.</summary>
public sealed class EmailSenderWorker(EmailSender sender, IOptions<EmailOptions> options, ILogger<EmailSenderWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Background)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await sender.SendDueAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "The email outbox run failed.");
            }

            await Task.Delay(TimeSpan.FromSeconds(options.Value.SendSeconds), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
