using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Knowledge;

/// <summary>
/// Creates an article (a draft) or edits one with the version last read. Every save that changes content writes an
/// <see cref="ArticleVersion"/>. Editing a published article keeps it published: approval gates publishing, and the
/// versions show every later change.
/// </summary>
public sealed class SaveArticle(IDbContextFactory<PishkhanDbContext> dbFactory, KnowledgeIndex index, TimeProvider clock)
{
    public async Task<Outcome<ArticleDto>> SaveAsync(Guid? id, ArticleRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!actor.Can(Scopes.KbWrite))
        {
            return new Outcome<ArticleDto>.NotFound();
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        Article? article = null;
        if (id is { } existing && (article = await db.Articles.FirstOrDefaultAsync(a => a.Id == existing, ct)) is null)
        {
            return new Outcome<ArticleDto>.NotFound();
        }

        var errors = new FieldErrors();
        ArticleRules.Validate(errors, request);
        if (article is not null && request.Version is null)
        {
            errors.Add("version", "'version' is required: send the version you last read.");
        }

        if (request.CategoryId is { } category && !await db.KbCategories.AnyAsync(c => c.Id == category, ct))
        {
            errors.Add("categoryId", $"No knowledge-base category has id '{category}'.");
        }

        if (request.OwnerId is { } owner && !await db.Users.AnyAsync(u => u.Id == owner, ct))
        {
            errors.Add("ownerId", $"No user has id '{owner}'.");
        }

        Article? original = null;
        if (request.TranslationOf is { } of)
        {
            original = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == of, ct);
            if (original is null)
            {
                errors.Add("translationOf", $"No article has id '{of}'.");
            }
            else if (original.Language == (request.Language ?? article?.Language ?? "fa"))
            {
                errors.Add("translationOf", "A translation must be in another language than the article it translates.");
            }
        }

        var slug = string.IsNullOrWhiteSpace(request.Slug) ? null : request.Slug.Trim();
        if (slug is not null && await db.Articles.AnyAsync(a => a.Slug == slug && a.Id != (id ?? Guid.Empty), ct))
        {
            errors.Add("slug", $"Another article already has the slug '{slug}'.");
        }

        if (errors.Any)
        {
            return errors;
        }

        if (article is not null && article.Version != request.Version)
        {
            return new Outcome<ArticleDto>.Conflict(
                $"Article '{article.Title}' was changed by someone else (your version {request.Version}, current {article.Version}). Reload it and apply your change again.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var title = request.Title!.Trim();
        if (article is null)
        {
            article = new Article { Title = title, Slug = slug ?? await UniqueSlugAsync(db, ArticleRules.Slugify(title), ct), CreatedAt = now, OwnerId = request.OwnerId ?? actor.UserId };
            article.TranslationGroupId = original?.TranslationGroupId ?? article.Id;
            db.Articles.Add(article);
        }

        article.Title = title;
        article.Summary = request.Summary?.Trim() ?? article.Summary;
        article.Body = request.Body ?? article.Body;
        var clear = request.Clear ?? [];
        article.CategoryId = clear.Contains("categoryId") ? null : request.CategoryId ?? article.CategoryId;
        article.Tags = request.Tags?.Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList() ?? article.Tags;
        article.Language = request.Language ?? article.Language;
        article.Visibility = request.Visibility ?? article.Visibility;
        article.OwnerId = request.OwnerId ?? article.OwnerId;
        article.NextReviewAt = clear.Contains("nextReviewAt") ? null : request.NextReviewAt ?? article.NextReviewAt;
        article.Slug = slug ?? article.Slug;
        if (original is not null)
        {
            article.TranslationGroupId = original.TranslationGroupId;
        }

        var isNew = db.Entry(article).State == EntityState.Added;
        if (isNew || db.ChangeTracker.HasChanges())
        {
            article.UpdatedAt = now;
            article.SearchChangedAt = now;
            if (!isNew)
            {
                article.Version++;
            }

            await AddVersionAsync(db, article, actor, request.Note ?? (isNew ? "Created" : ""), now, ct);
        }

        try
        {
            return await CommitAsync(db, article, index, ct);
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
        {
            return new Outcome<ArticleDto>.Conflict($"Another article took the slug '{article.Slug}' just now; choose another.");
        }
    }

    /// <summary>
    /// Saves a changed article (its version row already added), brings this node's search index up to date and answers
    /// with the article; a concurrent change is a conflict that saves nothing.
    /// </summary>
    internal static async Task<Outcome<ArticleDto>> CommitAsync(PishkhanDbContext db, Article article, KnowledgeIndex index, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Outcome<ArticleDto>.Conflict($"Article '{article.Title}' was changed by someone else while you were saving. Reload it and apply your change again.");
        }

        await index.CatchUpAsync(ct);
        return ArticleDto.From(article, await GetArticles.TranslationsAsync(db, article, ct));
    }

    /// <summary>Snapshots the article as its next version (numbered 1, 2, …).</summary>
    internal static async Task AddVersionAsync(PishkhanDbContext db, Article article, Actor actor, string note, DateTime now, CancellationToken ct)
    {
        var last = await db.ArticleVersions.Where(v => v.ArticleId == article.Id).MaxAsync(v => (int?)v.Number, ct) ?? 0;
        db.ArticleVersions.Add(new ArticleVersion
        {
            ArticleId = article.Id,
            Number = last + 1,
            Title = article.Title,
            Summary = article.Summary,
            Body = article.Body,
            Tags = [.. article.Tags],
            Status = article.Status,
            Note = note.Length > 500 ? note[..500] : note,
            AuthorId = actor.UserId,
            AuthorName = actor.Name,
            CreatedAt = now,
        });
    }

    private static async Task<string> UniqueSlugAsync(PishkhanDbContext db, string slug, CancellationToken ct)
    {
        var taken = await db.Articles.Where(a => a.Slug == slug || a.Slug.StartsWith(slug + "-")).Select(a => a.Slug).ToListAsync(ct);
        if (!taken.Contains(slug))
        {
            return slug;
        }

        for (var n = 2; ; n++)
        {
            var candidate = $"{slug}-{n}";
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}
