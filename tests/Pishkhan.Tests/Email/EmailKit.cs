using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Pishkhan.Features.Email;

namespace Pishkhan.Tests.Email;

/// <summary>Shared steps of the email scenarios: an app whose workers poll fast, a mailbox on the test servers, waiting for intake.</summary>
internal static class EmailKit
{
    public static Dictionary<string, string> FastWorkers(bool background = true) => new()
    {
        ["Pishkhan:Email:Background"] = background ? "true" : "false",
        ["Pishkhan:Email:PollSeconds"] = "1",
        ["Pishkhan:Email:SendSeconds"] = "1",
        ["Pishkhan:Email:RetryBaseSeconds"] = "1",
        ["Pishkhan:Email:MaxAttempts"] = "50",
        ["Pishkhan:Email:MaxAttachmentBytes"] = "100000",
    };

    public static object MailboxBody(MailServers servers, string user, object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = "Support " + user,
            ["address"] = $"{user}@support.test",
            ["imapHost"] = "127.0.0.1",
            ["imapPort"] = servers.ImapPort,
            ["imapSecurity"] = "none",
            ["imapUser"] = user,
            ["imapPassword"] = MailServers.Password,
            ["smtpHost"] = "127.0.0.1",
            ["smtpPort"] = servers.SmtpPort,
            ["smtpSecurity"] = "none",
        };
        if (extra is not null)
        {
            foreach (var p in extra.GetType().GetProperties())
            {
                body[p.Name] = p.GetValue(extra);
            }
        }

        return body;
    }

    public static async Task<MailboxDto> CreateMailboxAsync(PishkhanAppFactory app, MailServers servers, string user, object? extra = null)
    {
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/email/mailboxes", MailboxBody(servers, user, extra), PishkhanAppFactory.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<MailboxDto>(PishkhanAppFactory.Json))!;
    }

    public static MimeMessage Message(string from, string subject, string text, string? messageId = null, string? inReplyTo = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("support@support.test"));
        message.Subject = subject;
        message.MessageId = messageId ?? $"{Guid.NewGuid():N}@customer.test";
        if (inReplyTo is not null)
        {
            message.InReplyTo = inReplyTo;
            message.References.Add(inReplyTo);
        }

        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    /// <summary>Waits (up to a minute) until <paramref name="condition"/> holds: intake and sending run in the background.</summary>
    public static async Task<T> EventuallyAsync<T>(PishkhanAppFactory app, Func<Pishkhan.Platform.Data.PishkhanDbContext, Task<T>> read, Func<T, bool> condition, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        T value;
        do
        {
            value = await app.WithDbAsync(read);
            if (condition(value))
            {
                return value;
            }

            await Task.Delay(200);
        }
        while (watch.Elapsed < TimeSpan.FromSeconds(60));

        Assert.Fail($"Timed out waiting for {what}; last value: {value}");
        return value;
    }

    public static Task<List<EmailMessage>> InboundAsync(PishkhanAppFactory app, Guid mailboxId, int atLeast) =>
        EventuallyAsync(app, db => db.Set<EmailMessage>().AsNoTracking().Where(m => m.MailboxId == mailboxId && m.Direction == EmailDirection.Inbound).OrderBy(m => m.CreatedAt).ToListAsync(),
            list => list.Count >= atLeast, $"{atLeast} inbound messages");

    public static async Task<IReadOnlyList<MimeMessage>> ReceivedAsync(MailServers servers, Func<MimeMessage, bool> match, int atLeast = 1)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            var found = servers.Received().Where(match).ToList();
            if (found.Count >= atLeast)
            {
                return found;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"The SMTP server did not receive {atLeast} matching message(s).");
        return [];
    }
}
