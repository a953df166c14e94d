using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Email;

namespace Pishkhan.Tests.Email;

/// <summary>
/// The batch intake the IMAP worker uses, fed directly (no mail server needed): messages of one batch thread onto cases
/// opened earlier in the same batch, a copy within the batch is one entry, one bad message is quarantined alone, and a
/// batch that never committed (a crash) leaves nothing behind and gives one entry per message when fetched again.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EmailBatchIntakeTests : IDisposable
{
    private readonly PishkhanAppFactory _app = new(seedDemo: false, settings: EmailKit.FastWorkers(background: false));

    public void Dispose() => _app.Dispose();

    private EmailBatchIntake Intake => _app.Services.GetRequiredService<EmailBatchIntake>();

    private async Task<Mailbox> MailboxAsync(ClosedCaseReply closed = ClosedCaseReply.Reopen)
    {
        var mailbox = new Mailbox
        {
            Name = "Batch",
            Address = $"batch.{Guid.NewGuid():N}@support.test",
            ImapHost = "127.0.0.1",
            ImapUser = "batch",
            SmtpHost = "127.0.0.1",
            ClosedCaseReply = closed,
        };
        await _app.WithDbAsync(db =>
        {
            db.Add(mailbox);
            return db.SaveChangesAsync();
        });
        return mailbox;
    }

    private static byte[] Raw(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }

    private static MimeMessage WithTopic(MimeMessage message, byte[] topic, params byte[] child)
    {
        message.Headers.Add("Thread-Index", Convert.ToBase64String([.. topic, .. child]));
        return message;
    }

    [Fact]
    public async Task OneBatch_ThreadsOntoCasesItOpened_ByAllThreePaths_AndACopyIsOneEntry()
    {
        var mailbox = await MailboxAsync();
        var customer = $"batch.{Guid.NewGuid():N}@customer.test";
        var topic = Enumerable.Range(1, 22).Select(i => (byte)(i * 3)).ToArray();
        // The number the batch's first case will get: the next of this Jalali year's counter.
        var year = CaseNumbers.JalaliYear(_app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        var next = await _app.WithDbAsync(db => db.CaseNumberCounters.Where(c => c.Year == year).Select(c => (long?)c.Value).FirstOrDefaultAsync()) ?? 0;
        var number = CaseNumbers.Format(year, next + 1);

        var first = WithTopic(EmailKit.Message(customer, "VPN drops", "Every hour."), topic);
        var byId = EmailKit.Message(customer, "Something else", "Still drops.", inReplyTo: first.MessageId);
        var byToken = EmailKit.Message(customer, $"Update [#{number}]", "Now every minute.");
        var byTopic = WithTopic(EmailKit.Message(customer, "RE: VPN", "Screenshot."), topic, 1, 2, 3, 4, 5);
        var stranger = EmailKit.Message($"stranger.{Guid.NewGuid():N}@customer.test", $"Re: [#{number}]", "Not the customer.");
        var outcome = await Intake.ProcessAsync(mailbox, [Raw(first), Raw(byId), Raw(byToken), Raw(byTopic), Raw(first), Raw(stranger)]);

        Assert.Null(outcome.Failure);
        var results = outcome.Handled.Select(h => h.Result!).ToList();
        Assert.Equal(["new", "in-reply-to", "subject-token", "thread-index", "new", "new"], results.Select(r => r.Threading));
        Assert.Equal(
            [IntakeOutcome.NewCase, IntakeOutcome.AddedToCase, IntakeOutcome.AddedToCase, IntakeOutcome.AddedToCase, IntakeOutcome.Duplicate, IntakeOutcome.NewCase],
            results.Select(r => r.Outcome));
        var caseId = results[0].CaseId;
        Assert.All(results.Take(5), r => Assert.Equal(caseId, r.CaseId));
        Assert.NotEqual(caseId, results[5].CaseId);
        Assert.Equal(number, await _app.WithDbAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.Number).SingleAsync()));
        Assert.Equal(4, await _app.WithDbAsync(db => db.TimelineEntries.CountAsync(t => t.CaseId == caseId && t.Kind == TimelineKind.InboundMessage)));
        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<EmailMessage>().CountAsync(m => m.MessageId == first.MessageId)));
        // One contact for the customer, made with its audit row, as SaveContact makes it.
        var contactId = await _app.WithDbAsync(db => db.ContactChannels.Where(c => c.Value == customer).Select(c => c.ContactId).SingleAsync());
        Assert.Equal(1, await _app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EntityId == contactId && a.Field == "created")));
        // The case's "created" audit row and automation event, as CreateCase writes them.
        Assert.Equal(1, await _app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EntityId == caseId && a.Field == "created")));
        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<Pishkhan.Features.Automation.AutomationEvent>().CountAsync(e => e.RecordId == caseId && e.Kind == "created")));
    }

    [Fact]
    public async Task BadMessageInTheMiddle_IsQuarantinedAlone_TheRestIsStored_AndAReplyToAClosedCaseOpensALinkedOne()
    {
        var mailbox = await MailboxAsync(ClosedCaseReply.NewLinkedCase);
        var customer = $"bad.{Guid.NewGuid():N}@customer.test";
        var earlier = EmailKit.Message(customer, "Broken link", "On the pricing page.");
        var opened = await Intake.ProcessAsync(mailbox, [Raw(earlier)]);
        var closedCaseId = opened.Handled[0].Result!.CaseId;
        var closed = await _app.WithDbAsync(db => db.CaseStatuses.Where(s => s.Category == StatusCategory.Closed).Select(s => s.Id).FirstAsync());
        await _app.WithDbAsync(async db =>
        {
            var c = await db.Cases.SingleAsync(x => x.Id == closedCaseId);
            c.StatusId = closed;
            c.ClosedAt = c.ResolvedAt = c.UpdatedAt;
            return await db.SaveChangesAsync();
        });

        var garbage = Encoding.UTF8.GetBytes($"Subject: no sender\r\nMessage-ID: <{Guid.NewGuid():N}@nowhere>\r\nFrom: undisclosed\r\n\r\nWho am I?\r\n");
        var before = EmailKit.Message(customer, "Invoice", "Wrong total.");
        var reply = EmailKit.Message(customer, "Re: Broken link", "Still broken.", inReplyTo: earlier.MessageId);
        var after = EmailKit.Message(customer, "Re: Invoice", "Any news?", inReplyTo: before.MessageId);
        var outcome = await Intake.ProcessAsync(mailbox, [Raw(before), garbage, Raw(reply), Raw(after)]);

        Assert.Null(outcome.Failure);
        Assert.Equal(4, outcome.Handled.Count);
        Assert.Null(outcome.Handled[1].Result);
        Assert.Contains("no usable sender address", outcome.Handled[1].QuarantineError);
        Assert.Equal(IntakeOutcome.NewCase, outcome.Handled[0].Result!.Outcome);
        var linked = outcome.Handled[2].Result!;
        Assert.Equal((IntakeOutcome.NewCase, "linked-to-closed"), (linked.Outcome, linked.Threading));
        Assert.NotEqual(closedCaseId, linked.CaseId);
        var closedNumber = await _app.WithDbAsync(db => db.Cases.Where(c => c.Id == closedCaseId).Select(c => c.Number).SingleAsync());
        Assert.Equal(closedNumber, await _app.WithDbAsync(db => db.TimelineEntries.Where(t => t.CaseId == linked.CaseId && t.Field == "linked").Select(t => t.NewValue).SingleAsync()));
        Assert.Equal((IntakeOutcome.AddedToCase, outcome.Handled[0].Result!.CaseId), (outcome.Handled[3].Result!.Outcome, outcome.Handled[3].Result!.CaseId));
        Assert.Equal(StatusCategory.Closed, await _app.WithDbAsync(db => db.Cases.Where(c => c.Id == closedCaseId).Select(c => c.Status!.Category).SingleAsync()));
    }

    [Fact]
    public async Task ABatchThatNeverCommitted_LeavesNothing_AndFetchedAgainGivesOneEntryEach()
    {
        var mailbox = await MailboxAsync();
        var customer = $"crash.{Guid.NewGuid():N}@customer.test";
        var first = EmailKit.Message(customer, "Refund", "Where is my refund?");
        var second = EmailKit.Message(customer, "Re: Refund", "Any news?", inReplyTo: first.MessageId);
        byte[][] batch = [Raw(first), Raw(second)];

        // The process dies just before the commit (the IMAP worker moves its checkpoint there too).
        await Assert.ThrowsAsync<IOException>(() => Intake.ProcessAsync(mailbox, batch, (_, _, _) => throw new IOException("power cut")));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<EmailMessage>().CountAsync(m => m.MailboxId == mailbox.Id)));
        Assert.Equal(0, await _app.WithDbAsync(db => db.ContactChannels.CountAsync(c => c.Value == customer)));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Cases.CountAsync(c => c.Subject == "Refund")));

        var again = await Intake.ProcessAsync(mailbox, batch);
        Assert.Equal([IntakeOutcome.NewCase, IntakeOutcome.AddedToCase], again.Handled.Select(h => h.Result!.Outcome));
        var third = await Intake.ProcessAsync(mailbox, batch);
        Assert.All(third.Handled, h => Assert.Equal(IntakeOutcome.Duplicate, h.Result!.Outcome));
        Assert.Equal(2, await _app.WithDbAsync(db => db.Set<EmailMessage>().CountAsync(m => m.MailboxId == mailbox.Id)));
        Assert.Equal(1, await _app.WithDbAsync(db => db.Cases.CountAsync(c => c.Subject == "Refund")));
    }

    [Fact]
    public async Task ACaseCreatedBeforeACrash_IsFoundByItsIdempotencyKey_NotOpenedTwice()
    {
        var mailbox = await MailboxAsync();
        var message = EmailKit.Message($"replay.{Guid.NewGuid():N}@customer.test", "Contract", "Please send it.");
        var raw = Raw(message);
        // The one-at-a-time path committed the case, then died before the message was stored.
        var mail = InboundParser.Parse(raw);
        var contact = await _app.CreateContactAsync("Replay", [mail.FromAddress]);
        var created = await _app.Services.GetRequiredService<CreateCase>()
            .HandleAsync(EmailIntake.CaseRequestOf(mail, contact.Id), EmailIntake.ActorFor(mailbox), EmailIntake.IdempotencyKeyOf(mail));
        var caseId = Assert.IsType<Pishkhan.Platform.Api.Outcome<CaseDto>.Ok>(created).Value.Id;

        var outcome = await Intake.ProcessAsync(mailbox, [raw]);

        Assert.Equal((IntakeOutcome.NewCase, caseId), (outcome.Handled[0].Result!.Outcome, outcome.Handled[0].Result!.CaseId));
        Assert.Equal(1, await _app.WithDbAsync(db => db.Cases.CountAsync(c => c.ContactId == contact.Id)));
        Assert.Equal(1, await _app.WithDbAsync(db => db.TimelineEntries.CountAsync(t => t.CaseId == caseId && t.Kind == TimelineKind.InboundMessage)));
    }

    [Fact]
    public async Task AReplyToACaseChangedMeanwhile_FailsAsAFault_NotAsADuplicate_AndAStoredMessageIdIsTheDuplicate()
    {
        var mailbox = await MailboxAsync();
        var customer = $"race.{Guid.NewGuid():N}@customer.test";
        var first = EmailKit.Message(customer, "Invoice", "Wrong amount.");
        var opened = await Intake.ProcessAsync(mailbox, [Raw(first)]);
        var caseId = opened.Handled[0].Result!.CaseId;
        var contactId = await _app.WithDbAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.ContactId).SingleAsync());
        var intake = _app.Services.GetRequiredService<EmailIntake>();
        var actor = EmailIntake.ActorFor(mailbox);

        // The reply's case is read, then an agent saves the case before the reply is stored.
        var replyMessage = EmailKit.Message(customer, "Re: Invoice", "Any news?", inReplyTo: first.MessageId);
        var reply = InboundParser.Parse(Raw(replyMessage));
        await using (var db = _app.Services.GetRequiredService<IDbContextFactory<Pishkhan.Platform.Data.PishkhanDbContext>>().CreateDbContext())
        {
            var entity = (await EmailIntake.CaseForReplyAsync(db, mailbox, caseId, CancellationToken.None))!;
            await _app.WithDbAsync(other => other.Cases.Where(c => c.Id == caseId).ExecuteUpdateAsync(u => u.SetProperty(c => c.Version, c => c.Version + 1)));

            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(
                () => intake.AppendAsync(db, mailbox, reply, entity, contactId, "in-reply-to", actor, intake.Now(), CancellationToken.None));
        }

        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<EmailMessage>().CountAsync(m => m.MessageId == reply.MessageId)));

        // Fetched again, the reply is stored; handed over once more, its Message-ID row makes it the duplicate.
        var again = await Intake.ProcessAsync(mailbox, [Raw(replyMessage)]);
        Assert.Equal((IntakeOutcome.AddedToCase, caseId), (again.Handled[0].Result!.Outcome, again.Handled[0].Result!.CaseId));
        await using (var db = _app.Services.GetRequiredService<IDbContextFactory<Pishkhan.Platform.Data.PishkhanDbContext>>().CreateDbContext())
        {
            var entity = (await EmailIntake.CaseForReplyAsync(db, mailbox, caseId, CancellationToken.None))!;
            Assert.False(await intake.AppendAsync(db, mailbox, reply, entity, contactId, "in-reply-to", actor, intake.Now(), CancellationToken.None));
        }

        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<EmailMessage>().CountAsync(m => m.MessageId == reply.MessageId)));
    }
}
