using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Portal.Knowledge;

public sealed record DeflectionArticleRow(Guid ArticleId, string Title, string Language, int Shown, int Opened, int Deflected);

/// <summary>The deflection report over form sessions started from <see cref="From"/> to <see cref="To"/> (whole UTC days, both included).</summary>
public sealed record DeflectionReportDto(
    DateOnly From, DateOnly To, int WindowMinutes, int Sessions, int WithOpened, int Submitted, int SubmittedAnyway, int Deflected, int Pending,
    double? DeflectionRate, bool Truncated, IReadOnlyList<DeflectionArticleRow> Articles);

/// <summary>How often the portal's suggested articles answered a customer before they submitted a request (see <see cref="DeflectionRules"/>).</summary>
public sealed class DeflectionReport(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock)
{
    public const int DefaultDays = 30;
    public const int MaxDays = 366;
    public const int MaxSessions = 50_000;
    public const int MaxArticles = 50;

    /// <param name="from">First day, <c>yyyy-MM-dd</c> (UTC); 30 days before <paramref name="to"/> when absent.</param>
    /// <param name="to">Last day, <c>yyyy-MM-dd</c> (UTC), included; today when absent.</param>
    public async Task<Outcome<DeflectionReportDto>> BuildAsync(string? from, string? to, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var errors = new FieldErrors();
        var last = ParseDay(errors, "to", to) ?? DateOnly.FromDateTime(now);
        var first = ParseDay(errors, "from", from) ?? last.AddDays(-(DefaultDays - 1));
        if (!errors.Any && first > last)
        {
            errors.Add("from", $"'from' ({first:yyyy-MM-dd}) must not be after 'to' ({last:yyyy-MM-dd}).");
        }
        else if (!errors.Any && last.DayNumber - first.DayNumber + 1 > MaxDays)
        {
            errors.Add("to", $"The report covers at most {MaxDays} days.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var start = first.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = last.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sessions = await db.Set<DeflectionSession>().AsNoTracking().Where(s => s.StartedAt >= start && s.StartedAt < end)
            .OrderBy(s => s.StartedAt).Take(MaxSessions + 1).Select(s => new { s.FormId, s.LastActivityAt, Submitted = s.SubmittedAt != null }).ToListAsync(ct);
        var truncated = sessions.Count > MaxSessions;
        if (truncated)
        {
            sessions.RemoveAt(MaxSessions);
        }

        var suggestions = (await db.Set<DeflectionSuggestion>().AsNoTracking()
                .Join(db.Set<DeflectionSession>().Where(s => s.StartedAt >= start && s.StartedAt < end), x => x.FormId, s => s.FormId, (x, s) => new { x.FormId, x.ArticleId, Opened = x.OpenedAt != null })
                .ToListAsync(ct))
            .ToLookup(x => x.FormId);
        var facts = sessions.Select(s => new SessionFacts(s.FormId, s.LastActivityAt, s.Submitted, suggestions[s.FormId].Select(x => (x.ArticleId, x.Opened)).ToList())).ToList();
        var (totals, articles) = DeflectionRules.Summarise(facts, now);
        var top = articles.Take(MaxArticles).ToList();
        var ids = top.Select(a => a.ArticleId).ToList();
        var titles = await db.Articles.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.Title, a.Language }).ToDictionaryAsync(a => a.Id, ct);
        return new DeflectionReportDto(
            first, last, (int)DeflectionRules.Window.TotalMinutes, totals.Sessions, totals.WithOpened, totals.Submitted, totals.SubmittedAnyway, totals.Deflected, totals.Pending,
            totals.DeflectionRate, truncated,
            top.Select(a => new DeflectionArticleRow(a.ArticleId, titles.TryGetValue(a.ArticleId, out var t) ? t.Title : "—", titles.TryGetValue(a.ArticleId, out var l) ? l.Language : "", a.Shown, a.Opened, a.Deflected)).ToList());
    }

    private static DateOnly? ParseDay(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(field, $"'{field}' must be a Gregorian date such as 2026-11-23 (got '{(value.Length > 40 ? value[..40] + "…" : value)}').");
        return null;
    }
}
