using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Knowledge;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Portal.Knowledge;

/// <summary>An article as a list shows it: one per translation group, in the reader's language where it has one.</summary>
public sealed record PortalArticleItem(Guid Id, string Title, string Summary, string Language, int ViewCount, int HelpfulCount);

public sealed record PortalCategory(Guid Id, string Name, Guid? ParentId, int Depth, int Articles);

public sealed record PortalKbOverview(IReadOnlyList<PortalCategory> Categories, IReadOnlyList<PortalArticleItem> MostHelpful, IReadOnlyList<PortalArticleItem> Popular);

public sealed record PortalCategoryPage(PortalCategory Category, IReadOnlyList<PortalCategory> Path, IReadOnlyList<PortalCategory> Children, IReadOnlyList<PortalArticleItem> Articles);

public sealed record PortalTranslation(Guid Id, string Language, string Title);

/// <summary>A published public article to read: its HTML is the sanitised rendering of its Markdown.</summary>
public sealed record PortalArticle(
    Guid Id, string Title, string Summary, string Html, string Language, PortalCategory? Category, DateTime UpdatedAt,
    int HelpfulCount, int NotHelpfulCount, IReadOnlyList<PortalTranslation> Translations);

/// <summary>A suggestion for the new-request form; <see cref="Snippet"/> is plain text.</summary>
public sealed record ArticleSuggestion(Guid Id, string Title, string Url, string Snippet);

/// <summary>
/// What the portal's public knowledge base reads: only published public articles, whoever asks (anonymous or a
/// signed-in customer). Where an article has a published public translation in the reader's language, that one is
/// shown; lists show each translation group once.
/// </summary>
public sealed partial class PortalArticles(IDbContextFactory<PishkhanDbContext> dbFactory, SearchArticles search)
{
    public const int ListSize = 5;
    public const int CategoryMax = 100;
    public const int SuggestCount = 5;
    public const int SuggestMaxLength = 300;

    public static string Url(Guid id) => $"/portal/kb/{id}";

    public async Task<PortalKbOverview> HomeAsync(string language, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var articles = PreferLanguage(await PublicRowsAsync(db, ct), language);
        var categories = await CategoriesAsync(db, articles, language, ct);
        var helpful = articles.Where(a => a.HelpfulCount > 0).OrderByDescending(a => a.HelpfulCount - a.NotHelpfulCount).ThenByDescending(a => a.HelpfulCount).ThenBy(a => a.Title)
            .Take(ListSize).Select(Item).ToList();
        var popular = articles.OrderByDescending(a => a.ViewCount).ThenBy(a => a.Title).Take(ListSize).Select(Item).ToList();
        return new PortalKbOverview(categories.Where(c => c.Articles > 0).ToList(), helpful, popular);
    }

    /// <summary>A category with its published public articles (including its subcategories'); null when there is no such category.</summary>
    public async Task<PortalCategoryPage?> CategoryAsync(Guid id, string language, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var articles = PreferLanguage(await PublicRowsAsync(db, ct), language);
        var categories = await CategoriesAsync(db, articles, language, ct);
        if (categories.FirstOrDefault(c => c.Id == id) is not { } category)
        {
            return null;
        }

        var paths = await CategoryPaths.LoadAsync(db, ct);
        var inside = articles.Where(a => paths.PathOf(a.CategoryId).Contains(id))
            .OrderByDescending(a => a.CategoryId == id).ThenByDescending(a => a.HelpfulCount).ThenBy(a => a.Title).Take(CategoryMax).Select(Item).ToList();
        var path = paths.PathOf(id).Reverse().Select(p => categories.First(c => c.Id == p)).ToList();
        return new PortalCategoryPage(category, path, categories.Where(c => c.ParentId == id && c.Articles > 0).ToList(), inside);
    }

    /// <summary>
    /// A published public article, or its published public translation in <paramref name="language"/> when there is
    /// one; null for anything else (internal, draft, in review, archived, unknown). Counts a view when asked.
    /// </summary>
    public async Task<PortalArticle?> ReadAsync(Guid id, string language, bool countView, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var article = await Public(db).FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null)
        {
            return null;
        }

        var group = await Public(db).Where(a => a.TranslationGroupId == article.TranslationGroupId && a.Id != article.Id).ToListAsync(ct);
        if (article.Language != language && group.FirstOrDefault(a => a.Language == language) is { } translated)
        {
            group.Remove(translated);
            group.Add(article);
            article = translated;
        }

        if (countView)
        {
            await db.Articles.Where(a => a.Id == article.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.ViewCount, a => a.ViewCount + 1), ct);
        }

        PortalCategory? category = null;
        if (article.CategoryId is { } categoryId && await db.KbCategories.AsNoTracking().FirstOrDefaultAsync(c => c.Id == categoryId, ct) is { } c)
        {
            category = new PortalCategory(c.Id, NameOf(c.Name, c.NameFa, language), c.ParentId, 0, 0);
        }

        return new PortalArticle(article.Id, article.Title, article.Summary, ArticleRules.RenderHtml(article.Body), article.Language, category, article.UpdatedAt,
            article.HelpfulCount, article.NotHelpfulCount, group.Where(g => g.Language != article.Language).Select(g => new PortalTranslation(g.Id, g.Language, g.Title)).ToList());
    }

    /// <summary>Public search with highlighted title and snippet (HTML-encoded, matches in &lt;mark&gt;).</summary>
    public Outcome<KnowledgeResults> Search(string? q, int page, int pageSize = 10) =>
        search.Search(new SearchRequest(q, Page: page, PageSize: pageSize), null);

    /// <summary>Up to five public articles for what a customer is typing; an empty text gives none.</summary>
    public Outcome<IReadOnlyList<ArticleSuggestion>> Suggest(string? q)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            return Array.Empty<ArticleSuggestion>();
        }

        if (q.Length > SuggestMaxLength)
        {
            var errors = new FieldErrors();
            errors.MaxLength("q", q, SuggestMaxLength);
            return errors;
        }

        return search.Search(new SearchRequest(q, PageSize: SuggestCount), null) switch
        {
            Outcome<KnowledgeResults>.Ok ok => ok.Value.Hits.Select(h => new ArticleSuggestion(h.Id, h.Title, Url(h.Id), PlainSnippet(h.Snippet))).ToList(),
            Outcome<KnowledgeResults>.Invalid invalid => new Outcome<IReadOnlyList<ArticleSuggestion>>.Invalid(invalid.Errors),
            _ => Array.Empty<ArticleSuggestion>(),
        };
    }

    internal static string PlainSnippet(string html) => WebUtility.HtmlDecode(Tags().Replace(html, ""));

    private static IQueryable<Article> Public(PishkhanDbContext db) =>
        db.Articles.AsNoTracking().Where(a => a.Status == ArticleStatus.Published && a.Visibility == ArticleVisibility.Public);

    private sealed record Row(Guid Id, Guid TranslationGroupId, string Title, string Summary, string Language, Guid? CategoryId, int ViewCount, int HelpfulCount, int NotHelpfulCount);

    private static async Task<List<Row>> PublicRowsAsync(PishkhanDbContext db, CancellationToken ct) =>
        await Public(db).Select(a => new Row(a.Id, a.TranslationGroupId, a.Title, a.Summary, a.Language, a.CategoryId, a.ViewCount, a.HelpfulCount, a.NotHelpfulCount)).ToListAsync(ct);

    /// <summary>One article per translation group: the one in <paramref name="language"/> when there is one.</summary>
    private static List<Row> PreferLanguage(List<Row> rows, string language) =>
        rows.GroupBy(r => r.TranslationGroupId).Select(g => g.FirstOrDefault(r => r.Language == language) ?? g.OrderBy(r => r.Id).First()).ToList();

    private static async Task<List<PortalCategory>> CategoriesAsync(PishkhanDbContext db, List<Row> articles, string language, CancellationToken ct)
    {
        var all = await db.KbCategories.AsNoTracking().ToListAsync(ct);
        var paths = new CategoryPaths(all.ToDictionary(c => c.Id, c => c.ParentId));
        var counts = articles.SelectMany(a => paths.PathOf(a.CategoryId)).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        var result = new List<PortalCategory>();
        void Walk(Guid? parent, int depth)
        {
            foreach (var c in all.Where(c => c.ParentId == parent).OrderBy(c => c.Position).ThenBy(c => NameOf(c.Name, c.NameFa, language), StringComparer.CurrentCultureIgnoreCase))
            {
                result.Add(new PortalCategory(c.Id, NameOf(c.Name, c.NameFa, language), c.ParentId, depth, counts.GetValueOrDefault(c.Id)));
                Walk(c.Id, depth + 1);
            }
        }

        Walk(null, 0);
        return result;
    }

    private static string NameOf(string name, string nameFa, string language) => language == "fa" && nameFa.Length > 0 ? nameFa : name;

    private static PortalArticleItem Item(Row r) => new(r.Id, r.Title, r.Summary, r.Language, r.ViewCount, r.HelpfulCount);

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}
