using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Pishkhan.Features.Email;

/// <summary>A message body split into what the sender wrote now and the quoted history below it (null: none found).</summary>
public sealed record SplitBody(string New, string? Quoted);

/// <summary>
/// Splits a reply into its new text and the quoted history (بخش نقل‌قول‌شده), in plain text and in (already sanitised)
/// HTML: Gmail's <c>gmail_quote</c>, Outlook's <c>divRplyFwdMsg</c> and "-----Original Message-----", Apple Mail's and
/// Thunderbird's <c>&lt;blockquote type="cite"&gt;</c>, "&gt;" lines, "On … wrote:" and «در تاریخ … نوشت:» lines.
/// When nothing new is left above the history (a bare forward), the whole body is new. Pure.
/// </summary>
public static partial class QuoteSplitter
{
    private static readonly HtmlParser Parser = new();

    /// <summary>
    /// Outlook marks its quote with element ids; the sanitiser drops ids (they could clash with the page's own) and
    /// keeps these as classes instead (<see cref="InboundParser.Sanitize"/>).
    /// </summary>
    public static readonly IReadOnlySet<string> OutlookMarkers = new HashSet<string>(StringComparer.Ordinal)
    {
        "divRplyFwdMsg", "appendonsend", "mail-editor-reference-message-container",
    };

    /// <summary>Plain text: the first quote header line, or a run of "&gt;" lines that goes on to the end.</summary>
    public static SplitBody SplitText(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var header = QuoteHeader().IsMatch(line)
                // Gmail wraps a long "On … <address> wrote:" over two lines.
                || (i + 1 < lines.Length && WrappedHeaderStart().IsMatch(line) && WrappedHeaderEnd().IsMatch(lines[i + 1].Trim()));
            if (header || (line.StartsWith('>') && lines.Skip(i).All(l => l.TrimStart().StartsWith('>') || l.Trim().Length == 0)))
            {
                var visible = string.Join('\n', lines.Take(i)).Trim();
                return visible.Length == 0 ? new SplitBody(text.Trim(), null) : new SplitBody(visible, string.Join('\n', lines.Skip(i)).Trim());
            }
        }

        return new SplitBody(text.Trim(), null);
    }

    /// <summary>
    /// HTML: the first quote marker in document order and everything after it is the history; what comes before is
    /// new. The parts are HTML fragments (the history loses the wrappers it shared with the new text).
    /// </summary>
    public static SplitBody SplitHtml(string html)
    {
        var document = Parser.ParseDocument(html);
        var body = document.Body;
        if (body is null)
        {
            return new SplitBody(html, null);
        }

        var marker = FirstMarker(body);
        if (marker is null)
        {
            return new SplitBody(body.InnerHtml, null);
        }

        // The history: the marker, then every node after it (its following siblings, then its ancestors' following siblings).
        var quoted = new List<INode>();
        for (var node = marker; node is not null && node != body; node = node.Parent)
        {
            if (node == marker)
            {
                quoted.Add(node);
            }

            for (var next = node.NextSibling; next is not null; next = next.NextSibling)
            {
                quoted.Add(next);
            }
        }

        var quotedHtml = string.Concat(quoted.Select(OuterHtml));
        foreach (var node in quoted)
        {
            node.Parent?.RemoveChild(node);
        }

        var hasNew = body.TextContent.Trim().Length > 0 || body.QuerySelector("img") is not null;
        return hasNew ? new SplitBody(body.InnerHtml.Trim(), quotedHtml) : new SplitBody(document.Body!.InnerHtml.Trim() + quotedHtml, null);
    }

    /// <summary>Plain text as HTML for the timeline: escaped, line breaks kept, the quoted history in a cite blockquote.</summary>
    public static string TextAsHtml(string text)
    {
        var split = SplitText(text);
        var html = $"<div dir=\"auto\" style=\"white-space: pre-wrap\">{WebUtility.HtmlEncode(split.New)}</div>";
        return split.Quoted is null ? html : $"{html}<blockquote type=\"cite\" dir=\"auto\" style=\"white-space: pre-wrap\">{WebUtility.HtmlEncode(split.Quoted)}</blockquote>";
    }

    private static INode? FirstMarker(IElement body)
    {
        foreach (var element in body.Descendants<IElement>())
        {
            if (IsMarkerElement(element))
            {
                return element;
            }

            // A quote header written as text ("On … wrote:", «… نوشت:», "-----Original Message-----") in a block of its own.
            foreach (var child in element.ChildNodes.OfType<IText>())
            {
                var line = child.Data.Trim();
                if (line.Length > 0 && HtmlQuoteHeader().IsMatch(line))
                {
                    return OwnBlock(element, body, child);
                }
            }
        }

        return null;
    }

    private static bool IsMarkerElement(IElement element) =>
        element.ClassList.Contains("gmail_quote") || element.ClassList.Contains("gmail_quote_container")
        || element.ClassList.Contains("moz-cite-prefix") || element.ClassList.Contains("yahoo_quoted")
        || OutlookMarkers.Any(element.ClassList.Contains)
        || (element.LocalName == "blockquote" && (element.GetAttribute("type")?.Equals("cite", StringComparison.OrdinalIgnoreCase) ?? false))
        || (element.LocalName == "hr" && (element.NextElementSibling?.ClassList.Contains("divRplyFwdMsg") ?? false))
        // Outlook desktop: the header block is a div with a top border, "From:" in bold inside.
        || (element.LocalName == "div" && (element.GetAttribute("style") ?? "").Replace(" ", "", StringComparison.Ordinal).Contains("border-top:solid#E1E1E1", StringComparison.OrdinalIgnoreCase));

    /// <summary>The text's own block: the element itself, or the text node when it shares the element with new text.</summary>
    private static INode OwnBlock(IElement element, IElement body, IText text)
    {
        var contentBefore = element.ChildNodes.TakeWhile(n => n != text).Any(n => n.TextContent.Trim().Length > 0 || n is IElement { LocalName: "img" });
        return element == body || contentBefore ? text : element;
    }

    private static string OuterHtml(INode node) => node switch
    {
        IElement element => element.OuterHtml,
        IText text => WebUtility.HtmlEncode(text.Data),
        _ => "",
    };

    [GeneratedRegex(@"^(On .+ wrote:|در تاریخ .+ نوشت:?|.+ نوشت:|-{2,}\s*Original Message\s*-{2,}|-{2,}\s*پیام اصلی\s*-{2,}|From: .+|از: .+)$")]
    private static partial Regex QuoteHeader();

    /// <summary>In HTML a bare "From:" line is too common in ordinary text; Outlook marks its header block instead.</summary>
    [GeneratedRegex(@"^(On .+ wrote:|در تاریخ .+ نوشت:?|.+ نوشت:|-{2,}\s*Original Message\s*-{2,}|-{2,}\s*پیام اصلی\s*-{2,})$")]
    private static partial Regex HtmlQuoteHeader();

    [GeneratedRegex(@"^(On |در تاریخ ).+$")]
    private static partial Regex WrappedHeaderStart();

    [GeneratedRegex(@"(wrote:|نوشت:)$")]
    private static partial Regex WrappedHeaderEnd();
}

/// <summary>
/// Points an inbound message's <c>cid:</c> images at the attachments they were stored as; an image whose file was not
/// stored (too large, missing) is dropped, so nothing is ever fetched from elsewhere. Pure.
/// </summary>
public static class InlineImages
{
    private static readonly HtmlParser Parser = new();

    /// <param name="stored">Content-ID (without angle brackets) → attachment id.</param>
    public static string Rewrite(string html, IReadOnlyDictionary<string, Guid> stored)
    {
        if (!html.Contains("cid:", StringComparison.OrdinalIgnoreCase))
        {
            return html;
        }

        var document = Parser.ParseDocument(html);
        foreach (var image in document.QuerySelectorAll("img[src]").ToList())
        {
            var src = image.GetAttribute("src")!.Trim();
            if (!src.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var contentId = Uri.UnescapeDataString(src[4..]).Trim('<', '>');
            if (stored.TryGetValue(contentId, out var attachmentId))
            {
                image.SetAttribute("src", $"/api/v1/attachments/{attachmentId}");
            }
            else
            {
                image.Parent?.RemoveChild(image);
            }
        }

        return document.Body?.InnerHtml ?? "";
    }
}
