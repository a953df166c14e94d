using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Email;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Notifications;

namespace Pishkhan.Tests.Notifications;

[Trait("Category", "Integration")]
public sealed class NotificationMailerTests : IDisposable
{
    private readonly PishkhanAppFactory _app = new(seedDemo: false, settings: new Dictionary<string, string> { ["Pishkhan:Notifications:EmailEverySeconds"] = "0" });

    [Fact]
    public async Task Due_unread_notifications_are_emailed_once_in_the_users_language_and_wait_while_there_is_no_mailbox()
    {
        var persian = await _app.CreateUserAsync($"fa-{Guid.NewGuid():N}@test.local", UserRole.Agent);
        var english = await _app.CreateUserAsync($"en-{Guid.NewGuid():N}@test.local", UserRole.Agent);
        await _app.WithDbAsync(async db =>
        {
            await db.Users.Where(u => u.Id == persian.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Language, UiLanguage.Persian));
            return await db.Users.Where(u => u.Id == english.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Language, UiLanguage.English));
        });
        var created = await _app.CreateCaseAsync();
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        Notification Row(Guid user, string title, DateTime deliverAfter, DateTime? readAt = null) => new()
        {
            UserId = user,
            CaseId = created.Id,
            Title = title,
            Body = "SLA at risk",
            Source = "sla:warning",
            CreatedAt = deliverAfter,
            DeliverAfter = deliverAfter,
            ReadAt = readAt,
        };
        var rows = new[]
        {
            Row(persian.Id, "هشدار SLA", now.AddMinutes(-1)),
            Row(english.Id, "SLA warning", now.AddMinutes(-1)),
            Row(english.Id, "Already read", now.AddMinutes(-1), readAt: now),
            Row(english.Id, "Held until the calendar opens", now.AddHours(3)),
            Row(english.Id, "From last week", now.AddDays(-7)),
        };
        await _app.WithDbAsync(async db => { db.AddRange(rows); return await db.SaveChangesAsync(); });
        var mailer = _app.Services.GetRequiredService<NotificationMailer>();

        // No mailbox yet: nothing is queued and nothing is marked, so they go out once one exists.
        Assert.Equal(0, await mailer.SendDueAsync());
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<Notification>().CountAsync(n => n.EmailedAt != null)));

        await _app.WithDbAsync(async db =>
        {
            db.Add(new Mailbox { Name = "Support", Address = "support@pishkhan.test", ImapHost = "127.0.0.1", ImapPort = 1, ImapUser = "s", SmtpHost = "127.0.0.1", SmtpPort = 1 });
            return await db.SaveChangesAsync();
        });
        Assert.Equal(2, await mailer.SendDueAsync());
        Assert.Equal(0, await mailer.SendDueAsync());

        var (faAddress, enAddress) = (persian.Email!.ToLowerInvariant(), english.Email!.ToLowerInvariant());
        var sent = await _app.WithDbAsync(db => db.Set<OutboundEmail>().Where(o => o.To == faAddress || o.To == enAddress).ToListAsync());
        Assert.Equal(2, sent.Count);
        Assert.All(sent, o => Assert.Null(o.CaseId)); // not threaded with the customer's conversation
        var fa = Assert.Single(sent, o => o.Subject == "هشدار SLA");
        Assert.Contains($"درخواست {Pishkhan.Platform.Text.PersianText.ToPersianDigits(created.Number)}", fa.TextBody, StringComparison.Ordinal);
        var en = Assert.Single(sent, o => o.Subject == "SLA warning");
        Assert.Contains($"Case {created.Number}", en.TextBody, StringComparison.Ordinal);
        var emailed = await _app.WithDbAsync(db => db.Set<Notification>().Where(n => n.EmailedAt != null).Select(n => n.Title).ToListAsync());
        Assert.Equal(["SLA warning", "هشدار SLA"], emailed.Order(StringComparer.Ordinal));
    }

    public void Dispose() => _app.Dispose();
}
