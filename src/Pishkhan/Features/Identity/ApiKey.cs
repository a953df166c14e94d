namespace Pishkhan.Features.Identity;

/// <summary>
/// A credential for integrations, sent as <c>X-Api-Key</c>. Only the SHA-256 of the secret is kept;
/// the secret itself is shown once, when the key is made.
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }

    /// <summary>The first characters of the key, so people can tell keys apart in lists.</summary>
    public required string Prefix { get; set; }

    public required string SecretHash { get; set; }
    public List<string> Scopes { get; set; } = [];
    public Guid? CreatedByUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

/// <summary>What a caller may do. Users get scopes from their role; API keys carry their own.</summary>
public static class Scopes
{
    public const string CasesRead = "cases:read";
    public const string CasesWrite = "cases:write";
    public const string ContactsRead = "contacts:read";
    public const string ContactsWrite = "contacts:write";
    public const string Admin = "admin";
    public const string KbRead = "kb:read";
    public const string KbWrite = "kb:write";

    /// <summary>Approving and publishing knowledge-base articles (and archiving them): supervisors and admins.</summary>
    public const string KbPublish = "kb:publish";

    public static readonly IReadOnlyList<string> All = [CasesRead, CasesWrite, ContactsRead, ContactsWrite, Admin, KbRead, KbWrite, KbPublish];

    public static IReadOnlyList<string> ForRole(UserRole role) => role switch
    {
        UserRole.Admin => All,
        UserRole.Supervisor => [CasesRead, CasesWrite, ContactsRead, ContactsWrite, KbRead, KbWrite, KbPublish],
        _ => [CasesRead, CasesWrite, ContactsRead, ContactsWrite, KbRead, KbWrite],
    };
}
