using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Identity;

public sealed record ApiKeyDto(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTime CreatedAt, DateTime? RevokedAt);

/// <summary>The only time the whole key is shown.</summary>
public sealed record CreatedApiKeyDto(ApiKeyDto Key, string Secret);

public sealed record CreateApiKeyRequest(string? Name, List<string>? Scopes);

/// <summary>Issues, lists and revokes API keys. Keys are random, shown once, and stored only as a hash.</summary>
public sealed class ApiKeys(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock, ApiKeyCache cache)
{
    public async Task<Outcome<CreatedApiKeyDto>> CreateAsync(CreateApiKeyRequest request, Actor actor, string? secret = null, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        errors.Required("name", request.Name);
        errors.MaxLength("name", request.Name, 100);
        if (request.Scopes is not { Count: > 0 })
        {
            errors.Add("scopes", $"Give at least one scope: {string.Join(", ", Scopes.All)}.");
        }
        else
        {
            foreach (var unknown in request.Scopes.Except(Scopes.All))
            {
                errors.Add("scopes", $"'{unknown}' is not a scope; use {string.Join(", ", Scopes.All)}.");
            }
        }

        if (errors.Any)
        {
            return errors;
        }

        secret ??= "pk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var key = new ApiKey
        {
            Name = request.Name!.Trim(),
            Prefix = secret[..Math.Min(10, secret.Length)],
            SecretHash = ApiKeyAuthenticationHandler.HashOf(secret),
            Scopes = request.Scopes!.Distinct().ToList(),
            CreatedByUserId = actor.UserId,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return new CreatedApiKeyDto(ToDto(key), secret);
    }

    public async Task<IReadOnlyList<ApiKeyDto>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(ct);
        return keys.Select(ToDto).ToList();
    }

    public async Task<bool> RevokeAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return false;
        }

        key.RevokedAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        cache.ForgetAll();
        return true;
    }

    private static ApiKeyDto ToDto(ApiKey k) => new(k.Id, k.Name, k.Prefix, k.Scopes, k.CreatedAt, k.RevokedAt);
}

public static class ApiKeyEndpoints
{
    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/api-keys").WithTags("API keys").RequireAuthorization(Scopes.Admin);
        admin.MapGet("/", async (ApiKeys keys, CancellationToken ct) => TypedResults.Ok(await keys.ListAsync(ct)))
            .WithName("ListApiKeys").WithSummary("Lists API keys (never their secrets).");
        admin.MapPost("/", async Task<Results<Created<CreatedApiKeyDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                CreateApiKeyRequest body, ApiKeys keys, ClaimsPrincipal user, CancellationToken ct) =>
                await keys.CreateAsync(body, Actor.FromPrincipal(user), ct: ct) switch
                {
                    Outcome<CreatedApiKeyDto>.Ok ok => TypedResults.Created($"/api/v1/api-keys/{ok.Value.Key.Id}", ok.Value),
                    Outcome<CreatedApiKeyDto>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => TypedResults.NotFound(),
                })
            .WithName("CreateApiKey").WithSummary("Issues an API key with the given scopes; the secret is in this response only.");
        admin.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, ApiKeys keys, ClaimsPrincipal user, CancellationToken ct) =>
                await keys.RevokeAsync(id, Actor.FromPrincipal(user), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("RevokeApiKey").WithSummary("Revokes an API key at once.");
        return app;
    }
}
