using Microsoft.AspNetCore.Authentication;
using Pishkhan.Features.Identity;

namespace Pishkhan.Features.Portal;

/// <summary>The customer portal's services and endpoints: its own cookie scheme, sign-in flows and case access.</summary>
public static class PortalSetup
{
    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(PortalCustomer.Scheme, o =>
        {
            o.Cookie.Name = PortalCustomer.CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/portal/login";
            o.AccessDeniedPath = "/portal";
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromDays(30);
            o.Events.OnRedirectToLogin = ctx =>
            {
                if (ctx.Request.Path.StartsWithSegments("/portal/api"))
                {
                    ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                }

                ctx.Response.Redirect(ctx.RedirectUri);
                return Task.CompletedTask;
            };
        });
        return services;
    }

    public static IEndpointRouteBuilder MapPortal(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/portal").ExcludeFromDescription().AllowAnonymous();
        group.MapPost("/account/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(PortalCustomer.Scheme);
            return Results.LocalRedirect("/portal");
        });

        // A plain link (GET) so it works from any portal page; it only changes the reader's own language cookie.
        group.MapGet("/language/{language}", (string language, string? returnUrl, HttpContext http) =>
        {
            if (!UiLanguage.IsSupported(language))
            {
                return Results.Problem(statusCode: 400, title: "Unsupported language", detail: "Use 'fa' or 'en'.");
            }

            SignInEndpoints.SetCultureCookie(http, language);
            return Results.LocalRedirect(PortalLinks.Local(returnUrl, "/portal"));
        });
        return app;
    }
}

/// <summary>Where the portal may send a browser back to: only its own pages.</summary>
public static class PortalLinks
{
    public static string Local(string? url, string fallback) =>
        !string.IsNullOrEmpty(url) && url.StartsWith("/portal", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\') ? url : fallback;
}
