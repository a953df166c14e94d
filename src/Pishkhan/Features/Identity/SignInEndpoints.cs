using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Pishkhan.Features.Identity;

/// <summary>Cookie sign-in and sign-out for the agent UI, and the per-user language switch.</summary>
public static class SignInEndpoints
{
    public static IEndpointRouteBuilder MapSignInEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/account").ExcludeFromDescription();
        group.MapPost("/login", async ([FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl,
            SignInManager<AppUser> signIn, UserManager<AppUser> users, HttpContext http) =>
        {
            var target = LocalOr(returnUrl, "/");
            var user = string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email.Trim());
            if (user is null || !user.IsActive || string.IsNullOrEmpty(password))
            {
                return Results.LocalRedirect($"/login?error=invalid&returnUrl={Uri.EscapeDataString(target)}");
            }

            var result = await signIn.PasswordSignInAsync(user, password, isPersistent: true, lockoutOnFailure: true);
            if (!result.Succeeded)
            {
                var error = result.IsLockedOut ? "locked" : "invalid";
                return Results.LocalRedirect($"/login?error={error}&returnUrl={Uri.EscapeDataString(target)}");
            }

            SetCultureCookie(http, user.Language);
            return Results.LocalRedirect(target);
        }).AllowAnonymous();

        group.MapPost("/logout", async (SignInManager<AppUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/login");
        });

        // A plain link (GET) so it works from any page; it only changes the caller's own preference.
        group.MapGet("/language/{language}", async (string language, string? returnUrl, UserManager<AppUser> users, SignInManager<AppUser> signIn, ClaimsPrincipal principal, HttpContext http) =>
        {
            if (!UiLanguage.IsSupported(language))
            {
                return Results.Problem(statusCode: 400, title: "Unsupported language", detail: "Use 'fa' or 'en'.");
            }

            if (await users.GetUserAsync(principal) is { } user)
            {
                user.Language = language;
                await users.UpdateAsync(user);
                await signIn.RefreshSignInAsync(user);
            }

            SetCultureCookie(http, language);
            return Results.LocalRedirect(LocalOr(returnUrl, "/"));
        }).AllowAnonymous();
        return app;
    }

    public static void SetCultureCookie(HttpContext http, string language) =>
        http.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language)),
            new CookieOptions { Expires = DateTimeOffset.MaxValue, IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });

    private static string LocalOr(string? url, string fallback) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : fallback;
}
