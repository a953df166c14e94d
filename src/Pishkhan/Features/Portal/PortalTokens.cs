using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Pishkhan.Features.Portal;

/// <summary>What a mailed portal link is for; each has its own protector, so one kind never passes for another.</summary>
public enum PortalTokenKind
{
    Verify,
    Reset,
    MagicLink,
}

/// <summary>
/// The links the portal mails (verify the address, reset the password, sign in without one): the account, an expiry and a
/// fingerprint of the account's state, encrypted and signed with ASP.NET Core Data Protection. A link dies when it expires,
/// when the password changes (reset and magic links carry the security stamp), and once used (a magic link carries the last
/// sign-in instant, which using it moves on). Expiry is checked against the app's clock, so tests can move time.
/// </summary>
public sealed class PortalTokens(IDataProtectionProvider protection, TimeProvider clock)
{
    public static TimeSpan Lifetime(PortalTokenKind kind) => kind switch
    {
        PortalTokenKind.Verify => TimeSpan.FromDays(2),
        PortalTokenKind.Reset => TimeSpan.FromHours(1),
        _ => TimeSpan.FromMinutes(15),
    };

    public string Create(PortalTokenKind kind, PortalAccount account)
    {
        var expires = clock.GetUtcNow().Add(Lifetime(kind)).ToUnixTimeSeconds();
        var payload = $"{account.Id:N}|{expires}|{Fingerprint(kind, account)}";
        return Protector(kind).Protect(payload);
    }

    /// <summary>The account id the token names, when it is well-formed, genuine and unexpired; check it with <see cref="Matches"/>.</summary>
    public (Guid AccountId, string Fingerprint)? Read(PortalTokenKind kind, string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 2000)
        {
            return null;
        }

        string payload;
        try
        {
            payload = Protector(kind).Unprotect(token);
        }
        catch (CryptographicException)
        {
            return null;
        }

        var parts = payload.Split('|');
        if (parts.Length != 3 || !Guid.TryParseExact(parts[0], "N", out var id) || !long.TryParse(parts[1], out var expires)
            || clock.GetUtcNow().ToUnixTimeSeconds() > expires)
        {
            return null;
        }

        return (id, parts[2]);
    }

    public static bool Matches(PortalTokenKind kind, PortalAccount account, string fingerprint) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Fingerprint(kind, account)), Encoding.UTF8.GetBytes(fingerprint));

    private static string Fingerprint(PortalTokenKind kind, PortalAccount account)
    {
        var state = kind switch
        {
            PortalTokenKind.Verify => account.Email,
            PortalTokenKind.Reset => $"{account.Email}/{account.SecurityStamp}",
            _ => $"{account.Email}/{account.SecurityStamp}/{account.LastSignInAt?.Ticks ?? 0}",
        };
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(state)))[..16];
    }

    private IDataProtector Protector(PortalTokenKind kind) => protection.CreateProtector("Pishkhan.Portal", kind.ToString());
}
