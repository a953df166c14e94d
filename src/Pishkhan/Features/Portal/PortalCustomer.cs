using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Pishkhan.Features.Portal;

/// <summary>
/// A customer signed in to the portal: their portal account, the contact they are, and the organisation (account)
/// whose cases they may see when the contact is marked its organisation admin. Read from the portal's own cookie
/// scheme, never from the agents' one, so a portal sign-in grants nothing under <c>/api/v1</c> or the agent UI.
/// </summary>
public sealed record PortalCustomer(Guid PortalAccountId, Guid ContactId, string Name, string Email, string Language, Guid? OrganisationId)
{
    public const string Scheme = "Portal";
    public const string CookieName = "pishkhan.portal";
    private const string ContactClaim = "pishkhan:contact";
    private const string OrganisationClaim = "pishkhan:organisation";
    private const string LanguageClaim = "pishkhan:lang";
    private const string StampClaim = "pishkhan:stamp";
    private static readonly object ItemKey = new();

    /// <summary>Whether the customer sees their organisation's cases, not only their own.</summary>
    public bool SeesOrganisation => OrganisationId is not null;

    public ClaimsPrincipal ToPrincipal(string securityStamp) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, PortalAccountId.ToString()),
            new Claim(ClaimTypes.Name, Name),
            new Claim(ClaimTypes.Email, Email),
            new Claim(ContactClaim, ContactId.ToString()),
            new Claim(LanguageClaim, Language),
            new Claim(StampClaim, securityStamp),
            .. OrganisationId is { } org ? [new Claim(OrganisationClaim, org.ToString())] : Array.Empty<Claim>(),
        ],
        Scheme));

    public static PortalCustomer? FromPrincipal(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true
            || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var accountId)
            || !Guid.TryParse(principal.FindFirstValue(ContactClaim), out var contactId))
        {
            return null;
        }

        var organisation = Guid.TryParse(principal.FindFirstValue(OrganisationClaim), out var org) ? org : (Guid?)null;
        return new PortalCustomer(accountId, contactId, principal.FindFirstValue(ClaimTypes.Name) ?? "", principal.FindFirstValue(ClaimTypes.Email) ?? "",
            principal.FindFirstValue(LanguageClaim) ?? "fa", organisation);
    }

    public static string? StampOf(ClaimsPrincipal principal) => principal.FindFirstValue(StampClaim);

    /// <summary>The customer of this request (authenticated once per request with the portal scheme), or null.</summary>
    public static async Task<PortalCustomer?> OfAsync(HttpContext http)
    {
        if (http.Items.TryGetValue(ItemKey, out var known))
        {
            return known as PortalCustomer;
        }

        var result = await http.AuthenticateAsync(Scheme);
        var customer = result.Succeeded ? FromPrincipal(result.Principal) : null;
        http.Items[ItemKey] = customer;
        return customer;
    }
}
