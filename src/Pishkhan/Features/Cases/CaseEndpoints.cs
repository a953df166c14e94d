using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Auditing;
using Pishkhan.Platform.Idempotency;

namespace Pishkhan.Features.Cases;

public static class CaseEndpoints
{
    public static IEndpointRouteBuilder MapCaseEndpoints(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/v1/cases").WithTags("Cases").RequireAuthorization(Scopes.CasesRead);
        var write = app.MapGroup("/api/v1/cases").WithTags("Cases").RequireAuthorization(Scopes.CasesWrite);

        read.MapGet("/", ListAsync).WithName("ListCases")
            .WithSummary("Lists the cases you may see, filtered, sorted and paged.");
        read.MapGet("/{id:guid}", GetAsync).WithName("GetCase").WithSummary("Reads one case.");
        read.MapGet("/by-number/{number}", GetByNumberAsync).WithName("GetCaseByNumber").WithSummary("Reads one case by its number, e.g. 1405-000123.");
        read.MapGet("/{id:guid}/timeline", TimelineAsync).WithName("GetCaseTimeline").WithSummary("The case's messages, notes and events, oldest first.");
        read.MapGet("/{id:guid}/audit", AuditAsync).WithName("GetCaseAudit").WithSummary("Every change to the case: who, when, field, before, after.");
        write.MapPost("/", CreateAsync).WithName("CreateCase")
            .WithSummary("Opens a case. Send an Idempotency-Key header to make retries safe.");
        write.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateCase")
            .WithSummary("Changes fields of a case (JSON merge patch). 'version' is required; a stale one gives 409.")
            .Accepts<JsonElement>("application/json", "application/merge-patch+json");
        write.MapPost("/{id:guid}/replies", (Guid id, CaseMessageRequest body, AddCaseMessage handler, ClaimsPrincipal user, CancellationToken ct) =>
                MessageAsync(id, body, isPublicReply: true, handler, user, ct))
            .WithName("ReplyToCase").WithSummary("Adds a public reply to the customer.");
        write.MapPost("/{id:guid}/notes", (Guid id, CaseMessageRequest body, AddCaseMessage handler, ClaimsPrincipal user, CancellationToken ct) =>
                MessageAsync(id, body, isPublicReply: false, handler, user, ct))
            .WithName("AddCaseNote").WithSummary("Adds an internal note, which the customer never sees.");
        write.MapPost("/{id:guid}/attachments", UploadAsync).WithName("UploadCaseAttachment")
            .WithSummary("Uploads a file (multipart field 'file') to link to a reply or note.")
            .DisableAntiforgery();
        app.MapGet("/api/v1/attachments/{id:guid}", DownloadAsync).WithTags("Cases").RequireAuthorization(Scopes.CasesRead)
            .WithName("DownloadAttachment").WithSummary("Downloads a file; always as an attachment, never rendered inline.");
        return app;
    }

    private static async Task<Results<Ok<PagedResult<CaseDto>>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> ListAsync(
        [AsParameters] CaseQueryParameters parameters, ListCases handler, ClaimsPrincipal user, CancellationToken ct) =>
        (await handler.HandleAsync(parameters.ToQuery(), Actor.FromPrincipal(user), ct)).ToHttp();

    private static async Task<Results<Ok<CaseDto>, NotFound>> GetAsync(Guid id, GetCase handler, ClaimsPrincipal user, CancellationToken ct) =>
        await handler.ByIdAsync(id, Actor.FromPrincipal(user), ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();

    private static async Task<Results<Ok<CaseDto>, NotFound>> GetByNumberAsync(string number, GetCase handler, ClaimsPrincipal user, CancellationToken ct) =>
        await handler.ByNumberAsync(number, Actor.FromPrincipal(user), ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();

    private static async Task<Results<Ok<IReadOnlyList<TimelineEntryDto>>, NotFound>> TimelineAsync(Guid id, GetCase handler, ClaimsPrincipal user, CancellationToken ct) =>
        await handler.TimelineAsync(id, Actor.FromPrincipal(user), ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();

    private static async Task<Results<Ok<IReadOnlyList<AuditEntryDto>>, NotFound>> AuditAsync(Guid id, GetCase handler, ClaimsPrincipal user, CancellationToken ct) =>
        await handler.AuditAsync(id, Actor.FromPrincipal(user), ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();

    private static async Task<Results<Created<CaseDto>, ValidationProblem, Conflict<HttpValidationProblemDetails>>> CreateAsync(
        CreateCaseRequest body,
        [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey,
        CreateCase handler,
        ClaimsPrincipal user,
        CancellationToken ct)
    {
        if (idempotencyKey is not null && !IdempotencyKey.IsValid(idempotencyKey))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [IdempotencyKey.Header] = [$"The {IdempotencyKey.Header} header must be 1–{IdempotencyKey.MaxLength} characters."],
            });
        }

        return await handler.HandleAsync(body, Actor.FromPrincipal(user), idempotencyKey, ct) switch
        {
            Outcome<CaseDto>.Ok ok => TypedResults.Created($"/api/v1/cases/{ok.Value.Id}", ok.Value),
            Outcome<CaseDto>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            Outcome<CaseDto>.Conflict conflict => TypedResults.Conflict(OutcomeResults.ConflictProblem(conflict.Detail)),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };
    }

    private static async Task<Results<Ok<CaseDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> UpdateAsync(
        Guid id, HttpRequest request, UpdateCase handler, ClaimsPrincipal user, CancellationToken ct)
    {
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"The body is not valid JSON: {e.Message}"] });
        }

        return CaseChanges.FromJson(body) switch
        {
            Outcome<CaseChanges>.Ok ok => (await handler.HandleAsync(id, ok.Value, Actor.FromPrincipal(user), ct)).ToHttp(),
            Outcome<CaseChanges>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };
    }

    private static async Task<Results<Ok<TimelineEntryDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> MessageAsync(
        Guid id, CaseMessageRequest body, bool isPublicReply, AddCaseMessage handler, ClaimsPrincipal user, CancellationToken ct) =>
        (await handler.HandleAsync(id, body, isPublicReply, Actor.FromPrincipal(user), ct)).ToHttp();

    private static async Task<Results<Ok<AttachmentDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> UploadAsync(
        Guid id, IFormFile? file, CaseAttachments handler, ClaimsPrincipal user, CancellationToken ct)
    {
        if (file is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Send the file as the multipart field 'file'."] });
        }

        await using var content = file.OpenReadStream();
        return (await handler.UploadAsync(id, file.FileName, file.ContentType, content, Actor.FromPrincipal(user), ct)).ToHttp();
    }

    private static async Task<Results<FileStreamHttpResult, NotFound>> DownloadAsync(Guid id, CaseAttachments handler, ClaimsPrincipal user, HttpResponse response, CancellationToken ct)
    {
        if (await handler.OpenAsync(id, Actor.FromPrincipal(user), ct) is not { } found)
        {
            return TypedResults.NotFound();
        }

        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        return TypedResults.File(found.Content, found.Attachment.ContentType, found.Attachment.FileName);
    }
}

/// <summary>The list's query-string parameters.</summary>
public sealed record CaseQueryParameters(
    Guid? StatusId,
    string? StatusCategory,
    Guid? TeamId,
    string? Owner,
    string? Priority,
    Guid? ContactId,
    Guid? AccountId,
    string? Q,
    string? Sort,
    int? Page,
    int? PageSize)
{
    public CaseQuery ToQuery() => new(StatusId, StatusCategory, TeamId, Owner, Priority, ContactId, AccountId, Q, Sort, Page ?? 1, PageSize ?? Paging.DefaultPageSize);
}
