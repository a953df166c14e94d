using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Sla;

/// <summary>
/// <c>/api/v1/sla-policies</c> (admin only: policies decide every agent's deadlines), <c>/api/v1/cases/{id}/sla</c>
/// (anyone who may see the case) and <c>/api/v1/sla/recalculations</c> (admin: progress of background recalculations).
/// </summary>
public static class SlaEndpoints
{
    public static IEndpointRouteBuilder MapSlaEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/sla-policies").WithTags("SLA").RequireAuthorization(Scopes.Admin);
        admin.MapGet("/", async Task<Ok<IReadOnlyList<SlaPolicyDto>>> (SaveSlaPolicy handler, CancellationToken ct) => TypedResults.Ok(await handler.ListAsync(ct)))
            .WithName("ListSlaPolicies").WithSummary("Lists SLA policies in the order they are checked (the first match wins).");
        admin.MapGet("/{id:guid}", async Task<Results<Ok<SlaPolicyDto>, NotFound>> (Guid id, SaveSlaPolicy handler, CancellationToken ct) =>
                await handler.ByIdAsync(id, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound())
            .WithName("GetSlaPolicy").WithSummary("Reads one SLA policy.");
        admin.MapPost("/", async Task<Results<Created<SlaPolicyDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                HttpRequest request, SaveSlaPolicy handler, ClaimsPrincipal user, CancellationToken ct) =>
                await ReadAsync<SlaPolicyRequest>(request, ct) switch
                {
                    Outcome<SlaPolicyRequest>.Ok body => await handler.SaveAsync(null, body.Value, Actor.FromPrincipal(user), ct) switch
                    {
                        Outcome<SlaPolicyDto>.Ok ok => TypedResults.Created($"/api/v1/sla-policies/{ok.Value.Id}", ok.Value),
                        Outcome<SlaPolicyDto>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                        Outcome<SlaPolicyDto>.Conflict conflict => TypedResults.Conflict(OutcomeResults.ConflictProblem(conflict.Detail)),
                        _ => TypedResults.NotFound(),
                    },
                    Outcome<SlaPolicyRequest>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
                })
            .Accepts<SlaPolicyRequest>("application/json")
            .WithName("CreateSlaPolicy").WithSummary("Creates a policy; 'position' (from 1) inserts it there, absent appends it. Each invalid item is named.");
        admin.MapPut("/{id:guid}", async Task<Results<Ok<SlaPolicyDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, HttpRequest request, SaveSlaPolicy handler, ClaimsPrincipal user, CancellationToken ct) =>
                await ReadAsync<SlaPolicyRequest>(request, ct) switch
                {
                    Outcome<SlaPolicyRequest>.Ok body => (await handler.SaveAsync(id, body.Value, Actor.FromPrincipal(user), ct)).ToHttp(),
                    Outcome<SlaPolicyRequest>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
                })
            .Accepts<SlaPolicyRequest>("application/json")
            .WithName("UpdateSlaPolicy").WithSummary("Replaces a policy; 'version' is required and a stale one gives 409. Open cases are recalculated in the background.");
        admin.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, SaveSlaPolicy handler, ClaimsPrincipal user, CancellationToken ct) =>
                await handler.DeleteAsync(id, Actor.FromPrincipal(user), ct) is Outcome<Guid>.Ok ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("DeleteSlaPolicy").WithSummary("Deletes a policy; its open instances are cancelled by the recalculation that follows.");
        admin.MapPut("/order", async Task<Results<Ok<IReadOnlyList<SlaPolicyDto>>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                SlaReorderRequest body, SaveSlaPolicy handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.ReorderAsync(body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("ReorderSlaPolicies").WithSummary("Sets the order of all policies: '{ ids: [...] }' with every policy id once.");

        var jobs = app.MapGroup("/api/v1/sla/recalculations").WithTags("SLA").RequireAuthorization(Scopes.Admin);
        jobs.MapGet("/", async Task<Ok<IReadOnlyList<SlaRecalculationDto>>> (SlaRecalculations handler, CancellationToken ct) => TypedResults.Ok(await handler.RecentAsync(ct)))
            .WithName("ListSlaRecalculations").WithSummary("The latest 50 recalculations of open SLA instances, with progress.");
        jobs.MapGet("/{id:guid}", async Task<Results<Ok<SlaRecalculationDto>, NotFound>> (Guid id, SlaRecalculations handler, CancellationToken ct) =>
                await handler.ByIdAsync(id, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound())
            .WithName("GetSlaRecalculation").WithSummary("One recalculation's progress: total, done, status.");

        app.MapGet("/api/v1/cases/{id:guid}/sla", async Task<Results<Ok<SlaCaseDto>, NotFound>> (Guid id, GetCaseSla handler, ClaimsPrincipal user, CancellationToken ct) =>
                await handler.ForCaseAsync(id, Actor.FromPrincipal(user), ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound())
            .WithTags("SLA").RequireAuthorization(Scopes.CasesRead)
            .WithName("GetCaseSla").WithSummary("The case's SLA instances now (replayed to the second), their events and timers, and which policy applies and why.");
        return app;
    }

    /// <summary>Reads a JSON body; a value of the wrong type is a 400 on its path (<c>targets[0].metric</c>), not a bare 400.</summary>
    internal static async Task<Outcome<T>> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        var errors = new FieldErrors();
        try
        {
            if (await JsonSerializer.DeserializeAsync<T>(request.Body, SlaPolicy.JsonOptions, ct) is { } value)
            {
                return value;
            }

            errors.Add("body", "The body must be a JSON object.");
        }
        catch (JsonException e)
        {
            var path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
            errors.Add(path.Length == 0 ? "body" : path, $"'{(path.Length == 0 ? "body" : path)}' has a value of the wrong type or an unknown name: {e.Message.Split(" Path:")[0]}");
        }

        return errors;
    }
}
