using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Email;

/// <summary>An inbound message as the case timeline shows it: sanitised HTML, the quoted history apart (null: none).</summary>
public sealed record EmailBodyDto(Guid TimelineEntryId, string Html, string? QuotedHtml);

/// <summary>
/// The display bodies of a case's inbound emails, keyed by their timeline entry: the stored sanitised HTML (or the
/// plain text rendered as HTML) split by <see cref="QuoteSplitter"/> into the new text and the quoted history.
/// </summary>
public sealed class EmailBodies(IDbContextFactory<PishkhanDbContext> dbFactory)
{
    public async Task<Outcome<IReadOnlyList<EmailBodyDto>>> ForCaseAsync(Guid caseId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Cases.VisibleTo(db, actor).AnyAsync(c => c.Id == caseId, ct))
        {
            return new Outcome<IReadOnlyList<EmailBodyDto>>.NotFound();
        }

        var rows = await db.Set<EmailMessage>().AsNoTracking()
            .Where(m => m.CaseId == caseId && m.Direction == EmailDirection.Inbound && m.TimelineEntryId != null && m.Html != null)
            .OrderBy(m => m.CreatedAt).Select(m => new { m.TimelineEntryId, m.Html }).ToListAsync(ct);
        return rows.Select(r =>
        {
            var split = QuoteSplitter.SplitHtml(r.Html!);
            return new EmailBodyDto(r.TimelineEntryId!.Value, split.New, split.Quoted);
        }).ToList();
    }
}
