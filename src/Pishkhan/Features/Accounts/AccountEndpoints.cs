using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Accounts;

public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/v1/accounts").WithTags("Accounts").RequireAuthorization(Scopes.ContactsRead);
        var write = app.MapGroup("/api/v1/accounts").WithTags("Accounts").RequireAuthorization(Scopes.ContactsWrite);
        read.MapGet("/", async Task<Results<Ok<PagedResult<AccountDto>>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                string? q, int? page, int? pageSize, SaveAccount handler, CancellationToken ct) =>
                (await handler.ListAsync(q, page ?? 1, pageSize ?? Paging.DefaultPageSize, ct)).ToHttp())
            .WithName("ListAccounts").WithSummary("Lists accounts (organisations); 'q' matches name or domain.");
        read.MapGet("/{id:guid}", async Task<Results<Ok<AccountDto>, NotFound>> (Guid id, SaveAccount handler, CancellationToken ct) =>
                await handler.ByIdAsync(id, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound())
            .WithName("GetAccount").WithSummary("Reads one account.");
        write.MapPost("/", async Task<Results<Created<AccountDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                AccountRequest body, SaveAccount handler, ClaimsPrincipal user, CancellationToken ct) =>
                await handler.SaveAsync(null, body, Actor.FromPrincipal(user), ct) switch
                {
                    Outcome<AccountDto>.Ok ok => TypedResults.Created($"/api/v1/accounts/{ok.Value.Id}", ok.Value),
                    Outcome<AccountDto>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    Outcome<AccountDto>.Conflict conflict => TypedResults.Conflict(OutcomeResults.ConflictProblem(conflict.Detail)),
                    _ => TypedResults.NotFound(),
                })
            .WithName("CreateAccount").WithSummary("Creates an account.");
        write.MapPut("/{id:guid}", async Task<Results<Ok<AccountDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, AccountRequest body, SaveAccount handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.SaveAsync(id, body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("UpdateAccount").WithSummary("Replaces an account's fields; 'version' is required and a stale one gives 409.");
        return app;
    }
}
