using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Knowledge;

/// <summary>Admin-managed synonym groups. They expand queries, not the index, so a change applies to the next search.</summary>
public sealed class Synonyms(IDbContextFactory<PishkhanDbContext> dbFactory, KnowledgeIndex index, TimeProvider clock)
{
    public const int MaxTerms = 30;
    public const int TermMaxLength = 60;

    public async Task<IReadOnlyList<SynonymGroupDto>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await db.SynonymGroups.AsNoTracking().ToListAsync(ct);
        return groups.OrderBy(g => g.Terms.FirstOrDefault(), StringComparer.Ordinal).Select(g => new SynonymGroupDto(g.Id, g.Terms, g.UpdatedAt)).ToList();
    }

    public async Task<Outcome<SynonymGroupDto>> SaveAsync(Guid? id, SynonymGroupRequest request, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        SynonymGroup? group = null;
        if (id is { } existing && (group = await db.SynonymGroups.FirstOrDefaultAsync(g => g.Id == existing, ct)) is null)
        {
            return new Outcome<SynonymGroupDto>.NotFound();
        }

        var terms = request.Terms?.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList() ?? [];
        var errors = new FieldErrors();
        if (terms.Count < 2)
        {
            errors.Add("terms", "A synonym group needs at least two different terms.");
        }

        if (terms.Count > MaxTerms)
        {
            errors.Add("terms", $"At most {MaxTerms} terms in a group.");
        }

        if (terms.Any(t => t.Length > TermMaxLength))
        {
            errors.Add("terms", $"Each term has at most {TermMaxLength} characters.");
        }

        if (terms.Any(t => index.Engine.Analyzer.Terms(t).Count == 0))
        {
            errors.Add("terms", "Each term needs a word that search indexes (not only stop words or punctuation).");
        }

        if (errors.Any)
        {
            return errors;
        }

        group ??= db.SynonymGroups.Add(new SynonymGroup()).Entity;
        group.Terms = terms;
        group.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await index.ReloadSynonymsAsync(ct);
        return new SynonymGroupDto(group.Id, group.Terms, group.UpdatedAt);
    }

    public async Task<bool> DeleteAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var group = await db.SynonymGroups.FirstOrDefaultAsync(g => g.Id == id, ct);
        if (group is null)
        {
            return false;
        }

        db.SynonymGroups.Remove(group);
        await db.SaveChangesAsync(ct);
        await index.ReloadSynonymsAsync(ct);
        return true;
    }
}
