using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Knowledge;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Portal.Knowledge;

/// <summary>
/// Records, per new-request form session, which articles were suggested and which the customer opened, and when the
/// form was submitted. Anonymous by design (the form may be filled before signing in); the endpoints that call it are
/// rate-limited, and "opened" only counts an article that was suggested to that very form.
/// </summary>
public sealed class DeflectionTracker(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>More suggestions than this in one form session are still shown but no longer recorded.</summary>
    public const int MaxSuggestionsPerSession = 50;

    /// <summary>Notes that <paramref name="articleIds"/> were suggested to the form; starts its session on the first call.</summary>
    public async Task RecordShownAsync(Guid formId, IReadOnlyCollection<Guid> articleIds, CancellationToken ct = default)
    {
        if (formId == Guid.Empty || articleIds.Count == 0)
        {
            return;
        }

        for (var attempt = 0; ; attempt++)
        {
            var now = Now();
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var session = await db.Set<DeflectionSession>().FirstOrDefaultAsync(s => s.FormId == formId, ct);
            if (session is { SubmittedAt: not null })
            {
                return;
            }

            if (session is null)
            {
                db.Add(new DeflectionSession { FormId = formId, StartedAt = now, LastActivityAt = now });
            }
            else
            {
                session.LastActivityAt = now;
            }

            var known = await db.Set<DeflectionSuggestion>().Where(s => s.FormId == formId).Select(s => s.ArticleId).ToListAsync(ct);
            foreach (var id in articleIds.Distinct().Except(known).Take(Math.Max(0, MaxSuggestionsPerSession - known.Count)))
            {
                db.Add(new DeflectionSuggestion { FormId = formId, ArticleId = id, ShownAt = now });
            }

            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Two suggestion requests of one form raced to start its session; read it again.
            }
        }
    }

    /// <summary>
    /// The customer opened a suggested article. Both ids must be GUIDs and the article must have been suggested to this
    /// form; anything else is a field error and nothing is stored. Opening again is harmless.
    /// </summary>
    public async Task<Outcome<bool>> OpenedAsync(string? formId, string? articleId, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var form = ParseId(errors, "formId", formId);
        var article = ParseId(errors, "articleId", articleId);
        if (errors.Any)
        {
            return errors;
        }

        var now = Now();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await db.Set<DeflectionSession>().FirstOrDefaultAsync(s => s.FormId == form, ct);
        if (session is null)
        {
            errors.Add("formId", $"No article was suggested to form '{form}'.");
            return errors;
        }

        var suggestion = await db.Set<DeflectionSuggestion>().FirstOrDefaultAsync(s => s.FormId == form && s.ArticleId == article, ct);
        if (suggestion is null)
        {
            errors.Add("articleId", $"Article '{article}' was not suggested to form '{form}'.");
            return errors;
        }

        suggestion.OpenedAt ??= now;
        session.FirstOpenedAt ??= now;
        if (session.SubmittedAt is null)
        {
            session.LastActivityAt = now;
        }

        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// The form became a request: called by the portal's new-request handler once the case exists. False when no
    /// suggestion was ever shown to the form (there is nothing to record) or it was already marked.
    /// </summary>
    public async Task<bool> MarkSubmittedAsync(Guid formId, Guid caseId, CancellationToken ct = default)
    {
        var now = Now();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<DeflectionSession>().Where(s => s.FormId == formId && s.SubmittedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SubmittedAt, now).SetProperty(x => x.CaseId, caseId), ct) > 0;
    }

    internal static Guid ParseId(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, $"'{field}' is required.");
            return Guid.Empty;
        }

        if (!Guid.TryParse(value.Trim(), out var id) || id == Guid.Empty)
        {
            errors.Add(field, $"'{field}' must be a GUID such as '3f2504e0-4f89-11d3-9a0c-0305e82c3301' (got '{(value.Length > 60 ? value[..60] + "…" : value)}').");
            return Guid.Empty;
        }

        return id;
    }

    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % 10));
    }
}
