using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pishkhan.Features.Identity;
using Pishkhan.Localization;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Attachments;

namespace Pishkhan.Features.Portal;

/// <summary>The customer portal's services and endpoints: its own cookie scheme, sign-in flows and case access.</summary>
public static class PortalSetup
{
    /// <summary>The rate-limit policy of sign-in, sign-up and "mail me a link" posts: per client address.</summary>
    public const string AuthLimit = "portal-auth";

    public static IServiceCollection AddPortal(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PortalOptions>(configuration.GetSection("Pishkhan:Portal"));
        services.AddSingleton<PortalTokens>();
        services.AddSingleton<PortalAccounts>();
        services.AddSingleton<PortalForms>();
        services.AddSingleton<PortalCases>();
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
            o.Events.OnValidatePrincipal = ValidateAsync;
        });
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(AuthLimit, http =>
            {
                var perMinute = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<PortalOptions>>().Value.AuthPostsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "local",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            o.OnRejected = (ctx, _) =>
            {
                ctx.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                if (ctx.HttpContext.Request.HasFormContentType)
                {
                    ctx.HttpContext.Response.Redirect("/portal/login?error=portal.error.tooMany");
                }

                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    /// <summary>
    /// Each portal request re-reads the account: a changed password (new security stamp) or a deleted account signs the
    /// cookie out at once, and a change to the contact (name, organisation admin) shows without signing in again.
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext ctx)
    {
        var accounts = ctx.HttpContext.RequestServices.GetRequiredService<PortalAccounts>();
        var claimed = PortalCustomer.FromPrincipal(ctx.Principal);
        var current = claimed is null ? null : await accounts.CurrentAsync(claimed.PortalAccountId, ctx.HttpContext.RequestAborted);
        if (current is not { } found || found.Stamp != PortalCustomer.StampOf(ctx.Principal!))
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(PortalCustomer.Scheme);
            return;
        }

        if (found.Customer != claimed)
        {
            ctx.ReplacePrincipal(found.Customer.ToPrincipal(found.Stamp));
            ctx.ShouldRenew = true;
        }
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

        group.MapPost("/account/login", async ([FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl, PortalAccounts accounts, HttpContext http) =>
        {
            var outcome = await accounts.SignInAsync(email, password, http.RequestAborted);
            if (!outcome.Succeeded)
            {
                return Results.LocalRedirect($"/portal/login?error={outcome.Errors.Values.First()}&email={Uri.EscapeDataString(email ?? "")}&returnUrl={Uri.EscapeDataString(returnUrl ?? "")}");
            }

            await SignInAsync(http, accounts, outcome.Account!);
            return Results.LocalRedirect(PortalLinks.Local(returnUrl, "/portal/cases"));
        }).RequireRateLimiting(AuthLimit);

        group.MapPost("/account/signup", async ([FromForm] string? name, [FromForm] string? email, [FromForm] string? password, [FromForm] string? website,
            PortalAccounts accounts, HttpContext http) =>
        {
            var back = $"&name={Uri.EscapeDataString(name ?? "")}&email={Uri.EscapeDataString(email ?? "")}";
            if (!string.IsNullOrEmpty(website))
            {
                // The honeypot: people never see the field, bots fill it in. They get the same answer and nothing happens.
                return Results.LocalRedirect("/portal/signup?sent=true");
            }

            var outcome = await accounts.SignUpAsync(name, email, password, Language(http), BaseUrl(http), http.RequestAborted);
            return outcome.Succeeded
                ? Results.LocalRedirect($"/portal/signup?sent=true&email={Uri.EscapeDataString(email ?? "")}")
                : Results.LocalRedirect($"/portal/signup?errors={Uri.EscapeDataString(string.Join(',', outcome.Errors.Select(e => $"{e.Key}:{e.Value}")))}{back}");
        }).RequireRateLimiting(AuthLimit);

        group.MapGet("/verify", async (string? token, PortalAccounts accounts, HttpContext http) =>
        {
            var outcome = await accounts.VerifyAsync(token, http.RequestAborted);
            if (!outcome.Succeeded)
            {
                return Results.LocalRedirect($"/portal/login?error={outcome.Errors.Values.First()}");
            }

            await SignInAsync(http, accounts, outcome.Account!);
            return Results.LocalRedirect("/portal/cases?welcome=true");
        }).RequireRateLimiting(AuthLimit);

        group.MapPost("/account/forgot", async ([FromForm] string? email, PortalAccounts accounts, HttpContext http) =>
        {
            var outcome = await accounts.SendLinkAsync(PortalTokenKind.Reset, email, Language(http), BaseUrl(http), http.RequestAborted);
            return Results.LocalRedirect(outcome.Succeeded ? "/portal/forgot?sent=true" : $"/portal/forgot?error={outcome.Errors.Values.First()}&email={Uri.EscapeDataString(email ?? "")}");
        }).RequireRateLimiting(AuthLimit);

        group.MapPost("/account/reset", async ([FromForm] string? token, [FromForm] string? password, PortalAccounts accounts, HttpContext http) =>
        {
            var outcome = await accounts.ResetPasswordAsync(token, password, http.RequestAborted);
            if (!outcome.Succeeded)
            {
                return Results.LocalRedirect($"/portal/reset?token={Uri.EscapeDataString(token ?? "")}&error={outcome.Errors.Values.First()}");
            }

            await SignInAsync(http, accounts, outcome.Account!);
            return Results.LocalRedirect("/portal/cases");
        }).RequireRateLimiting(AuthLimit);

        group.MapPost("/account/magic-link", async ([FromForm] string? email, PortalAccounts accounts, HttpContext http) =>
        {
            var outcome = await accounts.SendLinkAsync(PortalTokenKind.MagicLink, email, Language(http), BaseUrl(http), http.RequestAborted);
            return Results.LocalRedirect(outcome.Succeeded ? "/portal/login?linkSent=true" : $"/portal/login?error={outcome.Errors.Values.First()}&email={Uri.EscapeDataString(email ?? "")}");
        }).RequireRateLimiting(AuthLimit);

        group.MapPost("/account/magic", async ([FromForm] string? token, PortalAccounts accounts, HttpContext http) =>
        {
            var outcome = await accounts.SignInWithLinkAsync(token, http.RequestAborted);
            if (!outcome.Succeeded)
            {
                return Results.LocalRedirect($"/portal/login?error={outcome.Errors.Values.First()}");
            }

            await SignInAsync(http, accounts, outcome.Account!);
            return Results.LocalRedirect("/portal/cases");
        }).RequireRateLimiting(AuthLimit);

        MapApi(app);

        // For admins: how the portal offers each case category (its extra questions, hidden or not).
        var forms = app.MapGroup("/api/v1/portal/forms").WithTags("Portal").RequireAuthorization(Scopes.Admin);
        forms.MapGet("/", async (PortalForms handler, CancellationToken ct) => TypedResults.Ok(await handler.ListAsync(includeHidden: true, ct)))
            .WithSummary("Every case category as the portal offers it, with its fields.");
        forms.MapPut("/{categoryId:guid}", async (Guid categoryId, PortalFormRequest body, PortalForms handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.SaveAsync(categoryId, body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithSummary("Sets a category's portal form: hidden or not, an introduction (fa/en) and its fields (text, number, date, select).");
        return app;
    }

    private static void MapApi(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/portal/api").WithTags("Portal").RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = PortalCustomer.Scheme });
        api.MapGet("/cases", async (string? state, PortalCases cases, HttpContext http) =>
            Results.Ok(await cases.ListAsync(Customer(http), state != "closed", http.RequestAborted)))
            .WithSummary("The signed-in customer's requests (state=open, the default, or closed).");
        api.MapGet("/cases/{id:guid}", async (Guid id, PortalCases cases, HttpContext http) =>
            await cases.GetAsync(Customer(http), id, http.RequestAborted) is { } found ? Results.Ok(found) : Results.NotFound())
            .WithSummary("One request with its public messages; another customer's request is 404.");
        api.MapPost("/cases", async (PortalNewCase body, PortalCases cases, HttpContext http, Texts texts) =>
            Problem(await cases.CreateAsync(Customer(http), body, [], http.RequestAborted), texts, c => Results.Created($"/portal/api/cases/{c.Id}", c)))
            .WithSummary("Opens a request (files: use the portal's form).");
        api.MapPost("/cases/{id:guid}/replies", async (Guid id, PortalReply body, PortalCases cases, HttpContext http, Texts texts) =>
            Problem(await cases.ReplyAsync(Customer(http), id, body.Body, [], http.RequestAborted), texts, m => Results.Ok(m)))
            .WithSummary("Adds the customer's message to their request.");
        api.MapPost("/cases/{id:guid}/close", async (Guid id, PortalCases cases, HttpContext http, Texts texts) =>
            Problem(await cases.SetOpenAsync(Customer(http), id, open: false, http.RequestAborted), texts, c => Results.Ok(c)));
        api.MapPost("/cases/{id:guid}/reopen", async (Guid id, PortalCases cases, HttpContext http, Texts texts) =>
            Problem(await cases.SetOpenAsync(Customer(http), id, open: true, http.RequestAborted), texts, c => Results.Ok(c)));
        api.MapGet("/attachments/{id:guid}", async (Guid id, PortalCases cases, HttpContext http) =>
        {
            if (await cases.OpenAttachmentAsync(Customer(http), id, http.RequestAborted) is not { } found)
            {
                return Results.NotFound();
            }

            // Always a download, never rendered by the browser as a page of ours.
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
            return Results.File(found.Content, ContentSniffer.SafeDownloadType(found.Attachment.ContentType), found.Attachment.FileName);
        }).WithSummary("A file from a public message of the customer's own request, always as a download.");
    }

    public static async Task SignInAsync(HttpContext http, PortalAccounts accounts, PortalAccount account)
    {
        var customer = await accounts.CustomerAsync(account.Id, http.RequestAborted) ?? throw new InvalidOperationException("The account has no contact.");
        await http.SignInAsync(PortalCustomer.Scheme, customer.ToPrincipal(account.SecurityStamp), new AuthenticationProperties { IsPersistent = true });
        SignInEndpoints.SetCultureCookie(http, customer.Language);
    }

    private static PortalCustomer Customer(HttpContext http) =>
        PortalCustomer.FromPrincipal(http.User) ?? throw new InvalidOperationException("The portal API runs only for a signed-in customer.");

    private static string Language(HttpContext http) => UiCulture.IsPersian ? UiLanguage.Persian : UiLanguage.English;

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";

    /// <summary>Portal outcomes carry text keys as their errors; the API answers with their English texts.</summary>
    private static IResult Problem<T>(Platform.Api.Outcome<T> outcome, Texts texts, Func<T, IResult> ok) => outcome switch
    {
        Platform.Api.Outcome<T>.Ok done => ok(done.Value),
        Platform.Api.Outcome<T>.Invalid invalid => Results.ValidationProblem(invalid.Errors.ToDictionary(e => e.Key, e => e.Value.Select(m => Texts.Has(m) ? texts.Get(m, fa: false) : m).ToArray())),
        Platform.Api.Outcome<T>.Conflict conflict => Results.Problem(statusCode: 409, title: "Conflict", detail: Texts.Has(conflict.Detail) ? texts.Get(conflict.Detail, fa: false) : conflict.Detail),
        _ => Results.NotFound(),
    };
}

public sealed record PortalReply(string? Body);

/// <summary>Where the portal may send a browser back to: only its own pages.</summary>
public static class PortalLinks
{
    public static string Local(string? url, string fallback) =>
        !string.IsNullOrEmpty(url) && url.StartsWith("/portal", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\') ? url : fallback;
}
