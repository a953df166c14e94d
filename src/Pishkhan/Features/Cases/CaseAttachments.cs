using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Attachments;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Cases;

/// <summary>
/// Uploads a file to a case (to be linked to a reply or note) and opens one for download, checking the size,
/// the type and the case's visibility.
/// </summary>
public sealed class CaseAttachments(IDbContextFactory<PishkhanDbContext> dbFactory, AttachmentStore store, IOptions<AttachmentOptions> options, TimeProvider clock)
{
    public async Task<Outcome<AttachmentDto>> UploadAsync(Guid caseId, string fileName, string contentType, Stream content, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        if (!await db.Cases.VisibleTo(db, actor).AnyAsync(c => c.Id == caseId, ct))
        {
            return new Outcome<AttachmentDto>.NotFound();
        }

        var errors = new FieldErrors();
        var name = Path.GetFileName(fileName ?? "").Trim();
        if (name.Length is 0 or > 255)
        {
            errors.Add("file", "The file needs a name of at most 255 characters.");
        }

        var type = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (!options.Value.AllowedContentTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add("file", $"Files of type '{type}' are not accepted; allowed: {string.Join(", ", options.Value.AllowedContentTypes)}.");
        }

        if (errors.Any)
        {
            return errors;
        }

        (string Sha256, long Size) stored;
        try
        {
            stored = await store.SaveAsync(content, options.Value.MaxBytes, ct);
        }
        catch (FileTooLargeException e)
        {
            errors.Add("file", $"The file is larger than the limit of {e.MaxBytes / 1024 / 1024} MB.");
            return errors;
        }

        if (stored.Size == 0)
        {
            errors.Add("file", "The file is empty.");
            return errors;
        }

        var attachment = new Attachment
        {
            CaseId = caseId,
            FileName = name,
            ContentType = type,
            Size = stored.Size,
            Sha256 = stored.Sha256,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Attachments.Add(attachment);
        await db.SaveChangesAsync(ct);
        return new AttachmentDto(attachment.Id, attachment.FileName, attachment.ContentType, attachment.Size, attachment.CreatedAt);
    }

    /// <summary>The stored file and its metadata, or null when it does not exist or its case is not visible.</summary>
    public async Task<(Attachment Attachment, Stream Content)?> OpenAsync(Guid attachmentId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var attachment = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId, ct);
        if (attachment is null || !await db.Cases.VisibleTo(db, actor).AnyAsync(c => c.Id == attachment.CaseId, ct))
        {
            return null;
        }

        return (attachment, store.Open(attachment.Sha256));
    }
}
