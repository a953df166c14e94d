using System.Text;
using MimeKit;
using NodaTime;
using Pishkhan.Features.Email;

namespace Pishkhan.Tests.Email;

/// <summary>The pure parts of the email channel: threading keys, loop protection, quoted history, the out-of-hours date, templates.</summary>
public sealed class InboundParserTests
{
    [Theory]
    [InlineData("Re: Printer [#1405-000123]", "1405-000123")]
    [InlineData("[#1405-000007] پاسخ: چاپگر", "1405-000007")]
    [InlineData("Printer #1405-000123", null)]
    [InlineData("Printer [#14-1]", null)]
    public void CaseToken_IsFoundOnlyInItsBracketedForm(string subject, string? expected) =>
        Assert.Equal(expected, InboundParser.CaseTokenOf(subject));

    [Fact]
    public void WithCaseToken_ReplacesAnOldTokenInsteadOfAddingASecond() =>
        Assert.Equal("Re: Printer [#1405-000124]", InboundParser.WithCaseToken("Re: Printer [#1405-000123]", "1405-000124"));

    [Fact]
    public void ThreadTopic_IsTheFirst22BytesOfThreadIndex_SameForTheWholeConversation()
    {
        var header = new byte[22];
        Random.Shared.NextBytes(header);
        var first = Convert.ToBase64String(header);
        var reply = Convert.ToBase64String([.. header, 1, 2, 3, 4, 5]);
        Assert.Equal(first, InboundParser.ThreadTopicOf(first));
        Assert.Equal(first, InboundParser.ThreadTopicOf(reply));
        Assert.Null(InboundParser.ThreadTopicOf("not base64!"));
        Assert.Null(InboundParser.ThreadTopicOf(Convert.ToBase64String(new byte[10])));
    }

    [Theory]
    [InlineData("Auto-Submitted", "auto-replied", "Auto-Submitted: auto-replied")]
    [InlineData("X-Autoreply", "yes", "X-Autoreply")]
    [InlineData("Precedence", "bulk", "Precedence: bulk")]
    [InlineData("Precedence", "list", "Precedence: list")]
    [InlineData("Return-Path", "<>", "Return-Path: <> (a bounce)")]
    [InlineData("List-Id", "<news.example.com>", "List-Id")]
    public void AutomatedMail_IsRecognised(string header, string value, string reason)
    {
        var message = Plain();
        message.Headers.Add(header, value);
        Assert.Equal(reason, InboundParser.AutomatedReason(message));
    }

    [Fact]
    public void PersonalMail_IsNotAutomated_EvenWithAutoSubmittedNo()
    {
        var message = Plain();
        message.Headers.Add("Auto-Submitted", "no");
        message.Headers.Add("Precedence", "normal");
        Assert.Null(InboundParser.AutomatedReason(message));
    }

    [Fact]
    public void QuotedHistory_IsCollapsed_InEnglishAndPersian()
    {
        Assert.Equal("Thanks, it works.", InboundParser.VisibleText("Thanks, it works.\n\nOn Mon, 23 Nov 2026 at 10:00, Support wrote:\n> Try again"));
        Assert.Equal("ممنون، درست شد.", InboundParser.VisibleText("ممنون، درست شد.\n\n-----پیام اصلی-----\nاز: پشتیبانی"));
        Assert.Equal("New text", InboundParser.VisibleText("New text\n> old\n> older"));
        Assert.Equal("> only a quote", InboundParser.VisibleText("> only a quote"));
    }

    [Fact]
    public void Parse_WithoutMessageIdOrSender_IsRefusedForQuarantine_UnlessASenderIsGiven()
    {
        var raw = Encoding.UTF8.GetBytes("Subject: hello\r\n\r\nbody\r\n");
        Assert.Throws<UnprocessableEmailException>(() => InboundParser.Parse(raw));
        var mail = InboundParser.Parse(raw, "someone@customer.test");
        Assert.Equal("someone@customer.test", mail.FromAddress);
        Assert.False(string.IsNullOrEmpty(mail.MessageId));
        // The same raw message always gets the same stand-in Message-ID, so reprocessing twice still deduplicates.
        Assert.Equal(mail.MessageId, InboundParser.Parse(raw, "someone@customer.test").MessageId);
    }

    [Fact]
    public void Parse_SanitisesHtml()
    {
        var message = Plain();
        message.Body = new TextPart("html") { Text = "<p>Hello</p><script>alert(1)</script><img src=x onerror=alert(2)>" };
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        var mail = InboundParser.Parse(stream.ToArray());
        Assert.DoesNotContain("script", mail.Html!, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", mail.Html!, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Hello", mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void NextOpening_InPersian_IsJalaliWithPersianDigits_AndInEnglish_Gregorian()
    {
        var tehran = DateTimeZoneProviders.Tzdb["Asia/Tehran"];
        var at = new LocalDateTime(2026, 3, 28, 8, 0).InZoneStrictly(tehran);
        Assert.Equal("شنبه ۸ فروردین ۱۴۰۵، ساعت ۸:۰۰", OutOfHoursText.NextOpening(at, persian: true));
        Assert.Equal("Saturday 28 March 2026, 08:00", OutOfHoursText.NextOpening(at, persian: false));
    }

    [Fact]
    public void AutoReply_CarriesLoopProtectionHeaders_AndAnAgentReplyDoesNot()
    {
        var mailbox = new Mailbox { Name = "Support", Address = "support@support.test", ImapHost = "h", ImapUser = "u", SmtpHost = "h" };
        var row = new OutboundEmail
        {
            MessageId = "abc@support.test",
            To = "c@customer.test",
            Subject = "Re: x [#1405-000001]",
            InReplyTo = "m1@customer.test",
            References = "<m1@customer.test>",
            IsAutoReply = true,
            CreatedAt = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc),
        };
        var auto = EmailSender.Build(mailbox, row);
        Assert.Equal("auto-replied", auto.Headers["Auto-Submitted"]);
        Assert.Equal("m1@customer.test", auto.InReplyTo);
        Assert.Equal(["m1@customer.test"], auto.References);
        var reply = EmailSender.Build(mailbox, new OutboundEmail { MessageId = "def@support.test", To = "c@customer.test", Subject = "s", CreatedAt = row.CreatedAt });
        Assert.Null(reply.Headers["Auto-Submitted"]);
        Assert.Equal("def@support.test", reply.MessageId);
    }

    [Fact]
    public void Template_FillsKnownPlaceholders_AndLeavesUnknownOnes()
    {
        var values = new Dictionary<string, string> { ["name"] = "Sara", ["case"] = "1405-000001" };
        Assert.Equal("Hello Sara, case 1405-000001 {unknown}", EmailTemplate.Fill("Hello {name}, case {case} {unknown}", values));
    }

    private static MimeMessage Plain()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("customer@customer.test"));
        message.To.Add(MailboxAddress.Parse("support@support.test"));
        message.Subject = "Hello";
        message.MessageId = "m@customer.test";
        message.Body = new TextPart("plain") { Text = "hi" };
        return message;
    }
}
