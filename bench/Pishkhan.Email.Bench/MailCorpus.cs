using System.Globalization;
using MimeKit;

namespace Pishkhan.Email.Bench;

/// <summary>
/// A generated, reproducible corpus of customer mail: Persian and English, plain text and HTML (with quoted history),
/// some with attachments or an inline image, and about half of them replies or forwards of earlier messages of the
/// same sender (In-Reply-To/References, or only "Re:"/"Fwd:" in the subject), so intake threads them onto earlier cases.
/// </summary>
public static class MailCorpus
{
    private static readonly string[] EnglishSubjects =
    [
        "Printer does not print", "Invoice 4411 is wrong", "Cannot log in to the portal", "Delivery is late",
        "Refund request", "VPN drops every hour", "Question about my contract", "Password reset link expired",
    ];

    private static readonly string[] PersianSubjects =
    [
        "چاپگر کار نمی‌کند", "فاکتور ۴۴۱۱ اشتباه است", "ورود به پرتال ممکن نیست", "ارسال سفارش دیر شده",
        "درخواست بازپرداخت", "قطع شدن وی‌پی‌ان", "سؤال درباره قرارداد", "پیوند بازیابی گذرواژه منقضی شده",
    ];

    private static readonly string[] EnglishLines =
    [
        "Hello, since this morning the printer on the second floor shows an error and prints nothing.",
        "I was charged twice for the same order, please check and correct the invoice.",
        "The portal says my password is wrong although I reset it yesterday.",
        "Could you tell me when the parcel will arrive? The tracking page has not changed for three days.",
        "Thank you for the quick answer, but the problem is back after the restart.",
    ];

    private static readonly string[] PersianLines =
    [
        "سلام، از امروز صبح چاپگر طبقه دوم خطا نشان می‌دهد و چیزی چاپ نمی‌کند.",
        "برای یک سفارش دو بار از حساب من برداشت شده است، لطفاً فاکتور را بررسی و اصلاح کنید.",
        "پرتال می‌گوید گذرواژه من اشتباه است، در حالی که دیروز آن را عوض کردم.",
        "لطفاً بفرمایید بسته کی می‌رسد؟ صفحه پیگیری سه روز است تغییری نکرده.",
        "از پاسخ سریع شما ممنونم، ولی مشکل پس از راه‌اندازی دوباره برگشته است.",
    ];

    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    /// <summary>Raw MIME bytes of <paramref name="count"/> messages from <paramref name="senders"/> senders; round makes the ids unique.</summary>
    public static List<byte[]> Generate(int count, int senders, int round)
    {
        var random = new Random(7 + round);
        var sent = new List<(string Id, string Subject, int Sender, string Text)>();
        var result = new List<byte[]>(count);
        var pdf = new byte[24 * 1024];
        random.NextBytes(pdf);
        var start = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            var persian = random.Next(2) == 0;
            var html = random.Next(3) > 0;
            var message = new MimeMessage();
            var reply = sent.Count > 20 && random.Next(2) == 0 ? sent[random.Next(Math.Max(0, sent.Count - 2000), sent.Count)] : default;
            var sender = reply.Id is not null ? reply.Sender : random.Next(senders);
            message.From.Add(new MailboxAddress(persian ? $"مشتری {sender}" : $"Customer {sender}", $"customer{sender}@example{sender % 50}.com"));
            message.To.Add(new MailboxAddress("Support", "support@bench.test"));
            message.Date = start.AddMinutes(i);
            message.MessageId = string.Create(CultureInfo.InvariantCulture, $"r{round}-m{i}@mail.example.com");
            var line = persian ? PersianLines[random.Next(PersianLines.Length)] : EnglishLines[random.Next(EnglishLines.Length)];
            string subject;
            var quoted = "";
            if (reply.Id is not null)
            {
                var forward = random.Next(6) == 0;
                subject = (forward ? "Fwd: " : "Re: ") + reply.Subject;
                quoted = reply.Text;
                if (random.Next(4) > 0)
                {
                    // Most clients set In-Reply-To/References; some replies thread only by subject (and become new cases).
                    message.InReplyTo = reply.Id;
                    message.References.Add(reply.Id);
                }
            }
            else
            {
                subject = persian ? PersianSubjects[random.Next(PersianSubjects.Length)] : EnglishSubjects[random.Next(EnglishSubjects.Length)];
                subject = string.Create(CultureInfo.InvariantCulture, $"{subject} #{i}");
            }

            message.Subject = subject;
            var header = persian ? $"در تاریخ {message.Date.AddDays(-1):yyyy/MM/dd} پشتیبانی نوشت:" : $"On {message.Date.AddDays(-1):ddd, d MMM yyyy} Support <support@bench.test> wrote:";
            var builder = new BodyBuilder();
            var text = quoted.Length == 0 ? line : $"{line}\n\n{header}\n> {quoted.Replace("\n", "\n> ", StringComparison.Ordinal)}";
            builder.TextBody = text;
            if (html)
            {
                var quoteHtml = quoted.Length == 0 ? "" :
                    $"<div class=\"gmail_quote\"><div class=\"gmail_attr\">{header}</div><blockquote class=\"gmail_quote\" style=\"margin:0 0 0 .8ex\">{System.Net.WebUtility.HtmlEncode(quoted)}</blockquote></div>";
                var image = "";
                if (random.Next(10) == 0)
                {
                    var logo = builder.LinkedResources.Add("logo.png", Png, new ContentType("image", "png"));
                    logo.ContentId = MimeKit.Utils.MimeUtils.GenerateMessageId();
                    image = $"<img src=\"cid:{logo.ContentId}\" alt=\"logo\"><img src=\"https://tracker.example.com/p.gif?u={sender}\" width=1 height=1>";
                }

                builder.HtmlBody = $"<html><body><div dir=\"{(persian ? "rtl" : "ltr")}\"><p style=\"font-family:Tahoma\">{System.Net.WebUtility.HtmlEncode(line)}</p>{image}</div>{quoteHtml}<script>alert(1)</script></body></html>";
            }

            if (random.Next(8) == 0)
            {
                builder.Attachments.Add(persian ? "فاکتور.pdf" : "invoice.pdf", pdf, new ContentType("application", "pdf"));
            }

            message.Body = builder.ToMessageBody();
            using var stream = new MemoryStream();
            message.WriteTo(stream);
            result.Add(stream.ToArray());
            sent.Add((message.MessageId, subject.Replace("Re: ", "", StringComparison.Ordinal).Replace("Fwd: ", "", StringComparison.Ordinal), sender, line));
        }

        return result;
    }
}
