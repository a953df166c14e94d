using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Knowledge;

public sealed record SearchRequest(string? Q, string? Language = null, Guid? CategoryId = null, ArticleVisibility? Visibility = null, ArticleStatus? Status = null, int Page = 1, int PageSize = 10);

/// <summary>
/// Search for staff (published articles by default, any status on request) and for the public (published public
/// articles only, whatever was asked), and suggestions for a case from its subject and description.
/// </summary>
public sealed class SearchArticles(IDbContextFactory<PishkhanDbContext> dbFactory, KnowledgeIndex index)
{
    public const int MaxQueryLength = 500;

    public Outcome<KnowledgeResults> Search(SearchRequest request, Actor? actor)
    {
        var errors = new FieldErrors();
        errors.Required("q", request.Q);
        errors.MaxLength("q", request.Q, MaxQueryLength);
        Paging.Validate(errors, request.Page, request.PageSize);
        if (request.PageSize > 50)
        {
            errors.Add("pageSize", "'pageSize' is at most 50 for search.");
        }

        if (request.Language is not null && !ArticleRules.Languages.Contains(request.Language))
        {
            errors.Add("language", "'language' must be 'fa' or 'en'.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var staff = actor is not null && actor.Can(Scopes.KbRead);
        return index.Engine.Search(new KnowledgeQuery(
            request.Q!, request.Language, request.CategoryId,
            staff ? request.Visibility : ArticleVisibility.Public,
            staff ? request.Status ?? ArticleStatus.Published : ArticleStatus.Published,
            PublishedPublicOnly: !staff,
            Page: request.Page,
            PageSize: request.PageSize));
    }

    /// <summary>Published articles for a case, from its subject and description; those already linked are left out.</summary>
    public async Task<IReadOnlyList<KnowledgeHit>?> SuggestForCaseAsync(Guid caseId, Actor actor, int count = 5, CancellationToken ct = default)
    {
        if (!actor.Can(Scopes.KbRead))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var theCase = await db.Cases.AsNoTracking().VisibleTo(db, actor).Where(c => c.Id == caseId).Select(c => new { c.Subject, c.Description }).FirstOrDefaultAsync(ct);
        if (theCase is null)
        {
            return null;
        }

        var linked = await db.ArticleCaseLinks.AsNoTracking().Where(l => l.CaseId == caseId).Select(l => l.ArticleId).ToListAsync(ct);
        var text = theCase.Subject + " " + theCase.Subject + " " + (theCase.Description.Length > 2000 ? theCase.Description[..2000] : theCase.Description);
        return index.Engine.Search(new KnowledgeQuery(text, PageSize: Math.Clamp(count, 1, 20), Exclude: linked)).Hits;
    }
}
