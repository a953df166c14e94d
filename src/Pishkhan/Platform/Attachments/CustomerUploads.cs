using Microsoft.Extensions.Options;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Api;

namespace Pishkhan.Platform.Attachments;

/// <summary>A file a customer sends (portal request or reply, public web form): the name they gave it and its bytes.</summary>
public sealed record Upload(string? FileName, Stream Content);

/// <summary>
/// Checks and stores files that customers upload: at most <see cref="MaxFiles"/>, each named, not empty, of a type its
/// content shows to be allowed (<see cref="ContentSniffer"/>, never the name or the browser's claim) and within the size
/// limit. Problems are added to the caller's errors under <c>files</c> as text keys (<c>upload.error.*</c>).
/// </summary>
public sealed class CustomerUploads(AttachmentStore store, IOptions<AttachmentOptions> options, TimeProvider clock)
{
    public const int MaxFiles = 5;

    /// <summary>The files the form posted, without the empty entry browsers send when no file was chosen.</summary>
    public static List<Upload> FromForm(IFormFileCollection files, string name) =>
        [.. files.GetFiles(name).Where(f => f.Length > 0 || f.FileName.Length > 0).Select(f => new Upload(f.FileName, f.OpenReadStream()))];

    /// <summary>Stores the acceptable files (content-addressed) and returns their attachment rows, not yet saved or linked.</summary>
    public async Task<List<Attachment>> StoreAsync(IReadOnlyList<Upload> files, FieldErrors errors, CancellationToken ct)
    {
        var stored = new List<Attachment>();
        if (files.Count > MaxFiles)
        {
            errors.Add("files", "upload.error.tooMany");
            return stored;
        }

        var limits = options.Value;
        foreach (var file in files)
        {
            var name = Path.GetFileName(file.FileName ?? "").Trim();
            if (name.Length is 0 or > 255)
            {
                errors.Add("files", "upload.error.name");
                continue;
            }

            var head = new byte[ContentSniffer.HeadLength];
            var read = await file.Content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
            var type = ContentSniffer.Detect(head.AsSpan(0, read), name);
            if (read == 0)
            {
                errors.Add("files", "upload.error.empty");
                continue;
            }

            if (type is null || !limits.AllowedContentTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add("files", "upload.error.type");
                continue;
            }

            try
            {
                // Uploads arrive buffered (form files are seekable): read again from the start to store the whole file.
                file.Content.Position = 0;
                var (sha, size) = await store.SaveAsync(file.Content, limits.MaxBytes, ct);
                stored.Add(new Attachment { FileName = name, ContentType = type, Size = size, Sha256 = sha, CreatedAt = clock.GetUtcNow().UtcDateTime });
            }
            catch (FileTooLargeException)
            {
                errors.Add("files", "upload.error.tooLarge");
            }
        }

        return stored;
    }
}
