using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Cases;

/// <summary>
/// The case list's filters. <see cref="Owner"/> is a user id, <c>me</c> or <c>none</c>; <see cref="Sort"/> is a field
/// name (<c>createdAt</c>, <c>updatedAt</c>, <c>priority</c>, <c>number</c>, <c>subject</c>), prefixed with <c>-</c>
/// for descending.
/// </summary>
public sealed record CaseQuery(
    Guid? StatusId = null,
    string? StatusCategory = null,
    Guid? TeamId = null,
    string? Owner = null,
    string? Priority = null,
    Guid? ContactId = null,
    Guid? AccountId = null,
    string? Q = null,
    string? Sort = null,
    int Page = 1,
    int PageSize = Paging.DefaultPageSize);

/// <summary>Lists the cases an actor may see; every filter and sort runs in SQL on an index.</summary>
public sealed class ListCases(IDbContextFactory<PishkhanDbContext> dbFactory)
{
    public static readonly IReadOnlyList<string> SortFields = ["createdAt", "updatedAt", "priority", "number", "subject"];

    public async Task<Outcome<PagedResult<CaseDto>>> HandleAsync(CaseQuery query, Actor actor, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        Paging.Validate(errors, query.Page, query.PageSize);
        StatusCategory? category = null;
        if (!string.IsNullOrWhiteSpace(query.StatusCategory))
        {
            if (CaseRules.TryParse<StatusCategory>(query.StatusCategory, out var parsed))
            {
                category = parsed;
            }
            else
            {
                errors.Add("statusCategory", $"Use one of: {CaseRules.Allowed<StatusCategory>()}.");
            }
        }

        Priority? priority = null;
        if (!string.IsNullOrWhiteSpace(query.Priority))
        {
            if (CaseRules.TryParse<Priority>(query.Priority, out var parsed))
            {
                priority = parsed;
            }
            else
            {
                errors.Add("priority", $"Use one of: {CaseRules.Allowed<Priority>()}.");
            }
        }

        Guid? ownerId = null;
        var unowned = false;
        switch (query.Owner)
        {
            case null or "":
                break;
            case "me":
                ownerId = actor.UserId ?? Guid.Empty;
                break;
            case "none":
                unowned = true;
                break;
            default:
                if (Guid.TryParse(query.Owner, out var id))
                {
                    ownerId = id;
                }
                else
                {
                    errors.Add("owner", "Use a user id, 'me' or 'none'.");
                }

                break;
        }

        var sort = string.IsNullOrWhiteSpace(query.Sort) ? "-createdAt" : query.Sort;
        if (!SortFields.Contains(sort.TrimStart('-')))
        {
            errors.Add("sort", $"Sort by one of: {string.Join(", ", SortFields)} (prefix '-' for descending).");
        }

        if (errors.Any)
        {
            return errors;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cases = db.Cases.AsNoTracking().VisibleTo(db, actor);
        if (query.StatusId is { } statusId)
        {
            cases = cases.Where(c => c.StatusId == statusId);
        }

        if (category is { } cat)
        {
            cases = cases.Where(c => c.Status!.Category == cat);
        }

        if (query.TeamId is { } teamId)
        {
            cases = cases.Where(c => c.TeamId == teamId);
        }

        if (ownerId is { } owner)
        {
            cases = cases.Where(c => c.OwnerId == owner);
        }

        if (unowned)
        {
            cases = cases.Where(c => c.OwnerId == null);
        }

        if (priority is { } p)
        {
            cases = cases.Where(c => c.Priority == p);
        }

        if (query.ContactId is { } contactId)
        {
            cases = cases.Where(c => c.ContactId == contactId);
        }

        if (query.AccountId is { } accountId)
        {
            cases = cases.Where(c => c.AccountId == accountId);
        }

        var text = PersianText.NormalizeForSearch(query.Q);
        if (text.Length > 0)
        {
            cases = cases.Where(c => c.SearchText.Contains(text));
        }

        var descending = sort.StartsWith('-');
        cases = sort.TrimStart('-') switch
        {
            "updatedAt" => descending ? cases.OrderByDescending(c => c.UpdatedAt) : cases.OrderBy(c => c.UpdatedAt),
            "priority" => descending ? cases.OrderByDescending(c => c.Priority).ThenByDescending(c => c.CreatedAt) : cases.OrderBy(c => c.Priority).ThenBy(c => c.CreatedAt),
            "number" => descending ? cases.OrderByDescending(c => c.Number) : cases.OrderBy(c => c.Number),
            "subject" => descending ? cases.OrderByDescending(c => c.Subject) : cases.OrderBy(c => c.Subject),
            _ => descending ? cases.OrderByDescending(c => c.CreatedAt) : cases.OrderBy(c => c.CreatedAt),
        };

        var total = await cases.CountAsync(ct);
        var items = await cases.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).Select(CaseDto.Projection).ToListAsync(ct);
        return new PagedResult<CaseDto>(items, total, query.Page, query.PageSize);
    }
}
