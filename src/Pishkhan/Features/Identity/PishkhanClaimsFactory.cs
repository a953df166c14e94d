using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Pishkhan.Features.Identity;

/// <summary>Puts the user's role, scopes and language into the sign-in cookie.</summary>
public sealed class PishkhanClaimsFactory(UserManager<AppUser> userManager, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser>(userManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.RemoveClaim(identity.FindFirst(ClaimTypes.Name));
        identity.AddClaim(new Claim(ClaimTypes.Name, user.DisplayName));
        identity.AddClaim(new Claim(Actor.RoleClaim, user.Role.ToString()));
        identity.AddClaim(new Claim(Actor.LanguageClaim, user.Language));
        identity.AddClaims(Scopes.ForRole(user.Role).Select(s => new Claim(Actor.ScopeClaim, s)));
        return identity;
    }
}
