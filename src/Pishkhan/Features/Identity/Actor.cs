using System.Security.Claims;

namespace Pishkhan.Features.Identity;

/// <summary>
/// Who is acting: a signed-in user or an API key. Handlers take it explicitly, so authorisation and
/// the audit trail never depend on ambient state.
/// </summary>
public sealed record Actor(Guid? UserId, Guid? ApiKeyId, string Name, UserRole Role, IReadOnlySet<string> Scopes)
{
    public const string ApiKeyIdClaim = "pishkhan:api_key";
    public const string RoleClaim = "pishkhan:role";
    public const string ScopeClaim = "scope";
    public const string LanguageClaim = "pishkhan:lang";

    /// <summary>The authorisation policy of pages and endpoints for supervisors and admins (and API keys).</summary>
    public const string SupervisorPolicy = "supervisor";

    /// <summary>Supervisors, admins and API keys see every case; agents see their teams' and their own.</summary>
    public bool SeesAllCases => ApiKeyId is not null || Role >= UserRole.Supervisor;

    public bool Can(string scope) => Scopes.Contains(scope);

    /// <summary>The principal key under which idempotency keys are remembered.</summary>
    public string PrincipalKey => ApiKeyId is { } key ? $"key:{key}" : $"user:{UserId}";

    public static Actor System { get; } = new(null, null, "Pishkhan", UserRole.Admin, new HashSet<string>(Identity.Scopes.All));

    public static Actor FromPrincipal(ClaimsPrincipal principal)
    {
        var scopes = principal.FindAll(ScopeClaim).Select(c => c.Value).ToHashSet();
        var role = Enum.TryParse<UserRole>(principal.FindFirstValue(RoleClaim), out var r) ? r : UserRole.Agent;
        var name = principal.FindFirstValue(ClaimTypes.Name) ?? "";
        if (Guid.TryParse(principal.FindFirstValue(ApiKeyIdClaim), out var keyId))
        {
            return new Actor(null, keyId, name, role, scopes);
        }

        var userId = Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : (Guid?)null;
        return new Actor(userId, null, name, role, scopes);
    }
}
