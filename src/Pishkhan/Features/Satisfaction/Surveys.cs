using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Satisfaction;

/// <summary>
/// A survey as its customer sees it (the public page, the portal prompt). <see cref="Link"/> is the public page;
/// <see cref="CanChange"/> says whether an answer can still be given or changed (until <see cref="ChangeableUntil"/>).
/// </summary>
public sealed record SurveyView(
    Guid CaseId, string CaseNumber, string CaseSubject, string Token, string Link, int? Rating, string? Comment,
    DateTime SentAt, DateTime ChangeableUntil, DateTime? AnsweredAt, bool CanChange)
{
    public bool IsAnswered => Rating is not null;
}

/// <summary>A survey as agents and the API see it (no token: only the customer answers).</summary>
public sealed record SatisfactionDto(
    Guid Id, Guid CaseId, string CaseNumber, Guid ContactId, Guid? OwnerId, string? OwnerName, Guid? TeamId, string? TeamName,
    int? Rating, string? Comment, DateTime SentAt, DateTime ChangeableUntil, DateTime? AnsweredAt, DateTime? ChangedAt, SurveyEmailStatus EmailStatus);

/// <summary>Answers in a period: how many, their average rating, and one page of them (most recent first).</summary>
public sealed record SatisfactionList(int Count, double? Average, PagedResult<SatisfactionDto> Answers);

/// <summary>
/// The satisfaction surveys' use cases: read one by case or by token, answer (and change the answer) with the token,
/// and the agents' reads. The survey itself is offered by <see cref="SurveyOnResolve"/> and emailed by
/// <see cref="SatisfactionMailer"/>.
/// </summary>
public sealed class Surveys(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock, SurveyLink links)
{
    /// <summary>
    /// The survey of a case, for the portal's prompt on its case page; null when the case has none (not resolved yet).
    /// The caller (the portal) has already checked that the signed-in customer may see the case.
    /// </summary>
    public async Task<SurveyView?> ForCaseAsync(Guid caseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ViewAsync(db, db.Set<SatisfactionSurvey>().Where(s => s.CaseId == caseId), ct);
    }

    /// <summary>The survey a link's token opens; null for an unknown token.</summary>
    public async Task<SurveyView?> ByTokenAsync(string token, CancellationToken ct = default)
    {
        if (!SurveyRules.LooksLikeToken(token))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ViewAsync(db, db.Set<SatisfactionSurvey>().Where(s => s.Token == token), ct);
    }

    /// <summary>
    /// Gives or changes the answer of the survey the token opens. NotFound: unknown token. Invalid (nothing changes):
    /// <c>rating</c> missing or outside 1–5, <c>comment</c> over <see cref="SurveyRules.CommentMaxLength"/> characters.
    /// Conflict: the 7 days are over, the answer stays as it was.
    /// </summary>
    public async Task<Outcome<SurveyView>> AnswerAsync(string token, int? rating, string? comment, CancellationToken ct = default)
    {
        if (!SurveyRules.LooksLikeToken(token))
        {
            return new Outcome<SurveyView>.NotFound();
        }

        // The mailer may mark the email queued at the same moment (a concurrency token): then read again and reapply.
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var survey = await db.Set<SatisfactionSurvey>().FirstOrDefaultAsync(s => s.Token == token, ct);
            if (survey is null)
            {
                return new Outcome<SurveyView>.NotFound();
            }

            var errors = SurveyRules.Validate(rating, comment);
            if (errors.Any)
            {
                return errors;
            }

            var now = SurveyRules.Micro(clock.GetUtcNow().UtcDateTime);
            if (!SurveyRules.IsOpen(survey, now))
            {
                return new Outcome<SurveyView>.Conflict(
                    $"This survey closed on {survey.ChangeableUntil:yyyy-MM-dd HH:mm} UTC (answers can be given or changed for {SurveyRules.ChangeWindow.TotalDays:0} days); the answer stays as it was.");
            }

            survey.Rating = rating;
            survey.Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
            survey.AnsweredAt ??= now;
            survey.ChangedAt = now;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                continue;
            }

            return (await ViewAsync(db, db.Set<SatisfactionSurvey>().Where(s => s.Id == survey.Id), ct))!;
        }
    }

    /// <summary>A case's survey for an agent: NotFound when the case is outside the actor's view or has no survey.</summary>
    public async Task<Outcome<SatisfactionDto>> ForAgentAsync(Guid caseId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var visible = db.Cases.VisibleTo(db, actor).Where(c => c.Id == caseId).Select(c => c.Id);
        var found = await Project(db, db.Set<SatisfactionSurvey>().Where(s => visible.Contains(s.CaseId))).FirstOrDefaultAsync(ct);
        return found is null ? new Outcome<SatisfactionDto>.NotFound() : found;
    }

    /// <summary>
    /// Answers given in [<paramref name="from"/>, <paramref name="to"/>) (ISO dates, read as UTC midnight, or instants),
    /// optionally for one team or agent (as attributed at resolution), on the cases the actor may see.
    /// </summary>
    public async Task<Outcome<SatisfactionList>> ListAsync(
        string? from, string? to, Guid? teamId, Guid? agentId, Actor actor, int page = 1, int pageSize = Paging.DefaultPageSize, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var start = ParseInstant(errors, "from", from);
        var end = ParseInstant(errors, "to", to);
        if (start is not null && end is not null && end <= start)
        {
            errors.Add("to", "'to' must be after 'from'.");
        }

        Paging.Validate(errors, page, pageSize);
        if (errors.Any)
        {
            return errors;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var visible = db.Cases.VisibleTo(db, actor).Select(c => c.Id);
        var answers = db.Set<SatisfactionSurvey>().AsNoTracking().Where(s => s.AnsweredAt != null);
        if (!actor.SeesAllCases)
        {
            answers = answers.Where(s => visible.Contains(s.CaseId));
        }

        if (start is { } s0)
        {
            answers = answers.Where(s => s.AnsweredAt >= s0);
        }

        if (end is { } e0)
        {
            answers = answers.Where(s => s.AnsweredAt < e0);
        }

        if (teamId is { } team)
        {
            answers = answers.Where(s => s.TeamId == team);
        }

        if (agentId is { } agent)
        {
            answers = answers.Where(s => s.OwnerId == agent);
        }

        var count = await answers.CountAsync(ct);
        var average = count == 0 ? null : await answers.AverageAsync(s => (double?)s.Rating, ct);
        var items = await Project(db, answers.OrderByDescending(s => s.AnsweredAt).ThenBy(s => s.Id).Skip((page - 1) * pageSize).Take(pageSize)).ToListAsync(ct);
        return new SatisfactionList(count, average is { } a ? Math.Round(a, 2) : null, new PagedResult<SatisfactionDto>(items, count, page, pageSize));
    }

    private static DateTime? ParseInstant(FieldErrors errors, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed.UtcDateTime;
        }

        errors.Add(field, $"'{field}' must be a date (2026-11-01) or an instant (2026-11-01T08:30:00Z); '{text}' is neither.");
        return null;
    }

    private static IQueryable<SatisfactionDto> Project(PishkhanDbContext db, IQueryable<SatisfactionSurvey> surveys) =>
        surveys.AsNoTracking().Select(s => new SatisfactionDto(
            s.Id, s.CaseId, db.Cases.Where(c => c.Id == s.CaseId).Select(c => c.Number).First(), s.ContactId,
            s.OwnerId, db.Users.Where(u => u.Id == s.OwnerId).Select(u => u.DisplayName).FirstOrDefault(),
            s.TeamId, db.Teams.Where(t => t.Id == s.TeamId).Select(t => t.Name).FirstOrDefault(),
            s.Rating, s.Comment, s.SentAt, s.ChangeableUntil, s.AnsweredAt, s.ChangedAt, s.EmailStatus));

    private async Task<SurveyView?> ViewAsync(PishkhanDbContext db, IQueryable<SatisfactionSurvey> surveys, CancellationToken ct)
    {
        var found = await surveys.AsNoTracking()
            .Join(db.Cases, s => s.CaseId, c => c.Id, (s, c) => new { Survey = s, c.Number, c.Subject })
            .FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return null;
        }

        var s = found.Survey;
        return new SurveyView(
            s.CaseId, found.Number, found.Subject, s.Token, links.For(s.Token), s.Rating, s.Comment, s.SentAt, s.ChangeableUntil, s.AnsweredAt,
            SurveyRules.IsOpen(s, clock.GetUtcNow().UtcDateTime));
    }
}
