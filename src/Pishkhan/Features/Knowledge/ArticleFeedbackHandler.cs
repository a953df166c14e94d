using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Knowledge;

/// <summary>Records "helpful / not helpful" with an optional comment, from agents (any article) or customers (public ones).</summary>
public sealed class AddArticleFeedback(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock)
{
    public async Task<Outcome<FeedbackDto>> AddAsync(Guid articleId, FeedbackRequest request, Actor? actor, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (request.Helpful is null)
        {
            errors.Add("helpful", "'helpful' is required: true or false.");
        }

        errors.MaxLength("comment", request.Comment?.Trim(), ArticleRules.CommentMaxLength);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var staff = actor is not null && actor.Can(Scopes.KbRead);
        var exists = await db.Articles.AnyAsync(a => a.Id == articleId && (staff || (a.Status == ArticleStatus.Published && a.Visibility == ArticleVisibility.Public)), ct);
        if (!exists)
        {
            return new Outcome<FeedbackDto>.NotFound();
        }

        if (errors.Any)
        {
            return errors;
        }

        var feedback = new ArticleFeedback
        {
            ArticleId = articleId,
            Helpful = request.Helpful!.Value,
            Comment = string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim(),
            UserId = actor?.UserId,
            By = actor?.Name ?? "customer",
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.ArticleFeedback.Add(feedback);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            await db.Articles.Where(a => a.Id == articleId).ExecuteUpdateAsync(
                s =>
                {
                    if (feedback.Helpful)
                    {
                        s.SetProperty(a => a.HelpfulCount, a => a.HelpfulCount + 1);
                    }
                    else
                    {
                        s.SetProperty(a => a.NotHelpfulCount, a => a.NotHelpfulCount + 1);
                    }
                },
                ct);
            await tx.CommitAsync(ct);
        }

        return new FeedbackDto(feedback.Id, feedback.Helpful, feedback.Comment, feedback.By, feedback.CreatedAt);
    }

    public async Task<IReadOnlyList<FeedbackDto>> ListAsync(Guid articleId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ArticleFeedback.AsNoTracking().Where(f => f.ArticleId == articleId).OrderByDescending(f => f.CreatedAt).Take(200)
            .Select(f => new FeedbackDto(f.Id, f.Helpful, f.Comment, f.By, f.CreatedAt)).ToListAsync(ct);
    }
}
