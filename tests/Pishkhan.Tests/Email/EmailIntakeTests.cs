using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Email;

namespace Pishkhan.Tests.Email;

[Collection(MailServersGroup.Name)]
[Trait("Category", "Integration")]
public sealed class EmailIntakeTests(MailServers servers, EmailApp fixture) : IClassFixture<EmailApp>
{
    private PishkhanAppFactory App => fixture.App;

    [MailFact]
    public async Task NewMessage_OpensAnEmailCase_ForANewContact_WithSanitisedHtml_AndStoredAttachment()
    {
        var user = await servers.CreateUserAsync();
        var mailbox = await EmailKit.CreateMailboxAsync(App, servers, user);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("مریم احمدی", $"maryam.{user}@customer.test"));
        message.To.Add(MailboxAddress.Parse(mailbox.Address));
        message.Subject = "چاپگر کار نمی‌کند";
        message.MessageId = $"{Guid.NewGuid():N}@customer.test";
        var body = new BodyBuilder
        {
            TextBody = "سلام، چاپگر روشن نمی‌شود.",
            HtmlBody = "<p>سلام، چاپگر <b>روشن</b> نمی‌شود.</p><script>alert('x')</script>",
        };
        body.Attachments.Add("error.txt", Encoding.UTF8.GetBytes("E-42"), new ContentType("text", "plain"));
        message.Body = body.ToMessageBody();
        await servers.DeliverAsync(user, message);

        var stored = (await EmailKit.InboundAsync(App, mailbox.Id, 1)).Single();
        Assert.Equal(message.MessageId, stored.MessageId);
        Assert.Equal("new", stored.Threading);
        Assert.Contains("<b>روشن</b>", stored.Html);
        Assert.DoesNotContain("script", stored.Html);
        var saved = await App.WithDbAsync(db => db.Cases.Include(c => c.Contact).ThenInclude(c => c!.Channels).SingleAsync(c => c.Id == stored.CaseId));
        Assert.Equal(CaseChannel.Email, saved.Channel);
        Assert.Equal("چاپگر کار نمی‌کند", saved.Subject);
        Assert.Equal("مریم احمدی", saved.Contact!.Name);
        Assert.Equal($"maryam.{user}@customer.test", saved.Contact.Emails.Single());
        var entry = await App.WithDbAsync(db => db.TimelineEntries.Include(t => t.Attachments).SingleAsync(t => t.CaseId == saved.Id && t.Kind == TimelineKind.InboundMessage));
        Assert.Equal("سلام، چاپگر روشن نمی‌شود.", entry.Body);
        Assert.Equal(saved.ContactId, entry.AuthorContactId);
        var file = Assert.Single(entry.Attachments);
        Assert.Equal("error.txt", file.FileName);
        Assert.Equal(4, file.Size);
        // The checkpoint is saved just after the message (a crash in between re-fetches it, and dedupe keeps one entry).
        await EmailKit.EventuallyAsync(App, db => db.Set<Mailbox>().Where(m => m.Id == mailbox.Id).Select(m => m.LastUid).SingleAsync(), uid => uid == 1, "the checkpoint at 1");
        var mailboxNow = await App.WithDbAsync(db => db.Set<Mailbox>().SingleAsync(m => m.Id == mailbox.Id));
        Assert.NotEqual(0, mailboxNow.UidValidity);
    }

    [MailFact]
    public async Task SameMessageDeliveredTwice_GivesOneEntry()
    {
        var user = await servers.CreateUserAsync();
        var mailbox = await EmailKit.CreateMailboxAsync(App, servers, user);
        var message = EmailKit.Message($"twice.{user}@customer.test", "Invoice wrong", "The total is wrong.");
        await servers.DeliverAsync(user, message);
        await servers.DeliverAsync(user, message);
        await servers.DeliverAsync(user, EmailKit.Message($"twice.{user}@customer.test", "Marker", "Arrives after both copies."));

        var inbound = await EmailKit.InboundAsync(App, mailbox.Id, 2);
        await EmailKit.EventuallyAsync(App, db => db.Set<Mailbox>().Where(m => m.Id == mailbox.Id).Select(m => m.LastUid).SingleAsync(), uid => uid == 3, "the checkpoint past all three");
        inbound = await App.WithDbAsync(db => db.Set<EmailMessage>().Where(m => m.MailboxId == mailbox.Id).ToListAsync());
        Assert.Single(inbound, m => m.MessageId == message.MessageId);
        var contactId = inbound[0].ContactId;
        Assert.Equal(2, await App.WithDbAsync(db => db.Cases.CountAsync(c => c.ContactId == contactId)));
        Assert.Equal(2, await App.WithDbAsync(db => db.TimelineEntries.CountAsync(t => t.AuthorContactId == contactId && t.Kind == TimelineKind.InboundMessage)));
    }

    [MailFact]
    public async Task Replies_ThreadByMessageId_ThenSubjectToken_ThenThreadIndex_OnlyWithinTheSendersOwnCases()
    {
        var user = await servers.CreateUserAsync();
        var mailbox = await EmailKit.CreateMailboxAsync(App, servers, user);
        var customer = $"thread.{user}@customer.test";
        var first = EmailKit.Message(customer, "VPN drops", "Every hour.");
        var topic = Convert.ToBase64String([.. Enumerable.Range(1, 22).Select(i => (byte)i)]);
        first.Headers.Add("Thread-Index", topic);
        await servers.DeliverAsync(user, first);
        var caseId = (await EmailKit.InboundAsync(App, mailbox.Id, 1))[0].CaseId;
        var number = await App.WithDbAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.Number).SingleAsync());

        // 1. An answer to our reply: In-Reply-To carries our Message-ID.
        var reply = await App.ApiClient().PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new CaseMessageRequest("Please restart the client."), PishkhanAppFactory.Json);
        reply.EnsureSuccessStatusCode();
        var ours = await App.WithDbAsync(db => db.Set<OutboundEmail>().SingleAsync(o => o.CaseId == caseId));
        await servers.DeliverAsync(user, EmailKit.Message(customer, "Something else entirely", "Still drops.", inReplyTo: ours.MessageId));
        // 2. A new message naming the case in its subject.
        await servers.DeliverAsync(user, EmailKit.Message(customer, $"Update [#{number}]", "Now every minute."));
        // 3. Outlook: only the Thread-Index ties it to the conversation (22-byte header, then a 5-byte child block).
        var outlook = EmailKit.Message(customer, "RE: VPN", "Screenshot attached.");
        outlook.Headers.Add("Thread-Index", Convert.ToBase64String([.. Convert.FromBase64String(topic), 1, 2, 3, 4, 5]));
        await servers.DeliverAsync(user, outlook);
        // Someone else quoting the token does not land on this customer's case.
        await servers.DeliverAsync(user, EmailKit.Message($"stranger.{user}@customer.test", $"Re: [#{number}]", "I am not the customer."));

        var inbound = await EmailKit.InboundAsync(App, mailbox.Id, 5);
        Assert.Equal(["new", "in-reply-to", "subject-token", "thread-index", "new"], inbound.Select(m => m.Threading));
        Assert.All(inbound.Take(4), m => Assert.Equal(caseId, m.CaseId));
        Assert.NotEqual(caseId, inbound[4].CaseId);
        Assert.Equal(4, await App.WithDbAsync(db => db.TimelineEntries.CountAsync(t => t.CaseId == caseId && t.Kind == TimelineKind.InboundMessage)));
    }

    [MailFact]
    public async Task AgentReply_LeavesThroughSmtp_WithThreadingHeaders_CaseToken_AndSignature()
    {
        var user = await servers.CreateUserAsync();
        var mailbox = await EmailKit.CreateMailboxAsync(App, servers, user, new { signature = "--\n{agent}\nPishkhan support" });
        var customer = $"headers.{user}@customer.test";
        var question = EmailKit.Message(customer, "Refund", "Where is my refund?");
        await servers.DeliverAsync(user, question);
        var caseId = (await EmailKit.InboundAsync(App, mailbox.Id, 1))[0].CaseId;
        var number = await App.WithDbAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.Number).SingleAsync());

        // A signed-in person replies: the signature carries their display name.
        var agent = await App.CreateUserAsync($"agent.{user}@pishkhan.test", Pishkhan.Features.Identity.UserRole.Admin);
        var browser = await App.LoginAsync(agent.Email!);
        var reply = await browser.PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new CaseMessageRequest("It was sent yesterday."), PishkhanAppFactory.Json);
        reply.EnsureSuccessStatusCode();

        var received = Assert.Single(await EmailKit.ReceivedAsync(servers, m => m.To.Mailboxes.Any(a => a.Address == customer)));
        var outbox = await App.WithDbAsync(db => db.Set<OutboundEmail>().SingleAsync(o => o.CaseId == caseId));
        Assert.Equal(outbox.MessageId, received.MessageId);
        Assert.EndsWith("@support.test", received.MessageId);
        Assert.Equal(question.MessageId, received.InReplyTo);
        Assert.Equal(new[] { question.MessageId }, received.References.ToArray());
        Assert.Equal($"Re: Refund [#{number}]", received.Subject);
        Assert.Equal(mailbox.Address, received.From.Mailboxes.Single().Address);
        Assert.Equal($"It was sent yesterday.\n\n--\n{agent.DisplayName}\nPishkhan support", received.TextBody!.Replace("\r\n", "\n").TrimEnd());
        Assert.Null(received.Headers["Auto-Submitted"]);
        var sent = await EmailKit.EventuallyAsync(App, db => db.Set<OutboundEmail>().SingleAsync(o => o.CaseId == caseId), o => o.Status == OutboundStatus.Sent, "the outbox row marked sent");
        Assert.NotNull(sent.SentAt);
    }

    [MailFact]
    public async Task HtmlReply_ShowsSanitisedNewText_QuotedHistoryApart_InlineImageFromItsAttachment_NoRemoteImage()
    {
        var user = await servers.CreateUserAsync();
        var mailbox = await EmailKit.CreateMailboxAsync(App, servers, user);
        var message = EmailKit.Message($"html.{user}@customer.test", "Screen", "");
        var body = new BodyBuilder
        {
            TextBody = "The screen is blank.\n\nOn Mon, 23 Nov 2026 Support wrote:\n> Restart it",
            HtmlBody = """
                <div dir="ltr">The screen is <b>blank</b>.<img src="cid:shot@customer.test"><img src="cid:huge@customer.test">
                <img src="https://tracker.example.com/open.gif" width="1" height="1"></div>
                <div class="gmail_quote"><div class="gmail_attr">On Mon, 23 Nov 2026 Support wrote:</div><blockquote class="gmail_quote">Restart it</blockquote></div>
                """,
        };
        var shot = body.LinkedResources.Add("shot.png", [137, 80, 78, 71, 1, 2, 3], new ContentType("image", "png"));
        shot.ContentId = "shot@customer.test";
        var huge = body.LinkedResources.Add("huge.png", new byte[200_000], new ContentType("image", "png"));
        huge.ContentId = "huge@customer.test";
        message.Body = body.ToMessageBody();
        await servers.DeliverAsync(user, message);

        var caseId = (await EmailKit.InboundAsync(App, mailbox.Id, 1))[0].CaseId;
        var stored = await App.WithDbAsync(db => db.Attachments.SingleAsync(a => a.CaseId == caseId));
        Assert.Equal("shot.png", stored.FileName);
        var bodies = await App.ApiClient().GetFromJsonAsync<List<EmailBodyDto>>($"/api/v1/cases/{caseId}/emails/bodies", PishkhanAppFactory.Json);
        var shown = Assert.Single(bodies!);
        Assert.Contains("<b>blank</b>", shown.Html);
        Assert.Contains($"<img src=\"/api/v1/attachments/{stored.Id}\">", shown.Html);
        // The image larger than MaxAttachmentBytes is not stored, and its cid: link is dropped; the tracking pixel never shows.
        Assert.DoesNotContain("cid:", shown.Html);
        Assert.DoesNotContain("tracker.example.com", shown.Html);
        Assert.DoesNotContain("Restart it", shown.Html);
        Assert.Contains("Restart it", shown.QuotedHtml);
        var entry = await App.WithDbAsync(db => db.TimelineEntries.SingleAsync(t => t.CaseId == caseId && t.Kind == TimelineKind.InboundMessage));
        Assert.Equal(entry.Id, shown.TimelineEntryId);
        Assert.Equal(HttpStatusCode.NotFound, (await App.ApiClient().GetAsync($"/api/v1/cases/{Guid.NewGuid()}/emails/bodies")).StatusCode);
    }

    [MailFact]
    public async Task AgentReplyWithFiles_GoesOutWithThemAsMimeAttachments()
    {
        var user = await servers.CreateUserAsync();
        var mailbox = await EmailKit.CreateMailboxAsync(App, servers, user);
        var customer = $"files.{user}@customer.test";
        await servers.DeliverAsync(user, EmailKit.Message(customer, "Contract", "Please send the contract."));
        var caseId = (await EmailKit.InboundAsync(App, mailbox.Id, 1))[0].CaseId;
        var agent = await App.CreateUserAsync($"files.{user}@pishkhan.test", Pishkhan.Features.Identity.UserRole.Admin);
        var browser = await App.LoginAsync(agent.Email!);
        var pdf = new byte[900];
        Random.Shared.NextBytes(pdf);
        var first = await UploadAsync(browser, caseId, "قرارداد.pdf", "application/pdf", pdf);
        var second = await UploadAsync(browser, caseId, "notes.txt", "text/plain", Encoding.UTF8.GetBytes("sign on page 2"));

        var reply = await browser.PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new CaseMessageRequest("The contract is attached.", [first.Id, second.Id]), PishkhanAppFactory.Json);
        reply.EnsureSuccessStatusCode();

        var received = Assert.Single(await EmailKit.ReceivedAsync(servers, m => m.To.Mailboxes.Any(a => a.Address == customer)));
        Assert.StartsWith("The contract is attached.", received.TextBody);
        var files = received.Attachments.OfType<MimePart>().ToList();
        Assert.Equal(["قرارداد.pdf", "notes.txt"], files.Select(f => f.FileName));
        Assert.Equal("application/pdf", files[0].ContentType.MimeType);
        Assert.Equal(pdf, Decoded(files[0]));
        Assert.Equal("sign on page 2", Encoding.UTF8.GetString(Decoded(files[1])));
    }

    private static byte[] Decoded(MimePart part)
    {
        using var content = new MemoryStream();
        part.Content!.DecodeTo(content);
        return content.ToArray();
    }

    private static async Task<AttachmentDto> UploadAsync(HttpClient client, Guid caseId, string name, string type, byte[] bytes)
    {
        using var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
        content.Add(part, "file", name);
        var response = await client.PostAsync($"/api/v1/cases/{caseId}/attachments", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AttachmentDto>(PishkhanAppFactory.Json))!;
    }

    [MailFact]
    public async Task SmtpServerDown_ReplyWaitsInTheOutbox_WithTheError_AndGoesOutWhenTheServerIsBack()
    {
        var user = await servers.CreateUserAsync();
        var mailbox = await EmailKit.CreateMailboxAsync(App, servers, user);
        var customer = $"retry.{user}@customer.test";
        await servers.DeliverAsync(user, EmailKit.Message(customer, "Password reset", "The link expired."));
        var caseId = (await EmailKit.InboundAsync(App, mailbox.Id, 1))[0].CaseId;

        servers.StopSmtp();
        try
        {
            var reply = await App.ApiClient().PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new CaseMessageRequest("Here is a new link."), PishkhanAppFactory.Json);
            reply.EnsureSuccessStatusCode();
            var failing = await EmailKit.EventuallyAsync(App, db => db.Set<OutboundEmail>().SingleAsync(o => o.CaseId == caseId), o => o.Attempts >= 1, "a failed attempt");
            Assert.Equal(OutboundStatus.Pending, failing.Status);
            Assert.NotNull(failing.LastError);
            var listed = await App.ApiClient().GetFromJsonAsync<List<OutboundEmailDto>>($"/api/v1/cases/{caseId}/emails", PishkhanAppFactory.Json);
            Assert.NotNull(Assert.Single(listed!).LastError);
        }
        finally
        {
            await servers.StartSmtpAsync();
        }

        var sent = await EmailKit.EventuallyAsync(App, db => db.Set<OutboundEmail>().SingleAsync(o => o.CaseId == caseId), o => o.Status == OutboundStatus.Sent, "the retry to succeed");
        Assert.True(sent.Attempts >= 2);
        Assert.Single(await EmailKit.ReceivedAsync(servers, m => m.MessageId == sent.MessageId));
        var resend = await App.ApiClient().PostAsync($"/api/v1/cases/{caseId}/emails/{sent.Id}/resend", null);
        Assert.Equal(HttpStatusCode.Conflict, resend.StatusCode);
    }

    [MailFact]
    public async Task MessageWithoutSender_IsQuarantined_WithTheRawMessage_AndReprocessedWithAnAddress()
    {
        var user = await servers.CreateUserAsync();
        var mailbox = await EmailKit.CreateMailboxAsync(App, servers, user);
        var raw = Encoding.UTF8.GetBytes($"Subject: no sender\r\nMessage-ID: <{Guid.NewGuid():N}@nowhere>\r\nFrom: undisclosed\r\n\r\nWho am I?\r\n");
        await servers.DeliverRawAsync(user, raw);
        await servers.DeliverAsync(user, EmailKit.Message($"after.{user}@customer.test", "Next", "Intake goes on."));

        await EmailKit.InboundAsync(App, mailbox.Id, 1);
        var items = await App.ApiClient().GetFromJsonAsync<List<QuarantinedEmailDto>>("/api/v1/email/quarantine", PishkhanAppFactory.Json);
        var item = Assert.Single(items!, q => q.MailboxId == mailbox.Id);
        Assert.Contains("no usable sender address", item.Error);
        Assert.Contains("Who am I?", item.RawPreview);
        var rawAnswer = await App.ApiClient().GetStringAsync($"/api/v1/email/quarantine/{item.Id}/raw");
        Assert.Contains("Subject: no sender", rawAnswer);

        var again = await App.ApiClient().PostAsJsonAsync($"/api/v1/email/quarantine/{item.Id}/reprocess", new { }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("fromAddress", (await Problems.ErrorsAsync(again)).Keys);
        var fixedUp = await App.ApiClient().PostAsJsonAsync($"/api/v1/email/quarantine/{item.Id}/reprocess", new { fromAddress = $"found.{user}@customer.test" }, PishkhanAppFactory.Json);
        fixedUp.EnsureSuccessStatusCode();
        var resolved = (await fixedUp.Content.ReadFromJsonAsync<QuarantinedEmailDto>(PishkhanAppFactory.Json))!;
        Assert.NotNull(resolved.ResolvedAt);
        var subject = await App.WithDbAsync(db => db.Cases.Where(c => c.Id == resolved.CaseId).Select(c => c.Subject).SingleAsync());
        Assert.Equal("no sender", subject);
        var open = await App.ApiClient().GetFromJsonAsync<List<QuarantinedEmailDto>>("/api/v1/email/quarantine", PishkhanAppFactory.Json);
        Assert.DoesNotContain(open!, q => q.Id == item.Id);
    }

    [MailFact]
    public async Task AutomatedMail_IsMarked_AndNeverAnswered_WhileAReplyToAClosedCaseReopensIt()
    {
        var user = await servers.CreateUserAsync();
        var mailbox = await EmailKit.CreateMailboxAsync(App, servers, user);
        var customer = $"loop.{user}@customer.test";
        await servers.DeliverAsync(user, EmailKit.Message(customer, "Broken link", "On the pricing page."));
        var caseId = (await EmailKit.InboundAsync(App, mailbox.Id, 1))[0].CaseId;
        var closed = await App.WithDbAsync(db => db.CaseStatuses.Where(s => s.Category == StatusCategory.Closed).Select(s => s.Id).FirstAsync());
        await App.WithDbAsync(async db =>
        {
            var c = await db.Cases.SingleAsync(x => x.Id == caseId);
            c.StatusId = closed;
            c.ClosedAt = c.ResolvedAt = c.UpdatedAt;
            return await db.SaveChangesAsync();
        });

        var autoReply = EmailKit.Message(customer, "Out of office", "I am away.");
        autoReply.Headers.Add("Auto-Submitted", "auto-replied");
        var list = EmailKit.Message($"list.{user}@customer.test", "Newsletter", "News.");
        list.Headers.Add("List-Id", "<news.customer.test>");
        var bounce = EmailKit.Message($"mailer-daemon.{user}@customer.test", "Undelivered", "Failed.");
        bounce.Headers.Add("Return-Path", "<>");
        foreach (var m in new[] { autoReply, list, bounce })
        {
            await servers.DeliverAsync(user, m);
        }

        var inbound = await EmailKit.InboundAsync(App, mailbox.Id, 4);
        Assert.All(inbound.Skip(1), m => Assert.True(m.IsAutomated));
        Assert.False(inbound[0].IsAutomated);
        var marks = await App.WithDbAsync(db => db.TimelineEntries.Where(t => t.Field == "automated-email" && inbound.Select(m => m.CaseId).Contains(t.CaseId)).Select(t => t.NewValue).ToListAsync());
        Assert.Contains("Auto-Submitted: auto-replied", marks);
        Assert.Contains("List-Id", marks);
        Assert.Contains("Return-Path: <> (a bounce)", marks);

        await servers.DeliverAsync(user, EmailKit.Message(customer, "Re: Broken link", "Still broken.", inReplyTo: inbound[0].MessageId!));
        await EmailKit.InboundAsync(App, mailbox.Id, 5);
        var status = await App.WithDbAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.Status!.Category).SingleAsync());
        Assert.Equal(StatusCategory.Open, status);
    }
}
