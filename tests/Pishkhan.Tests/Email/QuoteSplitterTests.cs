using MimeKit;
using Pishkhan.Features.Email;

namespace Pishkhan.Tests.Email;

/// <summary>
/// New text versus quoted history on bodies as the common clients write them (trimmed from real messages), after the
/// same sanitising intake applies; and the sanitiser's handling of remote and inline images.
/// </summary>
public sealed class QuoteSplitterTests
{
    private static SplitBody Html(string html) => QuoteSplitter.SplitHtml(InboundParser.Sanitize(html));

    [Fact]
    public void Gmail_TheGmailQuoteDivAndEverythingAfterItIsHistory()
    {
        var split = Html("""
            <div dir="ltr">Thanks, the printer works again.<div><br></div><div>Sara</div></div><br>
            <div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">On Mon, Nov 23, 2026 at 10:02 AM Support &lt;support@example.com&gt; wrote:<br></div>
            <blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">Please restart it.<br>[#1405-000123]</blockquote></div>
            """);
        Assert.Contains("printer works again", split.New);
        Assert.Contains("Sara", split.New);
        Assert.DoesNotContain("restart", split.New);
        Assert.Contains("Please restart it.", split.Quoted);
        Assert.Contains("wrote:", split.Quoted);
    }

    [Fact]
    public void OutlookWeb_TheDivRplyFwdMsgBlockAndItsRuleAreHistory()
    {
        var split = Html("""
            <html><body><div style="font-family: Calibri">I attached the invoice again.</div>
            <div id="appendonsend"></div>
            <hr style="display:inline-block;width:98%" tabindex="-1">
            <div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>From:</b> Support &lt;support@example.com&gt;<br><b>Sent:</b> Monday, November 23, 2026 10:02<br><b>Subject:</b> RE: Invoice</font></div>
            <div>Which invoice do you mean?</div></body></html>
            """);
        Assert.Equal("<div style=\"font-family: Calibri\">I attached the invoice again.</div>", split.New);
        Assert.Contains("Which invoice do you mean?", split.Quoted);
        Assert.Contains("Sent:", split.Quoted);
    }

    [Fact]
    public void OutlookDesktop_OriginalMessageLineInItsOwnParagraphStartsTheHistory()
    {
        var split = Html("""
            <div class="WordSection1"><p class="MsoNormal">Yes, from today.</p><p class="MsoNormal">&nbsp;</p>
            <p class="MsoNormal">-----Original Message-----<br>From: Support<br>Sent: Monday</p><p class="MsoNormal">Does it still happen?</p></div>
            """);
        Assert.Contains("Yes, from today.", split.New);
        Assert.DoesNotContain("Does it still happen", split.New);
        Assert.Contains("Does it still happen?", split.Quoted);
    }

    [Fact]
    public void AppleMail_TheCiteBlockquoteIsHistory()
    {
        var split = Html("""
            <html><body dir="auto">Done, thank you!<br><br><div dir="ltr">Sent from my iPhone</div><div dir="ltr"><br><blockquote type="cite">On 23 Nov 2026, at 10:02, Support &lt;support@example.com&gt; wrote:<br><br></blockquote></div>
            <blockquote type="cite"><div dir="ltr">Please update the app.</div></blockquote></body></html>
            """);
        Assert.Contains("Done, thank you!", split.New);
        Assert.Contains("Sent from my iPhone", split.New);
        Assert.DoesNotContain("update the app", split.New);
        Assert.Contains("Please update the app.", split.Quoted);
    }

    [Fact]
    public void PersianGmail_TheHeaderIsFoundInPersianAndTheTextStays()
    {
        var split = Html("""
            <div dir="rtl">سلام، مشکل هنوز هست.</div><br>
            <div dir="rtl"><div>در تاریخ دوشنبه ۲ آذر ۱۴۰۵ ساعت ۱۰:۰۲ پشتیبانی &lt;support@example.com&gt; نوشت:</div>
            <blockquote style="margin:0 0 0 .8ex">لطفاً دستگاه را خاموش و روشن کنید.</blockquote></div>
            """);
        Assert.Contains("مشکل هنوز هست", split.New);
        Assert.DoesNotContain("خاموش", split.New);
        Assert.Contains("خاموش و روشن", split.Quoted);
        Assert.Contains("نوشت:", split.Quoted);
    }

    [Fact]
    public void HeaderTextSharingABlockWithNewText_SplitsAtTheTextItself()
    {
        var split = Html("<div>New line<br><br>On Mon, 23 Nov 2026 Support wrote:<br>&gt; old line</div>");
        Assert.Contains("New line", split.New);
        Assert.DoesNotContain("old line", split.New);
        Assert.Contains("old line", split.Quoted);
    }

    [Fact]
    public void ABareForward_IsShownWhole_AndAMessageWithoutHistoryHasNoQuotedPart()
    {
        var forward = Html("""<div class="gmail_quote"><div class="gmail_attr">---------- Forwarded message ---------<br>From: Ali</div><div>The order is late.</div></div>""");
        Assert.Contains("The order is late.", forward.New);
        Assert.Null(forward.Quoted);
        var plain = Html("<p>Just a question.</p>");
        Assert.Equal("<p>Just a question.</p>", plain.New);
        Assert.Null(plain.Quoted);
    }

    [Fact]
    public void PlainText_EnglishPersianWrappedAndAngleBracketHistories()
    {
        Assert.Equal(
            new SplitBody("Thanks, it works.", "On Mon, 23 Nov 2026 at 10:00, Support <support@example.com> wrote:\n> Try again"),
            QuoteSplitter.SplitText("Thanks, it works.\n\nOn Mon, 23 Nov 2026 at 10:00, Support <support@example.com> wrote:\n> Try again"));
        // Gmail wraps a long header over two lines.
        Assert.Equal("Still broken.", QuoteSplitter.SplitText("Still broken.\n\nOn Mon, 23 Nov 2026 at 10:00, Support Team <\nsupport@example.com> wrote:\n> Try again").New);
        Assert.Equal(
            new SplitBody("ممنون، درست شد.", "در تاریخ ۲ آذر ۱۴۰۵ پشتیبانی نوشت:\n> دوباره امتحان کنید"),
            QuoteSplitter.SplitText("ممنون، درست شد.\n\nدر تاریخ ۲ آذر ۱۴۰۵ پشتیبانی نوشت:\n> دوباره امتحان کنید"));
        Assert.Equal(new SplitBody("New text", "> old\n> older"), QuoteSplitter.SplitText("New text\n> old\n> older"));
        // A ">" line in the middle of new text (a quoted sentence answered inline) is not history.
        Assert.Null(QuoteSplitter.SplitText("> is it on?\nYes it is.").Quoted);
        Assert.Equal(new SplitBody("> only a quote", null), QuoteSplitter.SplitText("> only a quote"));
    }

    [Fact]
    public void TextAsHtml_EscapesAndPutsTheHistoryInACiteBlockquote()
    {
        var html = QuoteSplitter.TextAsHtml("<b>hi</b>\n> old");
        Assert.StartsWith("<div dir=\"auto\" style=\"white-space: pre-wrap\">&lt;b&gt;hi&lt;/b&gt;</div><blockquote type=\"cite\"", html);
        Assert.Equal("&lt;b&gt;hi&lt;/b&gt;", QuoteSplitter.SplitHtml(html).New.Split('>', 2)[1].Split("</div>")[0]);
        Assert.Contains("&gt; old", QuoteSplitter.SplitHtml(html).Quoted);
    }

    [Fact]
    public void Sanitize_DropsScriptsAndRemoteImages_KeepsLinksAndCidImages()
    {
        var html = InboundParser.Sanitize("""
            <p onclick="x()">Hi <a href="https://example.com/help">help</a></p><script>alert(1)</script>
            <img src="https://tracker.example.com/open.gif?u=1" width="1" height="1"><img src="cid:logo@x" alt="logo">
            <div style="background-image:url(https://tracker.example.com/bg.png)">text</div><table background="https://t.example.com/b.png"><tr><td>x</td></tr></table>
            """);
        Assert.DoesNotContain("script", html);
        Assert.DoesNotContain("onclick", html);
        Assert.DoesNotContain("tracker.example.com", html);
        Assert.DoesNotContain("t.example.com", html);
        Assert.Contains("href=\"https://example.com/help\"", html);
        Assert.Contains("src=\"cid:logo@x\"", html);
    }

    [Fact]
    public void InlineImages_AreRewrittenToTheirStoredAttachment_OrDropped()
    {
        var stored = Guid.NewGuid();
        var html = InlineImages.Rewrite(
            "<p>see <img src=\"cid:logo@x\" alt=\"logo\"><img src=\"cid:big@x\" alt=\"too big\"></p>",
            new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase) { ["logo@x"] = stored });
        Assert.Equal($"<p>see <img src=\"/api/v1/attachments/{stored}\" alt=\"logo\"></p>", html);
    }

    [Fact]
    public void Parse_KeepsTheContentIdOfInlineImages()
    {
        var builder = new BodyBuilder { HtmlBody = "<p>logo: <img src=\"cid:logo@example.com\"></p>" };
        var image = builder.LinkedResources.Add("logo.png", [1, 2, 3], new ContentType("image", "png"));
        image.ContentId = "logo@example.com";
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sara@customer.test"));
        message.Subject = "Logo";
        message.Body = builder.ToMessageBody();
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        var mail = InboundParser.Parse(stream.ToArray());
        var file = Assert.Single(mail.Files);
        Assert.True(file.Inline);
        Assert.Equal("logo@example.com", file.ContentId);
        Assert.Contains("cid:logo@example.com", mail.Html);
        Assert.Equal("logo:", mail.Text);
    }
}
