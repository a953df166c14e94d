using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Auditing;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Cases;

/// <summary>Reads one case (by id or number), its timeline and its audit history, for those who may see it.</summary>
public sealed class GetCase(IDbContextFactory<PishkhanDbContext> dbFactory)
{
    public async Task<CaseDto?> ByIdAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Cases.AsNoTracking().VisibleTo(db, actor).Where(c => c.Id == id).Select(CaseDto.Projection).FirstOrDefaultAsync(ct);
    }

    public async Task<CaseDto?> ByNumberAsync(string number, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Cases.AsNoTracking().VisibleTo(db, actor).Where(c => c.Number == number).Select(CaseDto.Projection).FirstOrDefaultAsync(ct);
    }

    /// <summary>The timeline, oldest first; null when the case is not visible.</summary>
    public async Task<IReadOnlyList<TimelineEntryDto>?> TimelineAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Cases.VisibleTo(db, actor).AnyAsync(c => c.Id == id, ct))
        {
            return null;
        }

        var entries = await db.TimelineEntries.AsNoTracking().Include(t => t.Attachments)
            .Where(t => t.CaseId == id).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).ToListAsync(ct);
        return entries.Select(ToDto).ToList();
    }

    /// <summary>The audit history, newest first; null when the case is not visible.</summary>
    public async Task<IReadOnlyList<AuditEntryDto>?> AuditAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Cases.VisibleTo(db, actor).AnyAsync(c => c.Id == id, ct))
        {
            return null;
        }

        return await AuditQueries.ForAsync(db, nameof(Case), id, ct);
    }

    internal static TimelineEntryDto ToDto(TimelineEntry t) => new(
        t.Id,
        t.Kind,
        t.IsPublic,
        t.Body,
        t.AuthorName,
        t.AuthorUserId,
        t.AuthorContactId,
        t.Field,
        t.OldValue,
        t.NewValue,
        t.CreatedAt,
        t.Attachments.Select(a => new AttachmentDto(a.Id, a.FileName, a.ContentType, a.Size, a.CreatedAt)).ToList());
}
