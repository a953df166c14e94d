using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Knowledge;

public sealed record GapCategory(Guid? CategoryId, string Category, int Cases);

public sealed record GapTerm(string Term, int Cases);

public sealed record WeakArticle(Guid Id, string Title, int ViewCount, int HelpfulCount, int NotHelpfulCount, string Reason);

public sealed record KnowledgeGaps(int Days, int CasesWithoutArticle, IReadOnlyList<GapCategory> Categories, IReadOnlyList<GapTerm> Terms, IReadOnlyList<WeakArticle> Articles);

/// <summary>
/// Where the knowledge base falls short: recent cases that no article was linked to and no published article matches
/// (counted by case category, with their most frequent words), and articles rated unhelpful or never viewed.
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
        var unanswered = cases.Where(c => index.Engine.Search(new KnowledgeQuery(c.Subject + " " + c.Description, PageSize: 1)).Hits is not { Count: > 0 } hits || hits[0].Score < 1f).ToList();
        var categories = unanswered.GroupBy(c => (c.CategoryId, c.Category)).Select(g => new GapCategory(g.Key.CategoryId, g.Key.Category ?? "—", g.Count()))
            .OrderByDescending(g => g.Cases).Take(20).ToList();
        var terms = unanswered.SelectMany(c => index.Engine.Analyzer.Terms(c.Subject).Distinct()).Where(t => t.Length > 2)
            .GroupBy(t => t).Select(g => new GapTerm(g.Key, g.Count())).OrderByDescending(t => t.Cases).ThenBy(t => t.Term, StringComparer.Ordinal).Take(30).ToList();

        var weak = await db.Articles.AsNoTracking().Where(a => a.Status == ArticleStatus.Published
                && (a.ViewCount == 0 || (a.NotHelpfulCount >= 3 && a.NotHelpfulCount > a.HelpfulCount)))
            .OrderByDescending(a => a.NotHelpfulCount).Take(50)
            .Select(a => new WeakArticle(a.Id, a.Title, a.ViewCount, a.HelpfulCount, a.NotHelpfulCount, a.ViewCount == 0 ? "never viewed" : "rated unhelpful"))
            .ToListAsync(ct);
        return new KnowledgeGaps(days, unanswered.Count, categories, terms, weak);
    }
}
