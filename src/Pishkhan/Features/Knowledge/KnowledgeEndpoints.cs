using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Knowledge;

/// <summary>
/// <c>/api/v1/kb</c>: reading and searching need <c>kb:read</c>, editing <c>kb:write</c>, approving and publishing
/// <c>kb:publish</c>, synonyms and the index <c>admin</c>. <c>/api/v1/kb/public</c> and the <c>/kb</c> pages are
/// anonymous and see only published public articles.
/// </summary>
public static class KnowledgeEndpoints
{
    /// <param name="services">The app's services.</param>
    /// <param name="indexDirectory">
    /// Where this process keeps its search index (<c>Pishkhan:Knowledge:IndexDirectory</c>, by default
    /// <c>kb-index/</c> under the data directory). Each app process needs its own: Lucene allows one writer per folder.
    /// </param>
    public static IServiceCollection AddKnowledgeBase(this IServiceCollection services, string indexDirectory)
    {
        services.AddSingleton(sp => new KnowledgeIndex(
            sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Platform.Data.PishkhanDbContext>>(),
            sp.GetRequiredService<TimeProvider>(),
            indexDirectory));
        services.AddSingleton(sp => new CaseSearchIndex(
            sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Platform.Data.PishkhanDbContext>>(),
            indexDirectory + "-cases"));
        services.AddSingleton<SaveArticle>();
        services.AddSingleton<ChangeArticleStatus>();
        services.AddSingleton<GetArticles>();
        services.AddSingleton<ArticleVersions>();
        services.AddSingleton<AddArticleFeedback>();
        services.AddSingleton<LinkArticleToCase>();
        services.AddSingleton<KbCategories>();
        services.AddSingleton<Synonyms>();
        services.AddSingleton<SearchArticles>();
        services.AddSingleton<PublishScheduledArticles>();
        services.AddSingleton<KnowledgeGapReport>();
        services.AddSingleton<ArticleAttention>();
        services.AddHostedService<KnowledgeSweeper>();
        return services;
    }

    public static IEndpointRouteBuilder MapKnowledgeEndpoints(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/v1/kb").WithTags("Knowledge base").RequireAuthorization(Scopes.KbRead);
        var write = app.MapGroup("/api/v1/kb").WithTags("Knowledge base").RequireAuthorization(Scopes.KbWrite);
        var approve = app.MapGroup("/api/v1/kb").WithTags("Knowledge base").RequireAuthorization(Scopes.KbPublish);
        var admin = app.MapGroup("/api/v1/kb").WithTags("Knowledge base").RequireAuthorization(Scopes.Admin);
        var open = app.MapGroup("/api/v1/kb/public").WithTags("Knowledge base (public)").AllowAnonymous();
        var cases = app.MapGroup("/api/v1/cases/{caseId:guid}").WithTags("Knowledge base").RequireAuthorization(Scopes.KbRead);

        read.MapGet("/articles", async Task<Results<Ok<PagedResult<ArticleListItem>>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                ArticleStatus? status, string? language, Guid? categoryId, ArticleVisibility? visibility, Guid? ownerId, bool? reviewDue, int? page, int? pageSize,
                GetArticles handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.ListAsync(new ArticleListFilter(status, language, categoryId, visibility, ownerId, reviewDue ?? false, page ?? 1, pageSize ?? Paging.DefaultPageSize), Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("ListArticles").WithSummary("Articles of any status, newest change first; filters: status, language, categoryId (with subcategories), visibility, ownerId, reviewDue.");
        read.MapGet("/articles/{id:guid}", async Task<Results<Ok<ArticleDto>, NotFound>> (Guid id, bool? view, GetArticles handler, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var article = await handler.ByIdAsync(id, Actor.FromPrincipal(user), ct);
                if (article is not null && view == true)
                {
                    await handler.CountViewAsync(id, ct);
                }

                return article is null ? TypedResults.NotFound() : TypedResults.Ok(article);
            })
            .WithName("GetArticle").WithSummary("One article with its rendered, sanitised HTML and its translations; 'view=true' counts a view.");
        write.MapPost("/articles", async Task<Results<Created<ArticleDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                ArticleRequest body, SaveArticle handler, ClaimsPrincipal user, CancellationToken ct) =>
                await handler.SaveAsync(null, body, Actor.FromPrincipal(user), ct) switch
                {
                    Outcome<ArticleDto>.Ok ok => TypedResults.Created($"/api/v1/kb/articles/{ok.Value.Id}", ok.Value),
                    Outcome<ArticleDto>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    Outcome<ArticleDto>.Conflict conflict => TypedResults.Conflict(OutcomeResults.ConflictProblem(conflict.Detail)),
                    _ => TypedResults.NotFound(),
                })
            .WithName("CreateArticle").WithSummary("Creates a draft (version 1); 'translationOf' links it as a translation of another article.");
        write.MapPut("/articles/{id:guid}", async Task<Results<Ok<ArticleDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, ArticleRequest body, SaveArticle handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.SaveAsync(id, body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("UpdateArticle").WithSummary("Edits an article; 'version' is required and a stale one gives 409. Each save is a new version.");
        foreach (var step in Enum.GetValues<ArticleTransition>())
        {
            var group = step is ArticleTransition.Publish or ArticleTransition.Reject or ArticleTransition.Archive ? approve : write;
            group.MapPost($"/articles/{{id:guid}}/{step.ToString().ToLowerInvariant()}", async Task<Results<Ok<ArticleDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                    Guid id, ArticleTransitionRequest body, ChangeArticleStatus handler, ClaimsPrincipal user, CancellationToken ct) =>
                    (await handler.HandleAsync(id, step, body, Actor.FromPrincipal(user), ct)).ToHttp())
                .WithName($"{step}Article").WithSummary(step switch
                {
                    ArticleTransition.Submit => "Draft → in review.",
                    ArticleTransition.Publish => "Approves and publishes (kb:publish); with 'publishAt' in the future it is approved and published then by the sweeper.",
                    ArticleTransition.Reject => "In review → draft (kb:publish), with a note.",
                    ArticleTransition.Archive => "Archives an article (kb:publish); it leaves search.",
                    _ => "Archived → draft.",
                });
        }

        read.MapGet("/attention", async (ArticleAttention handler, ClaimsPrincipal user, CancellationToken ct) => TypedResults.Ok(await handler.ForAsync(Actor.FromPrincipal(user), ct)))
            .WithName("KbAttention").WithSummary("The caller's reminders: owned articles due for review, rated unhelpful or never viewed; for approvers, articles awaiting approval.");
        read.MapGet("/articles/{id:guid}/versions", async Task<Results<Ok<IReadOnlyList<ArticleVersionSummary>>, NotFound>> (Guid id, ArticleVersions handler, CancellationToken ct) =>
                await handler.ListAsync(id, ct) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound())
            .WithName("ListArticleVersions").WithSummary("Every saved version, newest first.");
        read.MapGet("/articles/{id:guid}/versions/{number:int}", async Task<Results<Ok<ArticleVersionDto>, NotFound>> (Guid id, int number, ArticleVersions handler, CancellationToken ct) =>
                await handler.GetAsync(id, number, ct) is { } v ? TypedResults.Ok(v) : TypedResults.NotFound())
            .WithName("GetArticleVersion").WithSummary("One version's content.");
        read.MapGet("/articles/{id:guid}/diff", async Task<Results<Ok<VersionDiff>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, int from, int to, ArticleVersions handler, CancellationToken ct) => (await handler.DiffAsync(id, from, to, ct)).ToHttp())
            .WithName("DiffArticleVersions").WithSummary("Line diff of title, summary and body between versions 'from' and 'to'.");
        write.MapPost("/articles/{id:guid}/versions/{number:int}/restore", async Task<Results<Ok<ArticleDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, int number, ArticleTransitionRequest body, ArticleVersions handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.RestoreAsync(id, number, body.Version, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("RestoreArticleVersion").WithSummary("Makes an old version's content current again, as a new version; 'version' is the article version last read.");

        read.MapGet("/articles/{id:guid}/feedback", async (Guid id, AddArticleFeedback handler, CancellationToken ct) => TypedResults.Ok(await handler.ListAsync(id, ct)))
            .WithName("ListArticleFeedback").WithSummary("Feedback on an article, newest first.");
        read.MapPost("/articles/{id:guid}/feedback", async Task<Results<Ok<FeedbackDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, FeedbackRequest body, AddArticleFeedback handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.AddAsync(id, body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("AddArticleFeedback").WithSummary("Helpful or not, with an optional comment.");

        read.MapGet("/search", (string? q, string? language, Guid? categoryId, ArticleVisibility? visibility, ArticleStatus? status, int? page, int? pageSize,
                SearchArticles handler, ClaimsPrincipal user) =>
                handler.Search(new SearchRequest(q, language, categoryId, visibility, status, page ?? 1, pageSize ?? 10), Actor.FromPrincipal(user)).ToHttp())
            .WithName("SearchArticles").WithSummary("Persian-aware full-text search with highlighted snippets; published articles unless 'status' says otherwise.");

        app.MapGet("/api/v1/kb/search/cases", async Task<Results<Ok<PagedResult<CaseHit>>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                string? q, int? page, int? pageSize, CaseSearchIndex index, ClaimsPrincipal user, CancellationToken ct) =>
                (await index.SearchAsync(q, Actor.FromPrincipal(user), page ?? 1, pageSize ?? 10, ct)).ToHttp())
            .RequireAuthorization(Scopes.CasesRead).WithTags("Knowledge base")
            .WithName("SearchCases").WithSummary("For agents: Persian-aware search over case subjects, descriptions and messages (notes included), only cases the caller may see; updated within 15 s of a change.");
        read.MapGet("/categories", async (KbCategories handler, CancellationToken ct) => TypedResults.Ok(await handler.ListAsync(ct)))
            .WithName("ListKbCategories").WithSummary("The category tree, depth first, with each node's depth.");
        approve.MapPost("/categories", async Task<Results<Created<KbCategoryDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                KbCategoryRequest body, KbCategories handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.SaveAsync(null, body, Actor.FromPrincipal(user), ct)).ToCreated(c => $"/api/v1/kb/categories/{c.Id}"))
            .WithName("CreateKbCategory").WithSummary("Adds a category (under 'parentId' when given).");
        approve.MapPut("/categories/{id:guid}", async Task<Results<Ok<KbCategoryDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, KbCategoryRequest body, KbCategories handler, ClaimsPrincipal user, CancellationToken ct) => (await handler.SaveAsync(id, body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("UpdateKbCategory").WithSummary("Renames or moves a category (not under itself).");
        approve.MapDelete("/categories/{id:guid}", async Task<Results<NoContent, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, KbCategories handler, ClaimsPrincipal user, CancellationToken ct) => await handler.DeleteAsync(id, Actor.FromPrincipal(user), ct) switch
                {
                    Outcome<Guid>.Ok => TypedResults.NoContent(),
                    Outcome<Guid>.Conflict conflict => TypedResults.Conflict(OutcomeResults.ConflictProblem(conflict.Detail)),
                    _ => TypedResults.NotFound(),
                })
            .WithName("DeleteKbCategory").WithSummary("Deletes an empty category; one with articles or subcategories gives 409.");

        read.MapGet("/synonyms", async (Synonyms handler, CancellationToken ct) => TypedResults.Ok(await handler.ListAsync(ct)))
            .WithName("ListSynonymGroups").WithSummary("Synonym groups that expand searches.");
        admin.MapPost("/synonyms", async Task<Results<Created<SynonymGroupDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                SynonymGroupRequest body, Synonyms handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.SaveAsync(null, body, Actor.FromPrincipal(user), ct)).ToCreated(g => $"/api/v1/kb/synonyms/{g.Id}"))
            .WithName("CreateSynonymGroup").WithSummary("Adds a group of equivalent words or phrases (fa and en may mix).");
        admin.MapPut("/synonyms/{id:guid}", async Task<Results<Ok<SynonymGroupDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, SynonymGroupRequest body, Synonyms handler, ClaimsPrincipal user, CancellationToken ct) => (await handler.SaveAsync(id, body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("UpdateSynonymGroup").WithSummary("Replaces a group's terms.");
        admin.MapDelete("/synonyms/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, Synonyms handler, ClaimsPrincipal user, CancellationToken ct) =>
                await handler.DeleteAsync(id, Actor.FromPrincipal(user), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("DeleteSynonymGroup").WithSummary("Removes a synonym group.");

        admin.MapGet("/index", (KnowledgeIndex index) => TypedResults.Ok(index.Status))
            .WithName("GetKbIndexStatus").WithSummary("The search index: documents, watermark, and a rebuild's progress.");
        admin.MapPost("/index/rebuild", Results<Accepted<IndexStatus>, Conflict<HttpValidationProblemDetails>> (KnowledgeIndex index, ILoggerFactory logs) =>
                index.StartRebuild(logs.CreateLogger("Pishkhan.Knowledge"))
                    ? TypedResults.Accepted("/api/v1/kb/index", index.Status)
                    : TypedResults.Conflict(OutcomeResults.ConflictProblem("A rebuild is already running; follow it at /api/v1/kb/index.")))
            .WithName("RebuildKbIndex").WithSummary("Rebuilds this node's index from the database in the background; progress at GET /api/v1/kb/index.");
        approve.MapGet("/reports/gaps", async (int? days, KnowledgeGapReport handler, CancellationToken ct) => TypedResults.Ok(await handler.BuildAsync(days ?? 30, ct)))
            .WithName("KnowledgeGapReport").WithSummary("Recent cases no article answered (by category, with frequent words), and poorly rated or never-viewed articles.");

        cases.MapGet("/suggested-articles", async Task<Results<Ok<IReadOnlyList<KnowledgeHit>>, NotFound>> (Guid caseId, int? count, SearchArticles handler, ClaimsPrincipal user, CancellationToken ct) =>
                await handler.SuggestForCaseAsync(caseId, Actor.FromPrincipal(user), count ?? 5, ct) is { } hits ? TypedResults.Ok(hits) : TypedResults.NotFound())
            .WithName("SuggestArticlesForCase").WithSummary("Published articles matching the case's subject and description, those already linked left out.");
        cases.MapGet("/articles", async Task<Results<Ok<IReadOnlyList<CaseLinkDto>>, NotFound>> (Guid caseId, LinkArticleToCase handler, ClaimsPrincipal user, CancellationToken ct) =>
                await handler.ForCaseAsync(caseId, Actor.FromPrincipal(user), ct) is { } links ? TypedResults.Ok(links) : TypedResults.NotFound())
            .WithName("ListCaseArticles").WithSummary("Articles linked to the case.");
        cases.MapPost("/articles", async Task<Results<Ok<CaseLinkDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid caseId, CaseArticleLinkRequest body, LinkArticleToCase handler, ClaimsPrincipal user, CancellationToken ct) =>
                body.ArticleId is { } articleId
                    ? (await handler.LinkAsync(caseId, articleId, Actor.FromPrincipal(user), ct)).ToHttp()
                    : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["articleId"] = ["'articleId' is required."] }))
            .WithName("LinkArticleToCase").WithSummary("Links an article to the case; the article learns the case's words for later searches.");
        cases.MapDelete("/articles/{articleId:guid}", async Task<Results<NoContent, NotFound>> (Guid caseId, Guid articleId, LinkArticleToCase handler, ClaimsPrincipal user, CancellationToken ct) =>
                await handler.UnlinkAsync(caseId, articleId, Actor.FromPrincipal(user), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("UnlinkArticleFromCase").WithSummary("Removes the link (what the article learned stays).");

        open.MapGet("/search", (string? q, string? language, Guid? categoryId, int? page, int? pageSize, SearchArticles handler) =>
                handler.Search(new SearchRequest(q, language, categoryId, null, null, page ?? 1, pageSize ?? 10), null).ToHttp())
            .WithName("SearchPublicArticles").WithSummary("Search over published public articles, for customers and the portal.");
        open.MapGet("/articles/{slug}", async Task<Results<Ok<ArticleDto>, NotFound>> (string slug, GetArticles handler, CancellationToken ct) =>
                await handler.PublicBySlugAsync(slug, countView: true, ct) is { } a ? TypedResults.Ok(a) : TypedResults.NotFound())
            .WithName("GetPublicArticle").WithSummary("A published public article by slug; counts a view.");
        open.MapPost("/articles/{id:guid}/feedback", async Task<Results<Ok<FeedbackDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, FeedbackRequest body, AddArticleFeedback handler, CancellationToken ct) => (await handler.AddAsync(id, body, null, ct)).ToHttp())
            .WithName("AddPublicArticleFeedback").WithSummary("A customer's helpful / not helpful on a published public article.");

        app.MapGet("/kb/sitemap.xml", async (HttpRequest request, GetArticles handler, CancellationToken ct) =>
            {
                XNamespace ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
                var root = $"{request.Scheme}://{request.Host}";
                var xml = new XDocument(new XElement(ns + "urlset", (await handler.PublicIndexAsync(ct)).Select(a => new XElement(ns + "url",
                    new XElement(ns + "loc", $"{root}/kb/{Uri.EscapeDataString(a.Slug)}"),
                    new XElement(ns + "lastmod", a.UpdatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))))));
                return TypedResults.Text(xml.Declaration + xml.ToString(), "application/xml", Encoding.UTF8);
            })
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/kb/{slug}", async Task<Results<ContentHttpResult, NotFound>> (string slug, bool? thanks, GetArticles handler, CancellationToken ct) =>
                await handler.PublicBySlugAsync(slug, countView: thanks != true, ct) is { } a
                    ? TypedResults.Text(PublicPage.Article(a, thanked: thanks == true), "text/html", Encoding.UTF8)
                    : TypedResults.NotFound())
            .AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/kb/{slug}/feedback", async Task<Results<RedirectHttpResult, ContentHttpResult, NotFound>> (
                string slug, [FromForm] string? helpful, [FromForm] string? comment, GetArticles articles, AddArticleFeedback handler, CancellationToken ct) =>
            {
                if (await articles.PublicBySlugAsync(slug, countView: false, ct) is not { } a)
                {
                    return TypedResults.NotFound();
                }

                var outcome = await handler.AddAsync(a.Id, new FeedbackRequest(helpful switch { "yes" => true, "no" => false, _ => null }, comment), null, ct);
                return outcome is Outcome<FeedbackDto>.Invalid invalid
                    ? TypedResults.Text(PublicPage.Article(a, string.Join(" ", invalid.Errors.SelectMany(e => e.Value))), "text/html", Encoding.UTF8, StatusCodes.Status400BadRequest)
                    : TypedResults.Redirect($"/kb/{Uri.EscapeDataString(a.Slug)}?thanks=true");
            })
            .AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/kb", (string? q, SearchArticles handler) =>
                TypedResults.Text(PublicPage.Search(q, string.IsNullOrWhiteSpace(q) ? null : handler.Search(new SearchRequest(q, PageSize: 20), null)), "text/html", Encoding.UTF8))
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}

public sealed record CaseArticleLinkRequest(Guid? ArticleId);

/// <summary>The public knowledge-base pages: plain server-rendered HTML, readable without script, ready to frame in a portal.</summary>
internal static class PublicPage
{
    /// <summary>The article page; <paramref name="problem"/> (non-empty) is shown above the feedback form, which goes once <paramref name="thanked"/>.</summary>
    public static string Article(ArticleDto a, string? problem = "", bool thanked = false)
    {
        var rtl = a.Language == "fa";
        var body = new StringBuilder();
        body.Append("<article><h1>").Append(WebUtility.HtmlEncode(a.Title)).Append("</h1>");
        if (a.Summary.Length > 0)
        {
            body.Append("<p class=\"summary\">").Append(WebUtility.HtmlEncode(a.Summary)).Append("</p>");
        }

        body.Append(a.Html).Append("</article>");
        foreach (var t in a.Translations)
        {
            body.Append("<p><a hreflang=\"").Append(t.Language).Append("\" href=\"/kb/").Append(Uri.EscapeDataString(t.Slug)).Append("\">")
                .Append(WebUtility.HtmlEncode(t.Title)).Append("</a></p>");
        }

        if (thanked)
        {
            body.Append("<p class=\"thanks\">").Append(rtl ? "از بازخورد شما سپاسگزاریم." : "Thank you for your feedback.").Append("</p>");
        }
        else
        {
            // A plain form, so feedback works without script (and in a portal frame).
            body.Append("<form class=\"feedback\" method=\"post\" action=\"/kb/").Append(Uri.EscapeDataString(a.Slug)).Append("/feedback\">")
                .Append("<p>").Append(rtl ? "این مقاله مفید بود؟" : "Was this article helpful?").Append("</p>");
            if (!string.IsNullOrEmpty(problem))
            {
                body.Append("<p class=\"problem\">").Append(WebUtility.HtmlEncode(problem)).Append("</p>");
            }

            body.Append("<textarea name=\"comment\" maxlength=\"").Append(ArticleRules.CommentMaxLength).Append("\" aria-label=\"comment\" placeholder=\"")
                .Append(rtl ? "توضیح (اختیاری)" : "Comment (optional)").Append("\"></textarea><br>")
                .Append("<button name=\"helpful\" value=\"yes\">").Append(rtl ? "مفید بود" : "Helpful").Append("</button> ")
                .Append("<button name=\"helpful\" value=\"no\">").Append(rtl ? "مفید نبود" : "Not helpful").Append("</button></form>");
        }

        body.Append("<p><a href=\"/kb\">").Append(rtl ? "جستجو در راهنما" : "Search the help centre").Append("</a></p>");
        return Page(a.Title, a.Language, body.ToString());
    }

    public static string Search(string? q, Outcome<KnowledgeResults>? results)
    {
        var body = new StringBuilder("<h1>راهنما · Help</h1><form method=\"get\" action=\"/kb\"><input name=\"q\" type=\"search\" value=\"")
            .Append(WebUtility.HtmlEncode(q ?? "")).Append("\" aria-label=\"search\"><button>🔍</button></form>");
        if (results is Outcome<KnowledgeResults>.Ok ok)
        {
            body.Append("<ol>");
            foreach (var hit in ok.Value.Hits)
            {
                body.Append("<li dir=\"auto\"><a href=\"/kb/").Append(Uri.EscapeDataString(hit.Slug)).Append("\">").Append(hit.TitleHtml).Append("</a><p>")
                    .Append(hit.Snippet).Append("</p></li>");
            }

            body.Append("</ol>");
        }

        return Page("راهنما · Help", "fa", body.ToString());
    }

    private static string Page(string title, string language, string body) =>
        $$"""
        <!DOCTYPE html>
        <html lang="{{language}}" dir="{{(language == "fa" ? "rtl" : "ltr")}}">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{WebUtility.HtmlEncode(title)}}</title>
        <style>body{font-family:Vazirmatn,Tahoma,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.8}mark{background:#fff3a0}.summary{color:#555}</style>
        </head>
        <body>{{body}}</body>
        </html>
        """;
}
