using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Knowledge;

/// <summary>
/// Links an article to a case it answers, and lets the article learn the case's words: the subject and description,
/// normalised, are appended to <see cref="Article.LearnedTerms"/> (indexed with a lower boost), so later cases worded
/// like this one find the article even when it never uses those words.
/// </summary>
public sealed class LinkArticleToCase(IDbContextFactory<PishkhanDbContext> dbFactory, KnowledgeIndex index, TimeProvider clock)
{
    /// <summary>Learned text kept per article; the oldest words go first.</summary>
    public const int LearnedMaxLength = 4000;

    public async Task<Outcome<CaseLinkDto>> LinkAsync(Guid caseId, Guid articleId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var theCase = await db.Cases.AsNoTracking().VisibleTo(db, actor).FirstOrDefaultAsync(c => c.Id == caseId, ct);
        var article = await db.Articles.FirstOrDefaultAsync(a => a.Id == articleId, ct);
        if (theCase is null || !actor.Can(Scopes.KbRead) || !actor.Can(Scopes.CasesWrite))
        {
            return new Outcome<CaseLinkDto>.NotFound();
        }

        if (article is null)
        {
            var errors = new FieldErrors();
            errors.Add("articleId", $"No article has id '{articleId}'.");
            return errors;
        }

        var existing = await db.ArticleCaseLinks.AsNoTracking().FirstOrDefaultAsync(l => l.CaseId == caseId && l.ArticleId == articleId, ct);
        if (existing is not null)
        {
            return new CaseLinkDto(articleId, caseId, article.Title, article.Slug, existing.LinkedAt);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.ArticleCaseLinks.Add(new ArticleCaseLink { ArticleId = articleId, CaseId = caseId, LinkedAt = now, LinkedById = actor.UserId });
        article.LearnedTerms = Learn(article.LearnedTerms, theCase.Subject + " " + theCase.Description);
        article.SearchChangedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Linked by someone else at the same moment: the link exists, which is what was asked.
            return new CaseLinkDto(articleId, caseId, article.Title, article.Slug, now);
        }

        await index.CatchUpAsync(ct);
        return new CaseLinkDto(articleId, caseId, article.Title, article.Slug, now);
    }

    public async Task<bool> UnlinkAsync(Guid caseId, Guid articleId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Cases.VisibleTo(db, actor).AnyAsync(c => c.Id == caseId, ct))
        {
            return false;
        }

        return await db.ArticleCaseLinks.Where(l => l.CaseId == caseId && l.ArticleId == articleId).ExecuteDeleteAsync(ct) > 0;
    }

    public async Task<IReadOnlyList<CaseLinkDto>?> ForCaseAsync(Guid caseId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Cases.VisibleTo(db, actor).AnyAsync(c => c.Id == caseId, ct))
        {
            return null;
        }

        return await db.ArticleCaseLinks.AsNoTracking().Where(l => l.CaseId == caseId)
            .Join(db.Articles, l => l.ArticleId, a => a.Id, (l, a) => new CaseLinkDto(a.Id, l.CaseId, a.Title, a.Slug, l.LinkedAt))
            .ToListAsync(ct);
    }

    /// <summary>
    /// Appends a case's words to what an article learned, keeping the most recent <see cref="LearnedMaxLength"/> characters.
    /// Only whitespace is collapsed: ZWNJ stays, so the index's analyzer reads «کافه‌بازار» as the one word it is.
    /// </summary>
    public static string Learn(string learned, string caseText)
    {
        var words = string.Join(' ', caseText.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var combined = string.IsNullOrEmpty(learned) ? words : learned + " " + words;
        if (combined.Length <= LearnedMaxLength)
        {
            return combined;
        }

        var cut = combined.IndexOf(' ', combined.Length - LearnedMaxLength);
        return cut < 0 ? combined[^LearnedMaxLength..] : combined[(cut + 1)..];
    }
}
