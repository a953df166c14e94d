using System.Collections.Concurrent;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Email;

/// <summary>
/// Reads each active mailbox's folder from its UID checkpoint, in batches of up to <see cref="EmailBatchIntake.BatchSize"/>
/// messages: each batch is handled by <see cref="EmailBatchIntake"/> (unparseable messages quarantined) and the
/// checkpoint moves past it in the same transaction, so it never passes a message that was not committed. A changed
/// UIDVALIDITY starts over from the first message; deduplication by Message-ID makes that harmless.
/// </summary>
public sealed class MailboxSync(
    IDbContextFactory<PishkhanDbContext> dbFactory, EmailBatchIntake intake, TimeProvider clock, ILogger<MailboxSync> logger)
{
    private const int AttemptsBeforeQuarantine = 3;
    private readonly ConcurrentDictionary<(Guid, long), int> _failures = new();

    /// <returns>How many new messages were handled.</returns>
    public async Task<int> CatchUpAsync(Guid mailboxId, IMailFolder folder, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mailbox = await db.Set<Mailbox>().FirstAsync(m => m.Id == mailboxId, ct);
        if (mailbox.UidValidity != folder.UidValidity)
        {
            if (mailbox.UidValidity != 0)
            {
                logger.LogWarning("Mailbox {Mailbox}: UIDVALIDITY changed from {Old} to {New}; reading the folder again from the start.", mailbox.Address, mailbox.UidValidity, folder.UidValidity);
            }

            mailbox.UidValidity = folder.UidValidity;
            mailbox.LastUid = 0;
            await db.SaveChangesAsync(ct);
        }

        // "n:*" always matches the newest message, even one below n: keep only the really new ones.
        var uids = (await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId((uint)Math.Min(mailbox.LastUid + 1, uint.MaxValue)), UniqueId.MaxValue)), ct))
            .Where(u => u.Id > mailbox.LastUid).OrderBy(u => u.Id).ToList();
        var handled = 0;
        while (handled < uids.Count)
        {
            var chunk = uids.Skip(handled).Take(EmailBatchIntake.BatchSize).ToList();
            var raws = new List<byte[]>(chunk.Count);
            foreach (var uid in chunk)
            {
                using var buffer = new MemoryStream();
                using var stream = await folder.GetStreamAsync(uid, ct);
                await stream.CopyToAsync(buffer, ct);
                raws.Add(buffer.ToArray());
            }

            var through = 0;
            var outcome = await intake.ProcessAsync(mailbox, raws, async (tx, done, c) =>
            {
                for (var i = 0; i < done.Handled.Count; i++)
                {
                    if (done.Handled[i].QuarantineError is { } error)
                    {
                        await QuarantineAsync(tx, mailbox, chunk[i].Id, error, raws[i], c);
                    }
                }

                through = done.Handled.Count;
                if (done.Failure is { } e && through < chunk.Count)
                {
                    // A poison message must not hold the mailbox forever; a passing fault (database down) must not quarantine.
                    var count = _failures.AddOrUpdate((mailbox.Id, chunk[through].Id), 1, (_, n) => n + 1);
                    if (count >= AttemptsBeforeQuarantine)
                    {
                        await QuarantineAsync(tx, mailbox, chunk[through].Id, $"{e.GetType().Name}: {e.Message}", raws[through], c);
                        through++;
                    }
                }

                if (through > 0)
                {
                    var checkpoint = (long)chunk[through - 1].Id;
                    await tx.SaveChangesAsync(c);
                    await tx.Set<Mailbox>().Where(m => m.Id == mailbox.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.LastUid, checkpoint), c);
                }
            }, ct);

            if (through > 0)
            {
                // Committed with the batch; the tracked copy follows without a save of its own.
                var committed = db.Entry(mailbox).Property(m => m.LastUid);
                committed.CurrentValue = committed.OriginalValue = chunk[through - 1].Id;
            }

            handled += through;
            if (through < chunk.Count && outcome.Failure is { } failure)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
        }

        return handled;
    }

    private async Task QuarantineAsync(PishkhanDbContext db, Mailbox mailbox, long uid, string error, byte[] raw, CancellationToken ct)
    {
        logger.LogWarning("Mailbox {Mailbox}: message UID {Uid} quarantined: {Error}", mailbox.Address, uid, error);
        if (await db.Set<QuarantinedEmail>().AnyAsync(q => q.MailboxId == mailbox.Id && q.Uid == uid, ct))
        {
            return;
        }

        db.Add(new QuarantinedEmail
        {
            MailboxId = mailbox.Id,
            Uid = uid,
            Error = error.Length > 4000 ? error[..4000] : error,
            Raw = raw,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
    }
}

/// <summary>
/// One loop per active mailbox: connect, catch up, then wait with IDLE where the server has it (polling otherwise),
/// and catch up again. A changed mailbox definition restarts its loop; errors back off and reconnect.
/// </summary>
public sealed class ImapIntakeWorker(
    IDbContextFactory<PishkhanDbContext> dbFactory, MailboxSecrets secrets, MailboxSync sync, IOptions<EmailOptions> options, ILogger<ImapIntakeWorker> logger)
    : BackgroundService
{
    private readonly Dictionary<Guid, (int Version, Task Loop, CancellationTokenSource Stop)> _loops = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Background)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Reading the mailbox list failed.");
                }

                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        finally
        {
            foreach (var (_, loop, stop) in _loops.Values)
            {
                await stop.CancelAsync();
                await loop.ContinueWith(_ => { }, TaskScheduler.Default);
                stop.Dispose();
            }
        }
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var active = await db.Set<Mailbox>().AsNoTracking().Where(m => m.IsActive).Select(m => new { m.Id, m.Version }).ToListAsync(ct);
        foreach (var (id, (version, loop, stop)) in _loops.ToList())
        {
            if (loop.IsCompleted || !active.Any(a => a.Id == id && a.Version == version))
            {
                await stop.CancelAsync();
                await loop.ContinueWith(_ => { }, TaskScheduler.Default);
                stop.Dispose();
                _loops.Remove(id);
            }
        }

        foreach (var mailbox in active.Where(a => !_loops.ContainsKey(a.Id)))
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _loops[mailbox.Id] = (mailbox.Version, Task.Run(() => RunAsync(mailbox.Id, stop.Token), CancellationToken.None), stop);
        }
    }

    private async Task RunAsync(Guid mailboxId, CancellationToken ct)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                Mailbox mailbox;
                await using (var db = await dbFactory.CreateDbContextAsync(ct))
                {
                    mailbox = await db.Set<Mailbox>().AsNoTracking().FirstAsync(m => m.Id == mailboxId, ct);
                }

                using var client = await MailConnections.OpenImapAsync(secrets.Imap(mailbox), null, ct);
                var folder = await client.GetFolderAsync(mailbox.ImapFolder, ct);
                await folder.OpenAsync(FolderAccess.ReadOnly, ct);
                backoff = TimeSpan.FromSeconds(1);
                while (!ct.IsCancellationRequested)
                {
                    await sync.CatchUpAsync(mailboxId, folder, ct);
                    await WaitAsync(client, folder, ct);
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning("Mailbox {MailboxId}: {Error}; reconnecting in {Delay}.", mailboxId, e.Message, backoff);
                await Task.Delay(backoff, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromSeconds(Math.Min(300, backoff.TotalSeconds * 2));
            }
        }
    }

    /// <summary>IDLE until the server reports a new message or the poll interval passes; a plain wait without IDLE.</summary>
    private async Task WaitAsync(ImapClient client, IMailFolder folder, CancellationToken ct)
    {
        var interval = TimeSpan.FromSeconds(options.Value.PollSeconds);
        if (!client.Capabilities.HasFlag(ImapCapabilities.Idle))
        {
            await Task.Delay(interval, ct);
            await client.NoOpAsync(ct);
            return;
        }

        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        done.CancelAfter(interval);
        void OnCount(object? sender, EventArgs e) => done.Cancel();
        folder.CountChanged += OnCount;
        try
        {
            await client.IdleAsync(done.Token, ct);
        }
        finally
        {
            folder.CountChanged -= OnCount;
        }
    }
}
