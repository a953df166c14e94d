using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Knowledge;

/// <summary>Why an article needs its owner (or an approver) now.</summary>
public enum AttentionReason
{
    /// <summary>Its next review date has come: check it is still right, then set the next date.</summary>
    ReviewDue = 1,

    /// <summary>At least <see cref="ArticleAttention.UnhelpfulMinimum"/> "not helpful" votes, and more than "helpful" ones.</summary>
    RatedUnhelpful = 2,

    /// <summary>Published for <see cref="ArticleAttention.NeverViewedAfterDays"/> days and nobody has opened it.</summary>
    NeverViewed = 3,

    /// <summary>Submitted and waiting for an approver (shown to those with <c>kb:publish</c>).</summary>
    AwaitingApproval = 4,
}

public sealed record AttentionItem(Guid Id, string Title, string Language, ArticleStatus Status, AttentionReason Reason, DateTime? Since, int HelpfulCount, int NotHelpfulCount, int ViewCount);

/// <summary>The facts <see cref="ArticleAttention.Reasons"/> decides on.</summary>
public sealed record AttentionFacts(ArticleStatus Status, DateTime? NextReviewAt, DateTime? PublishedAt, DateTime? PublishAt, int ViewCount, int HelpfulCount, int NotHelpfulCount);

/// <summary>
/// The owner's reminders: review-due articles, poorly rated and never-viewed ones (their owners'), and for approvers the
/// articles waiting for approval. Shown at the top of the knowledge-base page and at <c>GET /api/v1/kb/attention</c>.
/// </summary>
public sealed class ArticleAttention(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock)
{
    public const int UnhelpfulMinimum = 3;
    public const int NeverViewedAfterDays = 14;

    /// <summary>Pure: which reasons apply to an article at <paramref name="now"/>, most urgent first.</summary>
    public static IReadOnlyList<AttentionReason> Reasons(AttentionFacts a, DateTime now)
    {
        var reasons = new List<AttentionReason>();
        if (a.Status == ArticleStatus.InReview && a.PublishAt is null)
        {
            reasons.Add(AttentionReason.AwaitingApproval);
        }

        if (a.Status != ArticleStatus.Archived && a.NextReviewAt is { } review && review <= now)
        {
            reasons.Add(AttentionReason.ReviewDue);
        }

        if (a.Status == ArticleStatus.Published && a.NotHelpfulCount >= UnhelpfulMinimum && a.NotHelpfulCount > a.HelpfulCount)
        {
            reasons.Add(AttentionReason.RatedUnhelpful);
        }

        if (a.Status == ArticleStatus.Published && a.ViewCount == 0 && a.PublishedAt is { } published && published <= now.AddDays(-NeverViewedAfterDays))
        {
            reasons.Add(AttentionReason.NeverViewed);
        }

        return reasons;
    }

    /// <summary>The actor's owned articles that need attention, and (for approvers) everything awaiting approval.</summary>
    public async Task<IReadOnlyList<AttentionItem>> ForAsync(Actor actor, CancellationToken ct = default)
    {
        if (!actor.Can(Scopes.KbRead) || actor.UserId is not { } me)
        {
            return [];
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var approver = actor.Can(Scopes.KbPublish);
        var stale = now.AddDays(-NeverViewedAfterDays);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Articles.AsNoTracking()
            .Where(a => (a.OwnerId == me && a.Status != ArticleStatus.Archived
                    && ((a.NextReviewAt != null && a.NextReviewAt <= now)
                        || (a.Status == ArticleStatus.Published && (a.NotHelpfulCount >= UnhelpfulMinimum || (a.ViewCount == 0 && a.PublishedAt <= stale)))))
                || (approver && a.Status == ArticleStatus.InReview && a.PublishAt == null))
            .OrderBy(a => a.UpdatedAt).Take(200)
            .ToListAsync(ct);
        return rows
            .SelectMany(a => Reasons(new AttentionFacts(a.Status, a.NextReviewAt, a.PublishedAt, a.PublishAt, a.ViewCount, a.HelpfulCount, a.NotHelpfulCount), now)
                .Where(r => a.OwnerId == me || r == AttentionReason.AwaitingApproval)
                .Select(r => new AttentionItem(a.Id, a.Title, a.Language, a.Status, r, r switch
                {
                    AttentionReason.ReviewDue => a.NextReviewAt,
                    AttentionReason.NeverViewed => a.PublishedAt,
                    _ => a.UpdatedAt,
                }, a.HelpfulCount, a.NotHelpfulCount, a.ViewCount)))
            .OrderBy(i => i.Reason).ThenBy(i => i.Since)
            .ToList();
    }
}
