using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Satisfaction;

/// <summary>
/// Satisfaction surveys (CSAT): <c>AddSatisfaction()</c> registers the survey offer on resolution, the mailer and the use
/// cases; <c>MapSatisfaction()</c> maps the agents' API and the public link <c>/survey/{token}</c>.
/// </summary>
public static class SatisfactionEndpoints
{
    public static IServiceCollection AddSatisfaction(this IServiceCollection services) => services
        .AddSingleton<SurveySignal>()
        .AddSingleton<ISaveChangesInterceptor, SurveyOnResolve>()
        .AddSingleton<SurveyLink>()
        .AddSingleton<Surveys>()
        .AddSingleton<SatisfactionMailer>()
        .AddHostedService<SatisfactionMailerWorker>();

    public static IEndpointRouteBuilder MapSatisfaction(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/cases/{id:guid}/satisfaction", async Task<Results<Ok<SatisfactionDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, Surveys surveys, ClaimsPrincipal user, CancellationToken ct) =>
                (await surveys.ForAgentAsync(id, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithTags("Satisfaction").RequireAuthorization(Scopes.CasesRead)
            .WithName("GetCaseSatisfaction")
            .WithSummary("The case's satisfaction survey: rating, comment, when answered, until when it can change, the email's status. 404 when the case is not visible or has no survey yet.");

        app.MapGet("/api/v1/satisfaction", async Task<Results<Ok<SatisfactionList>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                [FromQuery] string? from, [FromQuery] string? to, [FromQuery] Guid? teamId, [FromQuery] Guid? agentId, [FromQuery] int? page, [FromQuery] int? pageSize,
                Surveys surveys, ClaimsPrincipal user, CancellationToken ct) =>
                (await surveys.ListAsync(from, to, teamId, agentId, Actor.FromPrincipal(user), page ?? 1, pageSize ?? Paging.DefaultPageSize, ct)).ToHttp())
            .WithTags("Satisfaction").RequireAuthorization(Scopes.CasesRead)
            .WithName("ListSatisfaction")
            .WithSummary("Answers given in [from, to), by the team and agent the case was resolved by, on the cases you may see; with their count and average rating.");

        // The email's link. The page lives under /portal so that the portal's language switch can return to it.
        app.MapGet("/survey/{token}", (string token) => Results.Redirect($"/portal/survey/{Uri.EscapeDataString(token)}"))
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
