using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Knowledge;

/// <summary>The knowledge-base category tree: list (depth-first, with depth), create, rename or move, delete when empty.</summary>
public sealed class KbCategories(IDbContextFactory<PishkhanDbContext> dbFactory, KnowledgeIndex index)
{
    public async Task<IReadOnlyList<KbCategoryDto>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var all = await db.KbCategories.AsNoTracking().ToListAsync(ct);
        var result = new List<KbCategoryDto>();
        void Walk(Guid? parent, int depth)
        {
            foreach (var c in all.Where(c => c.ParentId == parent).OrderBy(c => c.Position).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase))
            {
                result.Add(new KbCategoryDto(c.Id, c.Name, c.NameFa, c.ParentId, c.Position, depth));
                Walk(c.Id, depth + 1);
            }
        }

        Walk(null, 0);
        return result;
    }

    public async Task<Outcome<KbCategoryDto>> SaveAsync(Guid? id, KbCategoryRequest request, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        KbCategory? category = null;
        if (id is { } existing && (category = await db.KbCategories.FirstOrDefaultAsync(c => c.Id == existing, ct)) is null)
        {
            return new Outcome<KbCategoryDto>.NotFound();
        }

        var errors = new FieldErrors();
        errors.Required("name", request.Name);
        errors.MaxLength("name", request.Name?.Trim(), 200);
        errors.MaxLength("nameFa", request.NameFa?.Trim(), 200);
        if (request.ParentId is { } parent)
        {
            var paths = await CategoryPaths.LoadAsync(db, ct);
            if (!await db.KbCategories.AnyAsync(c => c.Id == parent, ct))
            {
                errors.Add("parentId", $"No knowledge-base category has id '{parent}'.");
            }
            else if (id is { } self && paths.PathOf(parent).Contains(self))
            {
                errors.Add("parentId", "A category cannot be moved under itself or one of its descendants.");
            }
        }

        if (errors.Any)
        {
            return errors;
        }

        category ??= db.KbCategories.Add(new KbCategory { Name = "" }).Entity;
        var moved = category.ParentId != request.ParentId;
        category.Name = request.Name!.Trim();
        category.NameFa = request.NameFa?.Trim() ?? "";
        category.ParentId = request.ParentId;
        category.Position = request.Position;
        await db.SaveChangesAsync(ct);
        if (moved && id is not null)
        {
            // The index holds each article's category path; articles below a moved category are reindexed.
            await index.RebuildAsync(null, ct);
        }

        return new KbCategoryDto(category.Id, category.Name, category.NameFa, category.ParentId, category.Position, 0);
    }

    public async Task<Outcome<Guid>> DeleteAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var category = await db.KbCategories.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (category is null)
        {
            return new Outcome<Guid>.NotFound();
        }

        if (await db.KbCategories.AnyAsync(c => c.ParentId == id, ct) || await db.Articles.AnyAsync(a => a.CategoryId == id, ct))
        {
            return new Outcome<Guid>.Conflict($"Category '{category.Name}' still holds categories or articles; move them first.");
        }

        db.KbCategories.Remove(category);
        await db.SaveChangesAsync(ct);
        return id;
    }
}
