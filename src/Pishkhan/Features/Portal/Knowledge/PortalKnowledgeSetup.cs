using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Portal.Knowledge;

/// <summary>Limits of the portal's anonymous knowledge-base API (<c>Pishkhan:Portal:Knowledge</c>), per client address and minute.</summary>
public sealed class PortalKnowledgeOptions
{
    public int SuggestPerMinute { get; set; } = 60;
    public int OpenedPerMinute { get; set; } = 60;
}

public sealed record OpenedRequest(string? FormId, string? ArticleId);

/// <summary>
/// The portal's public knowledge base: the pages under <c>/portal/kb</c> (Razor components), suggestions and
/// deflection tracking for the new-request form under <c>/portal/api/kb</c> (anonymous, rate-limited), and the
/// deflection report for agents at <c>/api/v1/kb/deflection</c> (<c>kb:read</c>).
/// </summary>
public static class PortalKnowledgeSetup
{
    private const int MaxOpenedBody = 4096;

    public static IServiceCollection AddPortalKnowledge(this IServiceCollection services)
    {
        services.AddOptions<PortalKnowledgeOptions>().BindConfiguration("Pishkhan:Portal:Knowledge");
        services.AddSingleton<PortalRateLimiter>();
        services.AddSingleton<PortalArticles>();
        services.AddSingleton<DeflectionTracker>();
        services.AddSingleton<DeflectionReport>();
        return services;
    }

    public static IEndpointRouteBuilder MapPortalKnowledge(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/portal/api/kb").WithTags("Portal knowledge base").AllowAnonymous();
        api.MapGet("/suggest", async Task<Results<Ok<IReadOnlyList<ArticleSuggestion>>, ValidationProblem>> (
                string? q, string? formId, PortalArticles articles, DeflectionTracker tracker, CancellationToken ct) =>
            {
                var errors = new FieldErrors();
                var form = formId is null ? (Guid?)null : DeflectionTracker.ParseId(errors, "formId", formId);
                if (errors.Any)
                {
                    return TypedResults.ValidationProblem(errors.ToDictionary());
                }

                switch (articles.Suggest(q))
                {
                    case Outcome<IReadOnlyList<ArticleSuggestion>>.Ok ok:
                        if (form is { } id)
                        {
                            await tracker.RecordShownAsync(id, ok.Value.Select(s => s.Id).ToList(), ct);
                        }

                        return TypedResults.Ok(ok.Value);
                    case Outcome<IReadOnlyList<ArticleSuggestion>>.Invalid invalid:
                        return TypedResults.ValidationProblem(invalid.Errors);
                    default:
                        return TypedResults.Ok<IReadOnlyList<ArticleSuggestion>>([]);
                }
            })
            .RateLimited("suggest", o => o.SuggestPerMinute)
            .WithName("PortalSuggestArticles")
            .WithSummary("Up to 5 published public articles for what a customer types in the new-request form ([] for an empty 'q'); with 'formId' (the form's GUID) the suggestions are recorded for the deflection report. Anonymous, rate-limited per client.");
        api.MapPost("/deflection/opened", async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> (
                HttpRequest request, DeflectionTracker tracker, CancellationToken ct) =>
            {
                if (request.Headers.Origin is [{ } origin] && (!Uri.TryCreate(origin, UriKind.Absolute, out var from) || !string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)))
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request", detail: "Only the portal's own pages may report an opened suggestion.");
                }

                if (request.ContentLength is > MaxOpenedBody)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large", detail: $"At most {MaxOpenedBody} bytes.");
                }

                OpenedRequest? body;
                if (request.HasFormContentType)
                {
                    var form = await request.ReadFormAsync(ct);
                    body = new OpenedRequest(form["formId"].FirstOrDefault(), form["articleId"].FirstOrDefault());
                }
                else
                {
                    try
                    {
                        body = await request.ReadFromJsonAsync<OpenedRequest>(ct);
                    }
                    catch (Exception e) when (e is JsonException or InvalidOperationException)
                    {
                        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send 'formId' and 'articleId' as a form (application/x-www-form-urlencoded) or as JSON."] });
                    }
                }

                return await tracker.OpenedAsync(body?.FormId, body?.ArticleId, ct) switch
                {
                    Outcome<bool>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => TypedResults.NoContent(),
                };
            })
            .RateLimited("opened", o => o.OpenedPerMinute)
            .WithName("PortalSuggestionOpened")
            .WithSummary("The customer opened a suggested article from the new-request form: 'formId' and 'articleId' (form fields or JSON); the article must have been suggested to that form. Anonymous, rate-limited per client; 204.");

        app.MapGet("/api/v1/kb/deflection", async Task<Results<Ok<DeflectionReportDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                string? from, string? to, DeflectionReport report, CancellationToken ct) => (await report.BuildAsync(from, to, ct)).ToHttp())
            .RequireAuthorization(Scopes.KbRead).WithTags("Knowledge base")
            .WithName("GetDeflectionReport")
            .WithSummary("Portal deflection over form sessions started from 'from' to 'to' (yyyy-MM-dd, UTC, both included; the last 30 days by default): sessions shown a suggestion, with one opened, submitted anyway, deflected (opened, then nothing submitted for 30 minutes), pending, the rate, and per article.");
        return app;
    }

    /// <summary>Refuses a client's requests beyond <paramref name="limit"/> a minute with 429 and Retry-After.</summary>
    private static RouteHandlerBuilder RateLimited(this RouteHandlerBuilder builder, string purpose, Func<PortalKnowledgeOptions, int> limit) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var limiter = http.RequestServices.GetRequiredService<PortalRateLimiter>();
            var perMinute = limit(http.RequestServices.GetRequiredService<IOptions<PortalKnowledgeOptions>>().Value);
            if (!limiter.TryAcquire(purpose, http.Connection.RemoteIpAddress?.ToString() ?? "unknown", perMinute))
            {
                http.Response.Headers.RetryAfter = limiter.SecondsLeft().ToString(CultureInfo.InvariantCulture);
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: $"At most {perMinute} a minute; try again shortly.");
            }

            return await next(context);
        }).ProducesProblem(StatusCodes.Status429TooManyRequests);
}
