using System.Text;

namespace Pishkhan.Platform.Attachments;

/// <summary>
/// What a file really is, from its first bytes rather than the name or the type the browser claimed: a renamed
/// executable does not pass as a PDF. Text (any UTF-8 without control bytes, HTML included) is text/plain, so a page
/// uploaded as a file is only ever served back as plain text.
/// </summary>
public static class ContentSniffer
{
    public const int HeadLength = 512;

    /// <summary>The content type the bytes show, or null when they are none the portal accepts.</summary>
    public static string? Detect(ReadOnlySpan<byte> head, string fileName)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        if (head.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }

        if (head.StartsWith("PK\x03\x04"u8))
        {
            return extension switch
            {
                ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                _ => "application/zip",
            };
        }

        return IsText(head) ? (extension == ".csv" ? "text/csv" : "text/plain") : null;
    }

    private static bool IsText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return false;
        }

        foreach (var b in head)
        {
            if (b < 0x20 && b is not (byte)'\n' and not (byte)'\r' and not (byte)'\t' and not 0x0C)
            {
                return false;
            }
        }

        // A multi-byte character cut at the end of the head is fine; anything else must decode.
        var decoder = new UTF8Encoding(false, true).GetDecoder();
        try
        {
            var chars = new char[head.Length];
            decoder.GetChars(head, chars, flush: false);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>The type a download is served with: images and PDFs as themselves, text as plain text, anything else as bytes.</summary>
    public static string SafeDownloadType(string storedType) => storedType switch
    {
        "image/png" or "image/jpeg" or "image/gif" or "image/webp" or "application/pdf" => storedType,
        "text/plain" or "text/csv" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
}
