using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Knowledge;

public sealed record ArticleListFilter(
    ArticleStatus? Status = null, string? Language = null, Guid? CategoryId = null, ArticleVisibility? Visibility = null,
    Guid? OwnerId = null, bool ReviewDue = false, int Page = 1, int PageSize = Paging.DefaultPageSize);

/// <summary>Reads articles for staff (any status) and the public (published and public only), and counts views.</summary>
public sealed class GetArticles(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock)
{
    public async Task<ArticleDto?> ByIdAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        if (!actor.Can(Scopes.KbRead))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var article = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        return article is null ? null : ArticleDto.From(article, await TranslationsAsync(db, article, ct));
    }

    /// <summary>A published public article by its slug, for customers and the public pages; counts the view.</summary>
    public async Task<ArticleDto?> PublicBySlugAsync(string slug, bool countView, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var article = await db.Articles.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Slug == slug && a.Status == ArticleStatus.Published && a.Visibility == ArticleVisibility.Public, ct);
        if (article is null)
        {
            return null;
        }

        if (countView)
        {
            await CountViewAsync(db, article.Id, ct);
            article.ViewCount++;
        }

        var translations = (await TranslationsAsync(db, article, ct)).Where(t => t.Status == ArticleStatus.Published).ToList();
        return ArticleDto.From(article, translations);
    }

    public async Task CountViewAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await CountViewAsync(db, id, ct);
    }

    public async Task<Outcome<PagedResult<ArticleListItem>>> ListAsync(ArticleListFilter filter, Actor actor, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        Paging.Validate(errors, filter.Page, filter.PageSize);
        if (filter.Language is not null && !ArticleRules.Languages.Contains(filter.Language))
        {
            errors.Add("language", "'language' must be 'fa' or 'en'.");
        }

        if (errors.Any)
        {
            return errors;
        }

        if (!actor.Can(Scopes.KbRead))
        {
            return new PagedResult<ArticleListItem>([], 0, filter.Page, filter.PageSize);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Articles.AsNoTracking();
        if (filter.Status is { } status)
        {
            query = query.Where(a => a.Status == status);
        }

        if (filter.Language is { } language)
        {
            query = query.Where(a => a.Language == language);
        }

        if (filter.CategoryId is { } category)
        {
            var paths = await Search.CategoryPaths.LoadAsync(db, ct);
            var all = await db.KbCategories.AsNoTracking().Select(c => c.Id).ToListAsync(ct);
            var subtree = all.Where(c => paths.PathOf(c).Contains(category)).ToList();
            query = query.Where(a => a.CategoryId != null && subtree.Contains(a.CategoryId.Value));
        }

        if (filter.Visibility is { } visibility)
        {
            query = query.Where(a => a.Visibility == visibility);
        }

        if (filter.OwnerId is { } owner)
        {
            query = query.Where(a => a.OwnerId == owner);
        }

        if (filter.ReviewDue)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            query = query.Where(a => a.NextReviewAt != null && a.NextReviewAt <= now && a.Status != ArticleStatus.Archived);
        }

        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(a => a.UpdatedAt).Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize)
            .Select(a => new ArticleListItem(a.Id, a.Slug, a.Title, a.Summary, a.Language, a.Status, a.Visibility, a.CategoryId, a.OwnerId, a.UpdatedAt,
                a.NextReviewAt, a.PublishAt, a.ViewCount, a.HelpfulCount, a.NotHelpfulCount, a.Version))
            .ToListAsync(ct);
        return new PagedResult<ArticleListItem>(items, total, filter.Page, filter.PageSize);
    }

    /// <summary>Published public articles for the sitemap: slug and last change.</summary>
    public async Task<IReadOnlyList<(string Slug, DateTime UpdatedAt, string Language)>> PublicIndexAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Articles.AsNoTracking().Where(a => a.Status == ArticleStatus.Published && a.Visibility == ArticleVisibility.Public)
            .OrderBy(a => a.Slug).Select(a => new { a.Slug, a.UpdatedAt, a.Language }).ToListAsync(ct);
        return rows.Select(r => (r.Slug, r.UpdatedAt, r.Language)).ToList();
    }

    internal static async Task<IReadOnlyList<TranslationRef>> TranslationsAsync(PishkhanDbContext db, Article article, CancellationToken ct) =>
        await db.Articles.AsNoTracking().Where(a => a.TranslationGroupId == article.TranslationGroupId && a.Id != article.Id)
            .Select(a => new TranslationRef(a.Id, a.Language, a.Title, a.Slug, a.Status)).ToListAsync(ct);

    private static Task<int> CountViewAsync(PishkhanDbContext db, Guid id, CancellationToken ct) =>
        db.Articles.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.ViewCount, a => a.ViewCount + 1), ct);
}
