using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Ganss.Xss;
using MimeKit;

namespace Pishkhan.Features.Email;

/// <summary>A file carried by an inbound message (attachment or inline image).</summary>
public sealed record InboundFile(string FileName, string ContentType, byte[] Content, bool Inline, string? ContentId = null);

/// <summary>What intake needs from one inbound message, read without any I/O.</summary>
public sealed record InboundMail(
    string MessageId,
    string FromAddress,
    string FromName,
    string Subject,
    string Text,
    string VisibleText,
    string? Html,
    IReadOnlyList<string> InReplyTo,
    string? CaseToken,
    string? ThreadTopic,
    string? AutomatedReason,
    IReadOnlyList<InboundFile> Files);

/// <summary>A message intake cannot handle (no sender, not MIME): it goes to the quarantine.</summary>
public sealed class UnprocessableEmailException(string message) : Exception(message);

/// <summary>
/// Reads a MIME message: identity, sender, threading keys, loop markers, sanitised HTML, text with the quoted history
/// split off, and files. Pure: the same bytes always give the same result.
/// </summary>
public static partial class InboundParser
{
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    public static MimeMessage Load(byte[] raw)
    {
        try
        {
            using var stream = new MemoryStream(raw, writable: false);
            return MimeMessage.Load(stream);
        }
        catch (FormatException e)
        {
            throw new UnprocessableEmailException($"Not a MIME message: {e.Message}");
        }
    }

    public static InboundMail Parse(byte[] raw, string? fromOverride = null)
    {
        var message = Load(raw);
        var from = fromOverride is not null
            ? new MailboxAddress("", fromOverride)
            : message.ReplyTo.Mailboxes.FirstOrDefault() ?? message.From.Mailboxes.FirstOrDefault() ?? message.Sender;
        var address = from?.Address?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(address) || !SaveMailbox.IsAddress(address))
        {
            throw new UnprocessableEmailException(
                $"The message has no usable sender address (From: '{message.Headers[HeaderId.From] ?? ""}').");
        }

        // A message without a Message-ID still gets a stable one, so a second delivery is still recognised.
        var messageId = string.IsNullOrWhiteSpace(message.MessageId)
            ? $"{Convert.ToHexStringLower(SHA256.HashData(raw))[..40]}@no-message-id.pishkhan"
            : message.MessageId.Trim();
        var inReplyTo = new List<string>();
        if (!string.IsNullOrWhiteSpace(message.InReplyTo))
        {
            inReplyTo.Add(message.InReplyTo.Trim());
        }

        // The nearest ancestor first: References lists the oldest first.
        inReplyTo.AddRange(message.References.Reverse().Where(r => !inReplyTo.Contains(r)));
        var subject = (message.Subject ?? "").Trim();
        var html = message.HtmlBody is { Length: > 0 } rawHtml ? Sanitize(rawHtml) : null;
        var text = message.TextBody is { Length: > 0 } plain ? plain : html is not null ? HtmlText(html) : "";
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        var files = new List<InboundFile>();
        foreach (var part in message.BodyParts.OfType<MimePart>())
        {
            var isBody = part is TextPart && !part.IsAttachment;
            if (isBody)
            {
                continue;
            }

            using var content = new MemoryStream();
            part.Content?.DecodeTo(content);
            var name = part.FileName ?? (part.ContentId is { } cid ? $"inline-{cid}" : "attachment");
            files.Add(new InboundFile(name, part.ContentType.MimeType, content.ToArray(), !part.IsAttachment, part.ContentId));
        }

        return new InboundMail(
            messageId, address, from!.Name?.Trim() ?? "", subject, text, VisibleText(text), html, inReplyTo,
            CaseTokenOf(subject), ThreadTopicOf(message.Headers["Thread-Index"]), AutomatedReason(message), files);
    }

    /// <summary>The case number in a subject such as <c>Re: Printer [#1405-000123]</c>.</summary>
    public static string? CaseTokenOf(string subject) => CaseToken().Match(subject) is { Success: true } m ? m.Groups[1].Value : null;

    public static string WithCaseToken(string subject, string caseNumber)
    {
        var clean = CaseToken().Replace(subject, "").Trim();
        return $"{clean} [#{caseNumber}]".Trim();
    }

    /// <summary>Outlook's Thread-Index starts with a 22-byte header that is the same for a whole conversation.</summary>
    public static string? ThreadTopicOf(string? threadIndex)
    {
        if (string.IsNullOrWhiteSpace(threadIndex))
        {
            return null;
        }

        try
        {
            var bytes = Convert.FromBase64String(threadIndex.Trim());
            return bytes.Length >= 22 ? Convert.ToBase64String(bytes, 0, 22) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Why a message must never be answered automatically (auto-reply, bounce, list mail), or null.</summary>
    public static string? AutomatedReason(MimeMessage message)
    {
        var headers = message.Headers;
        if (headers["Auto-Submitted"] is { } autoSubmitted && !autoSubmitted.Trim().Equals("no", StringComparison.OrdinalIgnoreCase))
        {
            return $"Auto-Submitted: {autoSubmitted.Trim()}";
        }

        if (headers.Contains("X-Autoreply") || headers.Contains("X-Autorespond"))
        {
            return "X-Autoreply";
        }

        if (headers["Precedence"] is { } precedence && precedence.Trim().ToLowerInvariant() is "bulk" or "junk" or "list")
        {
            return $"Precedence: {precedence.Trim()}";
        }

        if (headers["Return-Path"] is { } returnPath && returnPath.Trim() is "<>" or "")
        {
            return "Return-Path: <> (a bounce)";
        }

        if (headers.Contains(HeaderId.ListId))
        {
            return "List-Id";
        }

        if (message.Body is MultipartReport)
        {
            return "multipart/report (a delivery report)";
        }

        return null;
    }

    /// <summary>
    /// The new part of a reply: everything before the quoted history ("On … wrote:", "&gt;" lines, Outlook's
    /// "-----Original Message-----" or "From:" block, and their Persian forms; see <see cref="QuoteSplitter"/>).
    /// </summary>
    public static string VisibleText(string text) => QuoteSplitter.SplitText(text).New;

    /// <summary>The plain-text fallback of an HTML-only message.</summary>
    public static string HtmlText(string html)
    {
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        foreach (var block in document.QuerySelectorAll("br,p,div,li,tr,h1,h2,h3,h4,blockquote"))
        {
            block.Append(document.CreateTextNode("\n"));
        }

        return MultipleBlankLines().Replace(document.Body?.TextContent ?? "", "\n\n");
    }

    public static string Sanitize(string html) => Sanitizer.Sanitize(html);

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        // Inline images point at stored attachments through cid: links (rewritten to them when stored).
        sanitizer.AllowedSchemes.Add("cid");
        // Remote content is never loaded (no tracking pixels): a link may point out, nothing else may.
        sanitizer.AllowedAttributes.Remove("background");
        sanitizer.AllowedAttributes.Remove("srcset");
        sanitizer.FilterUrl += (_, e) =>
        {
            var remote = !e.OriginalUrl.TrimStart().StartsWith("cid:", StringComparison.OrdinalIgnoreCase);
            if (remote && e.Tag?.LocalName != "a")
            {
                e.SanitizedUrl = null;
            }
        };
        sanitizer.RemovingAttribute += (_, e) =>
        {
            if (e.Attribute.Name == "id" && QuoteSplitter.OutlookMarkers.Contains(e.Attribute.Value))
            {
                e.Tag.ClassList.Add(e.Attribute.Value);
            }
        };
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "img" } image && !image.HasAttribute("src"))
            {
                image.Parent?.RemoveChild(image);
            }
        };
        return sanitizer;
    }

    [GeneratedRegex(@"\[#(\d{4}-\d{6})\]")]
    private static partial Regex CaseToken();

    [GeneratedRegex(@"\n\s*\n(\s*\n)+")]
    private static partial Regex MultipleBlankLines();

    internal static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
