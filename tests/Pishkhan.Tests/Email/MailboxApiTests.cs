using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Email;

namespace Pishkhan.Tests.Email;

[Collection(MailServersGroup.Name)]
[Trait("Category", "Integration")]
public sealed class MailboxApiTests(MailServers servers, EmailApp fixture) : IClassFixture<EmailApp>
{
    private PishkhanAppFactory App => fixture.App;

    [MailFact]
    public async Task MissingHost_BadPort_OrWrongPassword_AreRefusedByField_AndNothingIsSaved()
    {
        var user = await servers.CreateUserAsync();
        var body = (Dictionary<string, object?>)EmailKit.MailboxBody(servers, user);
        body["imapHost"] = "";
        body["smtpPort"] = 70000;
        var invalid = await App.ApiClient().PostAsJsonAsync("/api/v1/email/mailboxes", body, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = await Problems.ErrorsAsync(invalid);
        Assert.Equal(["'imapHost' is required."], errors["imapHost"]);
        Assert.Equal(["'smtpPort' must be between 1 and 65535; 70000 is not a port."], errors["smtpPort"]);

        body = (Dictionary<string, object?>)EmailKit.MailboxBody(servers, user);
        body["imapPassword"] = "wrong";
        var refused = await App.ApiClient().PostAsJsonAsync("/api/v1/email/mailboxes", body, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var message = Assert.Single((await Problems.ErrorsAsync(refused))["imapPassword"]);
        Assert.StartsWith("The IMAP server refused the settings: Login refused", message);
        Assert.Contains("Authentication failed", message); // Dovecot's own words
        Assert.False(await App.WithDbAsync(db => db.Set<Mailbox>().AnyAsync(m => m.ImapUser == user)));
    }

    [MailFact]
    public async Task Mailbox_KeepsPasswordsEncrypted_HidesThem_AndTestConnectionShowsTheServersAnswer()
    {
        var user = await servers.CreateUserAsync();
        var mailbox = await EmailKit.CreateMailboxAsync(App, servers, user, new { isActive = false });
        Assert.True(mailbox.HasImapPassword);
        var json = await App.ApiClient().GetStringAsync($"/api/v1/email/mailboxes/{mailbox.Id}");
        Assert.DoesNotContain(MailServers.Password, json);
        var stored = await App.WithDbAsync(db => db.Set<Mailbox>().SingleAsync(m => m.Id == mailbox.Id));
        Assert.DoesNotContain(MailServers.Password, stored.ImapPasswordProtected);
        var protector = App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Pishkhan.Email.MailboxPassword.v1");
        Assert.Equal(MailServers.Password, protector.Unprotect(stored.ImapPasswordProtected));

        var test = await App.ApiClient().PostAsync($"/api/v1/email/mailboxes/{mailbox.Id}/test", null);
        test.EnsureSuccessStatusCode();
        var result = (await test.Content.ReadFromJsonAsync<MailboxTestResult>(PishkhanAppFactory.Json))!;
        Assert.True(result.Imap.Ok);
        Assert.StartsWith("* OK", result.Imap.Answer);
        Assert.Contains("Dovecot", result.Imap.Answer);
        Assert.Contains("Logged in", result.Imap.Answer);
        Assert.True(result.Smtp.Ok);
        Assert.StartsWith("220 ", result.Smtp.Answer);

        // An update without passwords keeps the stored ones.
        var body = (Dictionary<string, object?>)EmailKit.MailboxBody(servers, user, new { isActive = false, name = "Renamed " + user });
        body.Remove("imapPassword");
        var updated = await App.ApiClient().PutAsJsonAsync($"/api/v1/email/mailboxes/{mailbox.Id}", body, PishkhanAppFactory.Json);
        updated.EnsureSuccessStatusCode();
        Assert.Equal(stored.ImapPasswordProtected, await App.WithDbAsync(db => db.Set<Mailbox>().Where(m => m.Id == mailbox.Id).Select(m => m.ImapPasswordProtected).SingleAsync()));
    }

    [MailFact]
    public async Task AnAgentCannotManageMailboxes()
    {
        await App.CreateUserAsync($"agent.{Guid.NewGuid():N}@test.local", Features.Identity.UserRole.Agent);
        var key = await App.CreateApiKeyAsync("cases:read", "cases:write");
        var response = await App.ApiClient(key).GetAsync("/api/v1/email/mailboxes");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [MailFact]
    public async Task Restart_ResumesFromTheUidCheckpoint_WithoutDuplicates()
    {
        // The owner app does not read mail; two later "runs" of the app on the same database do, one after the other.
        using var owner = new PishkhanAppFactory(seedDemo: false, settings: EmailKit.FastWorkers(background: false));
        var user = await servers.CreateUserAsync();
        var mailbox = await EmailKit.CreateMailboxAsync(owner, servers, user);
        await servers.DeliverAsync(user, EmailKit.Message($"a.{user}@customer.test", "First", "One."));
        await servers.DeliverAsync(user, EmailKit.Message($"b.{user}@customer.test", "Second", "Two."));
        using (var run1 = new PishkhanAppFactory(owner, settings: EmailKit.FastWorkers()))
        {
            _ = run1.Server;
            await EmailKit.InboundAsync(run1, mailbox.Id, 2);
            // The checkpoint follows each message; stopping before it would be the crash case, tested elsewhere.
            await EmailKit.EventuallyAsync(run1, db => db.Set<Mailbox>().Where(m => m.Id == mailbox.Id).Select(m => m.LastUid).SingleAsync(), uid => uid == 2, "the checkpoint at 2");
        }

        Assert.Equal(2, await owner.WithDbAsync(db => db.Set<Mailbox>().Where(m => m.Id == mailbox.Id).Select(m => m.LastUid).SingleAsync()));
        await servers.DeliverAsync(user, EmailKit.Message($"c.{user}@customer.test", "Third", "Three, while the app was down."));
        using (var run2 = new PishkhanAppFactory(owner, settings: EmailKit.FastWorkers()))
        {
            _ = run2.Server;
            var inbound = await EmailKit.InboundAsync(run2, mailbox.Id, 3);
            Assert.Equal(["First", "Second", "Third"], inbound.Select(m => m.Subject));
            await EmailKit.EventuallyAsync(run2, db => db.Set<Mailbox>().Where(m => m.Id == mailbox.Id).Select(m => m.LastUid).SingleAsync(), uid => uid == 3, "the checkpoint at 3");
        }

        Assert.Equal(3, await owner.WithDbAsync(db => db.Cases.CountAsync(c => c.Channel == CaseChannel.Email)));
    }

    [MailFact]
    public async Task OutOfHours_AnswersOncePerContact_InTheContactsLanguage_WithAutoSubmitted_AndNeverToAutomatedMail()
    {
        // Monday 23 November 2026, 02:00 in Berlin: the calendar (09:00–18:00) is closed.
        var clock = new TestClock(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero));
        using var app = new PishkhanAppFactory(seedDemo: false, clock, EmailKit.FastWorkers());
        var calendar = await app.CreateCalendarAsync(new CalendarDefinition
        {
            Zone = "Europe/Berlin",
            Weekly = new WeeklyHours().With([IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday], new TimeRange("09:00", "18:00")),
        });
        var user = await servers.CreateUserAsync();
        var mailbox = await EmailKit.CreateMailboxAsync(app, servers, user, new
        {
            calendarId = calendar,
            outOfHoursTemplateFa = "درخواست {case} رسید؛ از {next} پاسخ می‌دهیم.",
            outOfHoursTemplateEn = "We got {case}; we answer from {next}.",
            outOfHoursEveryHours = 12,
        });
        var customer = $"night.{user}@customer.test";
        await servers.DeliverAsync(user, EmailKit.Message(customer, "Login", "Cannot log in."));
        await servers.DeliverAsync(user, EmailKit.Message(customer, "Login again", "Still cannot."));
        var bot = EmailKit.Message($"bot.{user}@customer.test", "Auto: away", "Away.");
        bot.Headers.Add("X-Autoreply", "yes");
        await servers.DeliverAsync(user, bot);

        var inbound = await EmailKit.InboundAsync(app, mailbox.Id, 3);
        var number = await app.WithDbAsync(db => db.Cases.Where(c => c.Id == inbound[0].CaseId).Select(c => c.Number).SingleAsync());
        var answers = await EmailKit.ReceivedAsync(servers, m => m.To.Mailboxes.Any(a => a.Address == customer));
        await EmailKit.EventuallyAsync(app, db => db.Set<OutboundEmail>().CountAsync(o => o.MailboxId == mailbox.Id && o.Status == OutboundStatus.Sent), n => n >= 1, "the answer sent");
        var answer = Assert.Single(answers);
        Assert.Equal("auto-replied", answer.Headers["Auto-Submitted"]);
        Assert.Equal(inbound[0].MessageId, answer.InReplyTo);
        Assert.Equal($"درخواست {number} رسید؛ از دوشنبه ۲ آذر ۱۴۰۵، ساعت ۹:۰۰ پاسخ می‌دهیم.", answer.TextBody!.Trim());
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<OutboundEmail>().CountAsync(o => o.MailboxId == mailbox.Id)));
    }

    [MailFact]
    public async Task WebForm_OpensACase_AndEmailsAConfirmation_HoneypotIsDropped_AndBurstsAreLimited()
    {
        var user = await servers.CreateUserAsync();
        await EmailKit.CreateMailboxAsync(App, servers, user);
        var email = $"form.{user}@customer.test";
        var client = App.AnonymousClient();
        var response = await client.PostAsJsonAsync("/api/v1/forms/cases", new WebFormRequest("Delivery late", "Order 7 is late.", email, Language: "en"), PishkhanAppFactory.Json);
        response.EnsureSuccessStatusCode();
        var result = (await response.Content.ReadFromJsonAsync<WebFormResult>(PishkhanAppFactory.Json))!;
        var saved = await App.WithDbAsync(db => db.Cases.SingleAsync(c => c.Number == result.CaseNumber));
        Assert.Equal(CaseChannel.Web, saved.Channel);
        var confirmation = Assert.Single(await EmailKit.ReceivedAsync(servers, m => m.To.Mailboxes.Any(a => a.Address == email)));
        Assert.Contains(result.CaseNumber!, confirmation.Subject);

        var bot = await client.PostAsJsonAsync("/api/v1/forms/cases", new WebFormRequest("Buy pills", "Spam.", $"bot.{user}@spam.test", Website: "http://spam.test"), PishkhanAppFactory.Json);
        bot.EnsureSuccessStatusCode();
        Assert.Null((await bot.Content.ReadFromJsonAsync<WebFormResult>(PishkhanAppFactory.Json))!.CaseNumber);
        Assert.False(await App.WithDbAsync(db => db.ContactChannels.AnyAsync(c => c.Value == $"bot.{user}@spam.test")));

        var invalid = await client.PostAsJsonAsync("/api/v1/forms/cases", new WebFormRequest("", "x", "not-an-address"), PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("email", (await Problems.ErrorsAsync(invalid)).Keys);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/v1/forms/cases", new WebFormRequest("", "x", "x"), PishkhanAppFactory.Json)).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }
    [MailFact]
    public async Task SendTemplate_FillsThePlaceholders_AndDeliversThroughTheOutbox_ABadAddressIsRefused()
    {
        var user = await servers.CreateUserAsync();
        var mailbox = await EmailKit.CreateMailboxAsync(App, servers, user);
        var outbox = App.Services.GetRequiredService<EmailOutbox>();
        var actor = Pishkhan.Features.Email.EmailIntake.ActorFor(new Mailbox { Name = "n", Address = "a@support.test", ImapHost = "h", ImapUser = "u", SmtpHost = "h" });
        var to = $"notify.{user}@customer.test";
        var template = new EmailTemplate("Case {case} is waiting", "Hello {name},\ncase {case} needs your answer.");
        var values = new Dictionary<string, string> { ["name"] = "Sara", ["case"] = "1405-000042" };

        var queued = await outbox.SendTemplateAsync(to, template, values, actor, mailbox.Id);
        Assert.IsType<Pishkhan.Platform.Api.Outcome<OutboundEmailDto>.Ok>(queued);
        var received = Assert.Single(await EmailKit.ReceivedAsync(servers, m => m.To.Mailboxes.Any(a => a.Address == to)));
        Assert.Equal("Case 1405-000042 is waiting", received.Subject);
        Assert.Equal("Hello Sara,\ncase 1405-000042 needs your answer.", received.TextBody!.Replace("\r\n", "\n").TrimEnd());
        Assert.Equal(mailbox.Address, received.From.Mailboxes.Single().Address);

        var refused = Assert.IsType<Pishkhan.Platform.Api.Outcome<OutboundEmailDto>.Invalid>(await outbox.SendTemplateAsync("not an address", template, values, actor, mailbox.Id));
        Assert.Contains("to", refused.Errors.Keys);
    }
}
