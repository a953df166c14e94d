using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Knowledge;

public sealed record GapCategory(Guid? CategoryId, string Category, int Cases);

public sealed record GapTerm(string Term, int Cases);

public sealed record WeakArticle(Guid Id, string Title, int ViewCount, int HelpfulCount, int NotHelpfulCount, string Reason);

public sealed record KnowledgeGaps(int Days, int CasesWithoutArticle, int CasesWithUnhelpfulArticles, IReadOnlyList<GapCategory> Categories, IReadOnlyList<GapTerm> Terms, IReadOnlyList<WeakArticle> Articles);

/// <summary>
/// Where the knowledge base falls short: recent cases that no article was linked to,
/// or whose linked articles are all rated unhelpful (counted by case category, with their most frequent words), and
/// articles rated unhelpful or never viewed.
/// </summary>
public sealed class KnowledgeGapReport(IDbContextFactory<PishkhanDbContext> dbFactory, KnowledgeIndex index, TimeProvider clock)
{
    private const int MaxCases = 2000;

    public async Task<KnowledgeGaps> BuildAsync(int days, CancellationToken ct = default)
    {
        days = Math.Clamp(days, 1, 365);
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-days);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cases = await db.Cases.AsNoTracking().Where(c => c.CreatedAt >= since && !db.ArticleCaseLinks.Any(l => l.CaseId == c.Id))
            .OrderByDescending(c => c.CreatedAt).Take(MaxCases)
            .Select(c => new { c.Subject, c.Description, c.CategoryId, Category = c.Category == null ? null : c.Category.Name })
            .ToListAsync(ct);
        // A case "found" an article when an agent linked one to it; search scores alone cannot tell an answer from a
        // shared word, so every unlinked case counts.
        var unanswered = cases.ToList();

        // Cases that were answered only by articles readers rate unhelpful (more "not helpful" than "helpful" votes).
        var unhelpful = db.Articles.Where(a => a.NotHelpfulCount > a.HelpfulCount).Select(a => a.Id);
        var poorlyAnswered = await db.Cases.AsNoTracking().Where(c => c.CreatedAt >= since
                && db.ArticleCaseLinks.Any(l => l.CaseId == c.Id)
                && !db.ArticleCaseLinks.Any(l => l.CaseId == c.Id && !unhelpful.Contains(l.ArticleId)))
            .OrderByDescending(c => c.CreatedAt).Take(MaxCases)
            .Select(c => new { c.Subject, c.Description, c.CategoryId, Category = c.Category == null ? null : c.Category.Name })
            .ToListAsync(ct);
        var withoutArticle = unanswered.Count;
        unanswered.AddRange(poorlyAnswered);
        var categories = unanswered.GroupBy(c => (c.CategoryId, c.Category)).Select(g => new GapCategory(g.Key.CategoryId, g.Key.Category ?? "—", g.Count()))
            .OrderByDescending(g => g.Cases).Take(20).ToList();
        var terms = unanswered.SelectMany(c => index.Engine.Analyzer.Terms(c.Subject).Distinct()).Where(t => t.Length > 2)
            .GroupBy(t => t).Select(g => new GapTerm(g.Key, g.Count())).OrderByDescending(t => t.Cases).ThenBy(t => t.Term, StringComparer.Ordinal).Take(30).ToList();

        var weak = await db.Articles.AsNoTracking().Where(a => a.Status == ArticleStatus.Published
                && (a.ViewCount == 0 || (a.NotHelpfulCount >= 3 && a.NotHelpfulCount > a.HelpfulCount)))
            .OrderByDescending(a => a.NotHelpfulCount).Take(50)
            .Select(a => new WeakArticle(a.Id, a.Title, a.ViewCount, a.HelpfulCount, a.NotHelpfulCount, a.ViewCount == 0 ? "never viewed" : "rated unhelpful"))
            .ToListAsync(ct);
        return new KnowledgeGaps(days, withoutArticle, poorlyAnswered.Count, categories, terms, weak);
    }
}
