using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Knowledge;

/// <summary>One line of a diff: kept, added (only in the newer version) or removed (only in the older).</summary>
public sealed record DiffLine(DiffKind Kind, string Text);

public enum DiffKind
{
    Same,
    Added,
    Removed,
}

public sealed record VersionDiff(int From, int To, IReadOnlyList<DiffLine> Title, IReadOnlyList<DiffLine> Summary, IReadOnlyList<DiffLine> Body);

/// <summary>An article's versions: list, read, compare two, restore one (which saves it as a new version).</summary>
public sealed class ArticleVersions(IDbContextFactory<PishkhanDbContext> dbFactory, KnowledgeIndex index, TimeProvider clock)
{
    public async Task<IReadOnlyList<ArticleVersionSummary>?> ListAsync(Guid articleId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Articles.AnyAsync(a => a.Id == articleId, ct))
        {
            return null;
        }

        return await db.ArticleVersions.AsNoTracking().Where(v => v.ArticleId == articleId).OrderByDescending(v => v.Number)
            .Select(v => new ArticleVersionSummary(v.Id, v.Number, v.Title, v.Status, v.Note, v.AuthorName, v.CreatedAt)).ToListAsync(ct);
    }

    public async Task<ArticleVersionDto?> GetAsync(Guid articleId, int number, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var v = await db.ArticleVersions.AsNoTracking().FirstOrDefaultAsync(v => v.ArticleId == articleId && v.Number == number, ct);
        return v is null ? null : new ArticleVersionDto(v.Id, v.Number, v.Title, v.Summary, v.Body, v.Tags, v.Status, v.Note, v.AuthorName, v.CreatedAt);
    }

    public async Task<Outcome<VersionDiff>> DiffAsync(Guid articleId, int from, int to, CancellationToken ct = default)
    {
        var older = await GetAsync(articleId, from, ct);
        var newer = await GetAsync(articleId, to, ct);
        var errors = new FieldErrors();
        if (older is null)
        {
            errors.Add("from", $"The article has no version {from}.");
        }

        if (newer is null)
        {
            errors.Add("to", $"The article has no version {to}.");
        }

        if (errors.Any)
        {
            return await ListAsync(articleId, ct) is null ? new Outcome<VersionDiff>.NotFound() : errors;
        }

        return new VersionDiff(from, to, TextDiff.Lines(older!.Title, newer!.Title), TextDiff.Lines(older.Summary, newer.Summary), TextDiff.Lines(older.Body, newer.Body));
    }

    public async Task<Outcome<ArticleDto>> RestoreAsync(Guid articleId, int number, int? version, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var article = await db.Articles.FirstOrDefaultAsync(a => a.Id == articleId, ct);
        if (article is null || !actor.Can(Scopes.KbWrite))
        {
            return new Outcome<ArticleDto>.NotFound();
        }

        var snapshot = await db.ArticleVersions.AsNoTracking().FirstOrDefaultAsync(v => v.ArticleId == articleId && v.Number == number, ct);
        var errors = new FieldErrors();
        if (snapshot is null)
        {
            errors.Add("number", $"The article has no version {number}.");
        }

        if (version is null)
        {
            errors.Add("version", "'version' is required: send the version you last read.");
        }

        if (errors.Any)
        {
            return errors;
        }

        if (article.Version != version)
        {
            return new Outcome<ArticleDto>.Conflict($"Article '{article.Title}' was changed by someone else (your version {version}, current {article.Version}). Reload it.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        article.Title = snapshot!.Title;
        article.Summary = snapshot.Summary;
        article.Body = snapshot.Body;
        article.Tags = [.. snapshot.Tags];
        article.UpdatedAt = now;
        article.SearchChangedAt = now;
        article.Version++;
        await SaveArticle.AddVersionAsync(db, article, actor, $"Restored version {number}", now, ct);
        return await SaveArticle.CommitAsync(db, article, index, ct);
    }
}

/// <summary>A line diff by longest common subsequence; articles are short enough for the quadratic table.</summary>
public static class TextDiff
{
    private const int MaxLines = 4000;

    public static IReadOnlyList<DiffLine> Lines(string older, string newer)
    {
        var a = older.ReplaceLineEndings("\n").Split('\n');
        var b = newer.ReplaceLineEndings("\n").Split('\n');
        if (a.Length > MaxLines || b.Length > MaxLines)
        {
            return [.. a.Select(l => new DiffLine(DiffKind.Removed, l)), .. b.Select(l => new DiffLine(DiffKind.Added, l))];
        }

        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var lines = new List<DiffLine>();
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y])
            {
                lines.Add(new DiffLine(DiffKind.Same, a[x++]));
                y++;
            }
            else if (lcs[x + 1, y] >= lcs[x, y + 1])
            {
                lines.Add(new DiffLine(DiffKind.Removed, a[x++]));
            }
            else
            {
                lines.Add(new DiffLine(DiffKind.Added, b[y++]));
            }
        }

        lines.AddRange(a[x..].Select(l => new DiffLine(DiffKind.Removed, l)));
        lines.AddRange(b[y..].Select(l => new DiffLine(DiffKind.Added, l)));
        return lines;
    }
}
