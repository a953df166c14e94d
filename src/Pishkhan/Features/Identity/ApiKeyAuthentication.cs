using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Identity;

/// <summary>Authenticates <c>X-Api-Key</c> by the SHA-256 of the key; a revoked or unknown key fails.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbContextFactory<PishkhanDbContext> dbFactory,
    ApiKeyCache cache,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.Count == 0 || string.IsNullOrWhiteSpace(values[0]))
        {
            return AuthenticateResult.NoResult();
        }

        var hash = HashOf(values[0]!);
        var now = clock.GetUtcNow();
        if (!cache.TryGet(hash, now, out var key))
        {
            var generation = cache.Generation;
            await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
            key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.SecretHash == hash, Context.RequestAborted);
            cache.Remember(hash, key, now, generation);
        }

        if (key is null || key.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        var claims = new List<Claim>
        {
            new(Actor.ApiKeyIdClaim, key.Id.ToString()),
            new(ClaimTypes.Name, $"API key '{key.Name}'"),
            new(Actor.RoleClaim, (key.Scopes.Contains(Scopes.Admin) ? UserRole.Admin : UserRole.Supervisor).ToString()),
        };
        claims.AddRange(key.Scopes.Select(s => new Claim(Actor.ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim())));
}

/// <summary>
/// Remembers API key lookups for a few seconds, so a busy integration does not cost a database read per request.
/// A revocation through this process forgets everything at once; one made by another process on the same
/// database takes effect here within <see cref="Lifetime"/>.
/// </summary>
public sealed class ApiKeyCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ApiKey? Key, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);
    private long _generation;

    public bool TryGet(string hash, DateTimeOffset now, out ApiKey? key)
    {
        if (_entries.TryGetValue(hash, out var entry) && entry.Until > now)
        {
            key = entry.Key;
            return true;
        }

        key = null;
        return false;
    }

    /// <summary>Counts <see cref="ForgetAll"/> calls; read it before a lookup and hand it to <see cref="Remember"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>
    /// Unknown keys are remembered too (as null), so guessing keys cannot flood the database. A lookup that began before
    /// a revocation (its <paramref name="generation"/> is older) is not remembered: it may have read the key unrevoked.
    /// </summary>
    public void Remember(string hash, ApiKey? key, DateTimeOffset now, long generation)
    {
        if (generation != Generation)
        {
            return;
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[hash] = (key, now + Lifetime);
    }

    public void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }
}
