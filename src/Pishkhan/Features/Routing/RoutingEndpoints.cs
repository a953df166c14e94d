using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Routing;

public sealed record PresenceRequest(string? Presence);

public sealed record NextCaseDto(Guid Id, string Number);

/// <summary>
/// Queues, routing rules and agent profiles are admin matters; agents set their own presence, pull the next case and
/// accept what they were given; supervisors (and admins) see the queue board.
/// </summary>
public static class RoutingEndpoints
{
    public static IEndpointRouteBuilder MapRoutingEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1").WithTags("Routing").RequireAuthorization(Scopes.Admin);
        var agent = app.MapGroup("/api/v1").WithTags("Routing").RequireAuthorization(Scopes.CasesWrite);
        var read = app.MapGroup("/api/v1").WithTags("Routing").RequireAuthorization(Scopes.CasesRead);

        read.MapGet("/queues", async (RoutingAdmin handler, CancellationToken ct) => TypedResults.Ok(await handler.QueuesAsync(ct)))
            .WithName("ListQueues").WithSummary("Lists queues, the default first.");
        admin.MapPost("/queues", async Task<Results<Created<QueueDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                QueueRequest body, RoutingAdmin handler, CancellationToken ct) =>
                Created(await handler.SaveQueueAsync(null, body, ct), q => $"/api/v1/queues/{q.Id}"))
            .WithName("CreateQueue").WithSummary("Creates a queue: strategy, required skills, weighting, re-assignment time, teams.");
        admin.MapPut("/queues/{id:guid}", async (Guid id, QueueRequest body, RoutingAdmin handler, CancellationToken ct) =>
                (await handler.SaveQueueAsync(id, body, ct)).ToHttp())
            .WithName("UpdateQueue").WithSummary("Replaces a queue's settings ('version' required; a stale one gives 409).");
        admin.MapDelete("/queues/{id:guid}", async (Guid id, RoutingAdmin handler, CancellationToken ct) =>
                (await handler.DeleteQueueAsync(id, ct)).ToHttp())
            .WithName("DeleteQueue").WithSummary("Deletes a queue no rule sends to and no open case waits in; never the default.");
        admin.MapPost("/queues/{id:guid}/assign", async (Guid id, RoutingService router, CancellationToken ct) =>
                TypedResults.Ok(new { assigned = await router.AssignWaitingAsync(id, ct) }))
            .WithName("AssignQueueNow").WithSummary("Offers the queue's waiting cases to available agents now.");

        read.MapGet("/routing-rules", async (RoutingAdmin handler, CancellationToken ct) => TypedResults.Ok(await handler.RulesAsync(ct)))
            .WithName("ListRoutingRules").WithSummary("Lists routing rules in the order they are tried.");
        admin.MapPost("/routing-rules", async Task<Results<Created<RoutingRuleDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                RoutingRuleRequest body, RoutingAdmin handler, CancellationToken ct) =>
                Created(await handler.SaveRuleAsync(null, body, ct), r => $"/api/v1/routing-rules/{r.Id}"))
            .WithName("CreateRoutingRule").WithSummary("Adds a rule; any unknown field, operator, value, queue, category or team is named in the 400.");
        admin.MapPut("/routing-rules/{id:guid}", async (Guid id, RoutingRuleRequest body, RoutingAdmin handler, CancellationToken ct) =>
                (await handler.SaveRuleAsync(id, body, ct)).ToHttp())
            .WithName("UpdateRoutingRule").WithSummary("Replaces a rule ('version' required).");
        admin.MapDelete("/routing-rules/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, RoutingAdmin handler, CancellationToken ct) =>
                await handler.DeleteRuleAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("DeleteRoutingRule").WithSummary("Deletes a rule.");

        read.MapGet("/agents/{userId:guid}/profile", async Task<Results<Ok<AgentProfileDto>, NotFound>> (Guid userId, RoutingAdmin handler, CancellationToken ct) =>
                await handler.ProfileAsync(userId, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound())
            .WithName("GetAgentProfile").WithSummary("An agent's skills, capacity and presence.");
        read.MapGet("/agents/profiles", async (RoutingAdmin handler, CancellationToken ct) => TypedResults.Ok(await handler.ProfilesAsync(ct)))
            .WithName("ListAgentProfiles").WithSummary("The saved profiles (skills, capacity, presence) of active users; only they are routed cases.");
        admin.MapPut("/agents/{userId:guid}/profile", async (Guid userId, AgentProfileRequest body, RoutingAdmin handler, CancellationToken ct) =>
                (await handler.SaveProfileAsync(userId, body, ct)).ToHttp())
            .WithName("SaveAgentProfile").WithSummary("Sets an agent's skills (name → level 1–5) and capacity.");

        agent.MapPut("/me/presence", async Task<Results<Ok<Presence>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                PresenceRequest body, RoutingService router, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (Actor.FromPrincipal(user).UserId is not { } userId)
                {
                    return TypedResults.NotFound();
                }

                if (!CaseRules.TryParse<Presence>(body.Presence, out var presence))
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["presence"] = [$"'{body.Presence}' is not a valid presence; use one of: {CaseRules.Allowed<Presence>()}."],
                    });
                }

                return (await router.SetPresenceAsync(userId, presence, ct)).ToHttp();
            })
            .WithName("SetMyPresence").WithSummary("online, away or offline; online agents inside their shift and under capacity get cases.");
        agent.MapPost("/me/next-case", async Task<Results<Ok<NextCaseDto>, NoContent, NotFound>> (
                RoutingService router, ClaimsPrincipal user, CancellationToken ct) =>
                Actor.FromPrincipal(user).UserId is not { } userId ? TypedResults.NotFound()
                : await router.PullNextAsync(userId, ct) is { } taken ? TypedResults.Ok(taken)
                : TypedResults.NoContent())
            .WithName("PullNextCase").WithSummary("Takes the top waiting case of your queues that you have the skills and room for; 204 when there is none.");
        agent.MapPost("/cases/{id:guid}/accept", async (Guid id, RoutingService router, ClaimsPrincipal user, CancellationToken ct) =>
                (await router.AcceptAsync(id, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("AcceptCase").WithSummary("The owner accepts an assigned case, so it is not taken back to the queue.");

        read.MapGet("/queues/board", async Task<Results<Ok<IReadOnlyList<QueueBoardRow>>, ForbidHttpResult>> (
                RoutingService router, ClaimsPrincipal user, CancellationToken ct) =>
                Actor.FromPrincipal(user).SeesAllCases ? TypedResults.Ok(await router.BoardAsync(ct)) : TypedResults.Forbid())
            .WithName("QueueBoard").WithSummary("For supervisors: waiting counts, longest wait, and who is online and how loaded, per queue.");
        return app;
    }

    private static Results<Created<T>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>> Created<T>(Outcome<T> outcome, Func<T, string> location) =>
        outcome switch
        {
            Outcome<T>.Ok ok => TypedResults.Created(location(ok.Value), ok.Value),
            Outcome<T>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            Outcome<T>.Conflict conflict => TypedResults.Conflict(OutcomeResults.ConflictProblem(conflict.Detail)),
            _ => TypedResults.NotFound(),
        };
}
