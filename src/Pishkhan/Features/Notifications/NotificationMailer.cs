using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Email;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Notifications;

/// <summary>
/// Emails each due, unread notification once to its user through the email outbox (so retries and failures are the
/// outbox's), in the user's language. Nothing is marked while no mailbox is active: the notifications wait for one.
/// Not threaded with the case: a reply to it must not land on the customer's conversation.
/// </summary>
public sealed class NotificationMailer(IDbContextFactory<PishkhanDbContext> dbFactory, EmailOutbox outbox, TimeProvider clock)
{
    /// <summary>Notifications older than this when first seen are not emailed (a mailbox added later does not flood inboxes).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(1);

    private static readonly EmailTemplate English = new("{title}", "{body}\n\n{case}\n-- Pishkhan");
    private static readonly EmailTemplate Persian = new("{title}", "{body}\n\n{case}\n-- پیشخوان");

    /// <returns>How many were queued.</returns>
    public async Task<int> SendDueAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Set<Mailbox>().AnyAsync(m => m.IsActive, ct))
        {
            return 0;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var oldest = now - MaxAge;
        var due = await db.Set<Notification>()
            .Where(n => n.EmailedAt == null && n.ReadAt == null && n.DeliverAfter <= now && n.DeliverAfter >= oldest)
            .OrderBy(n => n.DeliverAfter).Take(100)
            .Select(n => new
            {
                Notification = n,
                Email = db.Users.Where(u => u.Id == n.UserId && u.IsActive).Select(u => u.Email).FirstOrDefault(),
                Language = db.Users.Where(u => u.Id == n.UserId).Select(u => u.Language).FirstOrDefault(),
                CaseNumber = db.Cases.Where(c => c.Id == n.CaseId).Select(c => c.Number).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var queued = 0;
        foreach (var item in due)
        {
            var persian = item.Language == UiLanguage.Persian;
            var values = new Dictionary<string, string>
            {
                ["title"] = item.Notification.Title,
                ["body"] = item.Notification.Body,
                ["case"] = item.CaseNumber is null ? ""
                    : persian ? $"درخواست {PersianText.ToPersianDigits(item.CaseNumber)}" : $"Case {item.CaseNumber}",
            };
            var outcome = string.IsNullOrEmpty(item.Email)
                ? null
                : await outbox.SendTemplateAsync(item.Email, persian ? Persian : English, values, Actor.System, ct: ct);
            if (outcome is Outcome<OutboundEmailDto>.NotFound)
            {
                break; // the mailbox went away meanwhile: try again later
            }

            // Sent, or never sendable (no address, an address the outbox refuses): either way not tried again.
            item.Notification.EmailedAt = now;
            queued += outcome is Outcome<OutboundEmailDto>.Ok ? 1 : 0;
        }

        await db.SaveChangesAsync(ct);
        return queued;
    }
}

/// <summary>Runs <see cref="NotificationMailer"/> every <c>Pishkhan:Notifications:EmailEverySeconds</c> (default 30; 0 turns it off).</summary>
public sealed class NotificationMailerWorker(NotificationMailer mailer, IConfiguration configuration, TimeProvider clock, ILogger<NotificationMailerWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = configuration.GetValue("Pishkhan:Notifications:EmailEverySeconds", 30.0);
        if (seconds <= 0)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(seconds), clock, stoppingToken);
                await mailer.SendDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Emailing notifications failed; trying again in {Seconds} s.", seconds);
            }
        }
    }
}
