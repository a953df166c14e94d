using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Cases;

/// <summary>A public reply to the customer or an internal note, with files uploaded beforehand.</summary>
public sealed record CaseMessageRequest(string? Body, List<Guid>? AttachmentIds = null);

/// <summary>
/// Adds a reply or a note. The first public agent reply stamps <see cref="Case.FirstResponseAt"/>; notes never do.
/// </summary>
public sealed class AddCaseMessage(IDbContextFactory<PishkhanDbContext> dbFactory, SlaEngine sla, TimeProvider clock, Email.EmailOutbox outbox)
{
    public async Task<Outcome<TimelineEntryDto>> HandleAsync(Guid caseId, CaseMessageRequest request, bool isPublicReply, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var entity = await db.Cases.VisibleTo(db, actor).FirstOrDefaultAsync(c => c.Id == caseId, ct);
        if (entity is null)
        {
            return new Outcome<TimelineEntryDto>.NotFound();
        }

        var errors = new FieldErrors();
        var attachmentIds = request.AttachmentIds ?? [];
        var attachments = attachmentIds.Count == 0
            ? []
            : await db.Attachments.Where(a => attachmentIds.Contains(a.Id) && a.CaseId == caseId && a.TimelineEntryId == null).ToListAsync(ct);
        if (string.IsNullOrWhiteSpace(request.Body) && attachmentIds.Count == 0)
        {
            errors.Add("body", "'body' is required (or attach a file).");
        }

        errors.MaxLength("body", request.Body, CaseRules.BodyMaxLength);
        foreach (var missing in attachmentIds.Except(attachments.Select(a => a.Id)))
        {
            errors.Add("attachmentIds", $"'{missing}' is not an unused file uploaded to this case.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var entry = new TimelineEntry
        {
            CaseId = caseId,
            Kind = isPublicReply ? TimelineKind.OutboundMessage : TimelineKind.Note,
            IsPublic = isPublicReply,
            Body = request.Body?.Trim() ?? "",
            AuthorUserId = actor.UserId,
            AuthorName = actor.Name,
            CreatedAt = now,
        };
        entry.Attachments.AddRange(attachments);
        db.TimelineEntries.Add(entry);
        if (isPublicReply && entity.FirstResponseAt is null)
        {
            entity.FirstResponseAt = now;
        }

        entity.UpdatedAt = now;
        entity.Version++;
        if (isPublicReply)
        {
            // A public reply fulfils response metrics; a note never changes a clock.
            await sla.ApplyAsync(db, entity, now, ct: ct);
            // On an email case the reply also goes out: its outbox row is saved with it.
            await outbox.OnPublicReplyAsync(db, entity, entry, actor, ct);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (SlaWriteConflict.IsConflict(e))
        {
            // The case moved on while this message was being saved (another edit, or another writer's SLA timers first).
            return new Outcome<TimelineEntryDto>.Conflict($"Case {entity.Number} was changed by someone else while you were saving. Reload it and send the message again.");
        }

        return GetCase.ToDto(entry);
    }
}
