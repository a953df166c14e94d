using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Routing;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Caching;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Triage;

/// <summary>
/// Categorisation rules: list, create, replace, delete (admins), and the compiled active rules intake runs. The
/// compiled list is cached and rebuilt after a change here, or after a few seconds for changes made on another node.
/// </summary>
public sealed class CategorisationRules(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private readonly CachedValue<IReadOnlyList<CompiledCategorisationRule>> _active = new(CacheFor, clock);

    public Task<IReadOnlyList<CompiledCategorisationRule>> ActiveAsync(PishkhanDbContext db, CancellationToken ct = default) =>
        _active.GetAsync(token => LoadActiveAsync(db, token), ct);

    private static async Task<IReadOnlyList<CompiledCategorisationRule>> LoadActiveAsync(PishkhanDbContext db, CancellationToken ct)
    {
        var rules = await db.CategorisationRules.AsNoTracking().Where(r => r.IsActive).OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
        var known = await KnownAsync(db, ct);
        var compiled = new List<CompiledCategorisationRule>();
        foreach (var rule in rules)
        {
            // A rule that no longer compiles (its category was removed) is skipped rather than stopping intake.
            if (Categoriser.Compile(RequestOf(rule), rule.Id, known, new FieldErrors()) is { } ok)
            {
                compiled.Add(ok);
            }
        }

        return compiled;
    }

    public async Task<IReadOnlyList<CategorisationRuleDto>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rules = await db.CategorisationRules.AsNoTracking().OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
        return rules.Select(ToDto).ToList();
    }

    public async Task<Outcome<CategorisationRuleDto>> SaveAsync(Guid? id, CategorisationRuleRequest request, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        CategorisationRule? rule = null;
        if (id is { } existing && (rule = await db.CategorisationRules.FirstOrDefaultAsync(r => r.Id == existing, ct)) is null)
        {
            return new Outcome<CategorisationRuleDto>.NotFound();
        }

        var errors = new FieldErrors();
        Categoriser.Compile(request, id ?? Guid.Empty, await KnownAsync(db, ct), errors);
        if (rule is not null && request.Version is null)
        {
            errors.Add("version", "'version' is required when changing a rule.");
        }

        if (errors.Any)
        {
            return errors;
        }

        if (rule is not null && rule.Version != request.Version)
        {
            return new Outcome<CategorisationRuleDto>.Conflict($"Rule '{rule.Name}' was changed by someone else (your version {request.Version}, current {rule.Version}).");
        }

        if (rule is null)
        {
            rule = new CategorisationRule
            {
                Name = "",
                Position = request.Position ?? (await db.CategorisationRules.MaxAsync(r => (int?)r.Position, ct) ?? 0) + 10,
            };
            db.CategorisationRules.Add(rule);
        }
        else
        {
            rule.Version++;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        rule.Name = request.Name!.Trim();
        rule.Position = request.Position ?? rule.Position;
        rule.IsActive = request.IsActive;
        rule.Conditions = request.Conditions!.Select(c => c with { Field = c.Field.Trim(), Operator = c.Operator.Trim() }).ToList();
        rule.SetCategoryId = request.SetCategoryId;
        rule.SetProduct = string.IsNullOrWhiteSpace(request.SetProduct) ? null : request.SetProduct.Trim();
        rule.AddTags = Cases.CaseRules.CleanTags(request.AddTags ?? []);
        rule.UpdatedAt = now.AddTicks(-(now.Ticks % 10));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Outcome<CategorisationRuleDto>.Conflict($"Rule '{rule.Name}' was changed by someone else while you were saving.");
        }

        _active.Forget();
        return ToDto(rule);
    }

    public async Task<bool> DeleteAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var rule = await db.CategorisationRules.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return false;
        }

        db.CategorisationRules.Remove(rule);
        await db.SaveChangesAsync(ct);
        _active.Forget();
        return true;
    }

    private static async Task<KnownReferences> KnownAsync(PishkhanDbContext db, CancellationToken ct) => new(
        (await db.Categories.Select(c => c.Id).ToListAsync(ct)).ToHashSet(),
        (await db.Teams.Select(t => t.Id).ToListAsync(ct)).ToHashSet());

    private static CategorisationRuleRequest RequestOf(CategorisationRule r) =>
        new(r.Name, r.Position, r.Conditions, r.SetCategoryId, r.SetProduct, r.AddTags, r.IsActive, r.Version);

    private static CategorisationRuleDto ToDto(CategorisationRule r) =>
        new(r.Id, r.Name, r.Position, r.IsActive, r.Conditions, r.SetCategoryId, r.SetProduct, r.AddTags, r.Version);
}
