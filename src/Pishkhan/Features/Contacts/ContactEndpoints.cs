using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Auditing;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Contacts;

public static class ContactEndpoints
{
    public static IEndpointRouteBuilder MapContactEndpoints(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/v1/contacts").WithTags("Contacts").RequireAuthorization(Scopes.ContactsRead);
        var write = app.MapGroup("/api/v1/contacts").WithTags("Contacts").RequireAuthorization(Scopes.ContactsWrite);

        read.MapGet("/", async Task<Results<Ok<PagedResult<ContactDto>>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                string? q, string? phone, Guid? accountId, int? page, int? pageSize, GetContact handler, CancellationToken ct) =>
                (await handler.ListAsync(q, phone, accountId, page ?? 1, pageSize ?? Paging.DefaultPageSize, ct)).ToHttp())
            .WithName("ListContacts").WithSummary("Lists contacts; 'q' matches name, email or phone, 'phone' any form of a number.");
        read.MapGet("/{id:guid}", async Task<Results<Ok<ContactDto>, NotFound>> (Guid id, GetContact handler, CancellationToken ct) =>
                await handler.ByIdAsync(id, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound())
            .WithName("GetContact").WithSummary("Reads one contact.");
        read.MapGet("/{id:guid}/cases", async Task<Results<Ok<PagedResult<CaseDto>>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, int? page, int? pageSize, ListCases handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.HandleAsync(new CaseQuery(ContactId: id, Page: page ?? 1, PageSize: pageSize ?? Paging.DefaultPageSize), Actor.FromPrincipal(user), ct)).ToHttp())
            .RequireAuthorization(Scopes.CasesRead)
            .WithName("ListContactCases").WithSummary("The contact's case history (the cases you may see), newest first.");
        read.MapGet("/{id:guid}/audit", async Task<Results<Ok<List<AuditEntryDto>>, NotFound>> (Guid id, PishkhanDbContext db, CancellationToken ct) =>
                TypedResults.Ok(await AuditQueries.ForAsync(db, nameof(Contact), id, ct)))
            .WithName("GetContactAudit").WithSummary("Every change to the contact.");
        write.MapPost("/", async Task<Results<Created<ContactDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                ContactRequest body, SaveContact handler, ClaimsPrincipal user, CancellationToken ct) =>
                await handler.CreateAsync(body, Actor.FromPrincipal(user), ct) switch
                {
                    Outcome<ContactDto>.Ok ok => TypedResults.Created($"/api/v1/contacts/{ok.Value.Id}", ok.Value),
                    Outcome<ContactDto>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    Outcome<ContactDto>.Conflict conflict => TypedResults.Conflict(OutcomeResults.ConflictProblem(conflict.Detail)),
                    _ => TypedResults.NotFound(),
                })
            .WithName("CreateContact").WithSummary("Creates a contact.");
        write.MapPut("/{id:guid}", async Task<Results<Ok<ContactDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, ContactRequest body, SaveContact handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.UpdateAsync(id, body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("UpdateContact").WithSummary("Replaces a contact's fields; 'version' is required and a stale one gives 409.");
        return app;
    }
}
