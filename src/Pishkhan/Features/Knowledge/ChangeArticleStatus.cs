using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Knowledge;

public enum ArticleTransition
{
    /// <summary>Draft → In review (any editor).</summary>
    Submit,

    /// <summary>In review (or draft) → Published now, or approved and scheduled with <c>publishAt</c>; approvers only.</summary>
    Publish,

    /// <summary>In review → Draft, with a note saying why (approvers only).</summary>
    Reject,

    /// <summary>Any → Archived; approvers only.</summary>
    Archive,

    /// <summary>Archived → Draft, to work on it again.</summary>
    Reopen,
}

/// <summary>
/// Moves an article through Draft → In review → Published → Archived. Publishing, rejecting and archiving need the
/// <c>kb:publish</c> permission (supervisors, admins, or an API key with that scope). Each step is a version.
/// </summary>
public sealed class ChangeArticleStatus(IDbContextFactory<PishkhanDbContext> dbFactory, KnowledgeIndex index, TimeProvider clock)
{
    public async Task<Outcome<ArticleDto>> HandleAsync(Guid id, ArticleTransition transition, ArticleTransitionRequest request, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var article = await db.Articles.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null || !actor.Can(Scopes.KbWrite))
        {
            return new Outcome<ArticleDto>.NotFound();
        }

        var errors = new FieldErrors();
        if (request.Version is null)
        {
            errors.Add("version", "'version' is required: send the version you last read.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var approver = transition is ArticleTransition.Publish or ArticleTransition.Reject or ArticleTransition.Archive;
        if (approver && !actor.Can(Scopes.KbPublish))
        {
            errors.Add("transition", $"'{transition}' needs the approver permission (kb:publish): supervisors and admins have it.");
        }

        if (request.PublishAt is { } at && transition != ArticleTransition.Publish)
        {
            errors.Add("publishAt", "'publishAt' only goes with 'publish'.");
        }

        var (allowed, next) = (transition, article.Status) switch
        {
            (ArticleTransition.Submit, ArticleStatus.Draft) => (true, ArticleStatus.InReview),
            (ArticleTransition.Publish, ArticleStatus.Draft or ArticleStatus.InReview) => (true, request.PublishAt > now ? ArticleStatus.InReview : ArticleStatus.Published),
            (ArticleTransition.Reject, ArticleStatus.InReview) => (true, ArticleStatus.Draft),
            (ArticleTransition.Archive, not ArticleStatus.Archived) => (true, ArticleStatus.Archived),
            (ArticleTransition.Reopen, ArticleStatus.Archived) => (true, ArticleStatus.Draft),
            _ => (false, article.Status),
        };
        if (!allowed)
        {
            errors.Add("transition", $"An article that is {article.Status} cannot be moved by '{transition}'.");
        }

        if (errors.Any)
        {
            return errors;
        }

        if (article.Version != request.Version)
        {
            return new Outcome<ArticleDto>.Conflict($"Article '{article.Title}' was changed by someone else (your version {request.Version}, current {article.Version}). Reload it.");
        }

        article.Status = next;
        article.PublishAt = transition == ArticleTransition.Publish && request.PublishAt > now ? request.PublishAt : null;
        if (transition == ArticleTransition.Publish)
        {
            article.ApprovedById = actor.UserId;
            if (next == ArticleStatus.Published)
            {
                article.PublishedAt = now;
            }
        }

        article.UpdatedAt = now;
        article.SearchChangedAt = now;
        article.Version++;
        var note = article.PublishAt is { } scheduled ? $"Approved; publishes at {scheduled:u}" : transition.ToString();
        await SaveArticle.AddVersionAsync(db, article, actor, string.IsNullOrWhiteSpace(request.Note) ? note : $"{note}: {request.Note.Trim()}", now, ct);
        return await SaveArticle.CommitAsync(db, article, index, ct);
    }
}

/// <summary>
/// Publishes approved articles whose <see cref="Article.PublishAt"/> has come. The due rows are found in SQL on an index;
/// each is published through its concurrency token, so two nodes sweeping at once publish it once.
/// </summary>
public sealed class PublishScheduledArticles(IDbContextFactory<PishkhanDbContext> dbFactory, KnowledgeIndex index, TimeProvider clock)
{
    /// <summary>Publishes what is due at <paramref name="now"/>; the rows are stamped with the clock, which the index's change feed follows.</summary>
    public async Task<int> RunAsync(DateTime now, CancellationToken ct = default)
    {
        var stamp = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var due = await db.Articles.Where(a => a.Status == ArticleStatus.InReview && a.PublishAt != null && a.PublishAt <= now).Take(100).ToListAsync(ct);
        var published = 0;
        foreach (var article in due)
        {
            article.Status = ArticleStatus.Published;
            article.PublishedAt = article.PublishAt;
            article.PublishAt = null;
            article.UpdatedAt = stamp;
            article.SearchChangedAt = stamp;
            article.Version++;
            await SaveArticle.AddVersionAsync(db, article, Actor.System, "Published as scheduled", stamp, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                published++;
            }
            catch (DbUpdateException)
            {
                // Another node published it (or an editor changed it) first.
                db.ChangeTracker.Clear();
            }
        }

        if (published > 0)
        {
            await index.CatchUpAsync(ct);
        }

        return published;
    }
}

/// <summary>Every 15 seconds: publishes what is due and catches the article and case indexes up with changes (from other nodes too).</summary>
public sealed class KnowledgeSweeper(PublishScheduledArticles publisher, KnowledgeIndex index, CaseSearchIndex cases, TimeProvider clock, ILogger<KnowledgeSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await index.CatchUpAsync(stoppingToken);
                await publisher.RunAsync(clock.GetUtcNow().UtcDateTime, stoppingToken);
                await cases.CatchUpAsync(ct: stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Knowledge-base sweep failed; retrying in {Interval}.", Interval);
            }

            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
