using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Email;
using Pishkhan.Localization;
using Pishkhan.Platform.Data;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Satisfaction;

/// <summary>
/// Queues each offered survey's email once, in the contact's language (Persian unless their language is English), with
/// the public link. The outbox row and the survey's "queued" mark are saved together, so the email goes out exactly once
/// and its delivery (retries, failures) is the outbox's, on the case's Emails tab. It goes from the mailbox the customer
/// last wrote to, else the first active one, threads with the case and is marked automatic.
/// While no mailbox is active the surveys wait (<see cref="SurveyEmailStatus.Pending"/>), like notifications do; one whose
/// 7 days pass first is marked <see cref="SurveyEmailStatus.Expired"/>, a contact without an address
/// <see cref="SurveyEmailStatus.NoAddress"/>: the case view shows which.
/// </summary>
public sealed class SatisfactionMailer(IDbContextFactory<PishkhanDbContext> dbFactory, SurveyLink links, TimeProvider clock)
{
    private static readonly EmailTemplate English = new(
        "How did we do? Case {number}",
        "Hello {name},\n\nYour request \"{subject}\" (case {number}) has been resolved. How satisfied are you with our help? "
        + "Please rate it from 1 to 5; it takes a few seconds:\n\n{link}\n\nYou can change your answer until {until}.\n\n-- Pishkhan");

    private static readonly EmailTemplate Persian = new(
        "نظر شما دربارهٔ درخواست {number}",
        "سلام {name}،\n\nدرخواست شما «{subject}» (شمارهٔ {number}) حل شد. چقدر از کمک ما راضی هستید؟ "
        + "لطفاً از ۱ تا ۵ امتیاز دهید؛ چند ثانیه بیشتر طول نمی‌کشد:\n\n{link}\n\nتا {until} می‌توانید پاسخ خود را تغییر دهید.\n\n-- پیشخوان");

    /// <returns>How many emails were queued.</returns>
    public async Task<int> SendDueAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = SurveyRules.Micro(clock.GetUtcNow().UtcDateTime);

        var closed = await db.Set<SatisfactionSurvey>().Where(s => s.EmailStatus == SurveyEmailStatus.Pending && s.ChangeableUntil <= now).Take(500).ToListAsync(ct);
        foreach (var survey in closed)
        {
            survey.EmailStatus = survey.Rating is null ? SurveyEmailStatus.Expired : SurveyEmailStatus.AlreadyAnswered;
        }

        var queued = 0;
        if (await db.Set<Mailbox>().AnyAsync(m => m.IsActive, ct))
        {
            var due = await db.Set<SatisfactionSurvey>()
                .Where(s => s.EmailStatus == SurveyEmailStatus.Pending && s.ChangeableUntil > now)
                .OrderBy(s => s.SentAt).Take(100).ToListAsync(ct);
            foreach (var survey in due)
            {
                if (survey.Rating is not null)
                {
                    survey.EmailStatus = SurveyEmailStatus.AlreadyAnswered;
                    continue;
                }

                var entity = await db.Cases.AsNoTracking().FirstAsync(c => c.Id == survey.CaseId, ct);
                var contact = await db.Contacts.AsNoTracking().Where(c => c.Id == survey.ContactId).Select(c => new { c.Name, c.Language }).FirstOrDefaultAsync(ct);
                var to = await db.ContactChannels.AsNoTracking().Where(c => c.ContactId == survey.ContactId && c.Kind == ContactChannelKind.Email)
                    .OrderBy(c => c.Id).Select(c => c.Value).FirstOrDefaultAsync(ct);
                if (contact is null || string.IsNullOrEmpty(to))
                {
                    survey.EmailStatus = SurveyEmailStatus.NoAddress;
                    continue;
                }

                var persian = contact.Language is not { } language || !language.StartsWith("en", StringComparison.OrdinalIgnoreCase);
                var values = new Dictionary<string, string>
                {
                    ["name"] = contact.Name,
                    ["subject"] = entity.Subject,
                    ["number"] = persian ? PersianText.ToPersianDigits(entity.Number) : entity.Number,
                    ["link"] = links.For(survey.Token),
                    ["until"] = DisplayFormat.DateTime(survey.ChangeableUntil, persian),
                };
                var template = persian ? Persian : English;
                var row = await EmailOutbox.QueueAutomaticAsync(
                    db, entity, to, EmailTemplate.Fill(template.Subject, values), EmailTemplate.Fill(template.Body, values), now, ct);
                if (row is null)
                {
                    break; // the mailbox went away meanwhile: the rest wait for one
                }

                survey.EmailStatus = SurveyEmailStatus.Queued;
                survey.OutboundEmailId = row.Id;
                queued++;
            }
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return 0; // another node (or an answer) changed one of these surveys first: the next round sees the result
        }

        return queued;
    }
}

/// <summary>
/// "A survey was just offered": wakes <see cref="SatisfactionMailerWorker"/> so the email goes out in a moment rather
/// than at the next round. Losing a signal (a crash, a save inside a longer transaction) only delays the email to that round.
/// </summary>
public sealed class SurveySignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Offered() => _channel.Writer.TryWrite(true);

    internal ChannelReader<bool> Reader => _channel.Reader;
}

/// <summary>
/// Runs <see cref="SatisfactionMailer"/> when a survey is offered and every <c>Pishkhan:Satisfaction:EmailEverySeconds</c>
/// (default 30; 0 turns it off).
/// </summary>
public sealed class SatisfactionMailerWorker(SatisfactionMailer mailer, SurveySignal signal, IConfiguration configuration, TimeProvider clock, ILogger<SatisfactionMailerWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = configuration.GetValue("Pishkhan:Satisfaction:EmailEverySeconds", 30.0);
        if (seconds <= 0)
        {
            return;
        }

        Task<bool>? woken = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                woken ??= signal.Reader.WaitToReadAsync(stoppingToken).AsTask();
                await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(seconds), clock, stoppingToken), woken);
                if (woken.IsCompleted)
                {
                    signal.Reader.TryRead(out _); // it holds one signal at most
                    woken = null;
                }

                await mailer.SendDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Queueing satisfaction survey emails failed; trying again in {Seconds} s.", seconds);
            }
        }
    }
}
