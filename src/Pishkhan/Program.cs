using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Pishkhan;
using Pishkhan.Components;
using Pishkhan.Features.Accounts;
using Pishkhan.Features.Automation;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Demo;
using Pishkhan.Features.Email;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Knowledge;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Features.Notifications;
using Pishkhan.Features.Portal;
using Pishkhan.Features.Portal.Knowledge;
using Pishkhan.Features.Reports;
using Pishkhan.Features.Routing;
using Pishkhan.Features.Satisfaction;
using Pishkhan.Features.Sla;
using Pishkhan.Features.Triage;
using Pishkhan.Localization;
using Pishkhan.Platform.Attachments;
using Pishkhan.Platform.Data;
using Pishkhan.Platform.Http;
using Scalar.AspNetCore;

// Microsoft.Data.Sqlite does its I/O synchronously under the async API, so every database call (and each commit's
// fsync) holds a thread-pool thread while it runs. On a small machine the pool starts with one thread per core and
// adds more only about twice a second once it sees work waiting, so a burst of background work (routing, reports,
// automation, the search index) left requests' socket reads queued for 100–300 ms. Starting with more threads keeps a
// free one for the requests (measured in docs/benchmarks.md: the API's p99 at 352 cases/s fell from 170–190 ms).
ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
ThreadPool.SetMinThreads(Math.Max(minWorkers, 32), minIo);

// Settings live in the database; appsettings files are read once at start. Reloading them on change would put a
// recursive file watcher on the content root, which (with the default data folder under it) wakes on every database
// write.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
var dataDirectory = Path.GetFullPath(builder.Configuration["Pishkhan:DataDirectory"] ?? "data");
Directory.CreateDirectory(dataDirectory);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));
builder.Services.AddPishkhanDatabase(builder.Configuration, dataDirectory);
builder.Services.AddHealthChecks().AddDbContextCheck<PishkhanDbContext>("database");
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
});

builder.Services.AddIdentityCore<AppUser>(o =>
    {
        o.User.RequireUniqueEmail = true;
        o.Password.RequiredLength = 8;
        o.Lockout.MaxFailedAccessAttempts = 5;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
    })
    .AddEntityFrameworkStores<PishkhanDbContext>()
    .AddSignInManager()
    .AddDefaultTokenProviders()
    .AddClaimsPrincipalFactory<PishkhanClaimsFactory>();

// One default scheme that picks the API key when the header is there, the sign-in cookie otherwise.
const string Smart = "Smart";
builder.Services.AddAuthentication(o =>
    {
        o.DefaultScheme = Smart;
        o.DefaultChallengeScheme = Smart;
    })
    .AddPolicyScheme(Smart, "API key or cookie", o => o.ForwardDefaultSelector = http =>
        http.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName) ? ApiKeyAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme)
    .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
    .AddIdentityCookies();
builder.Services.ConfigureApplicationCookie(o =>
{
    o.LoginPath = "/login";
    o.AccessDeniedPath = "/forbidden";
    o.Cookie.Name = "pishkhan.auth";
    o.SlidingExpiration = true;
    o.ExpireTimeSpan = TimeSpan.FromDays(14);
    o.Events.OnRedirectToLogin = ctx => ApiAwareRedirect(ctx, StatusCodes.Status401Unauthorized);
    o.Events.OnRedirectToAccessDenied = ctx => ApiAwareRedirect(ctx, StatusCodes.Status403Forbidden);
});
builder.Services.AddAuthorization(o =>
{
    foreach (var scope in Scopes.All)
    {
        o.AddPolicy(scope, p => p.RequireAuthenticatedUser().RequireClaim(Actor.ScopeClaim, scope));
    }

    o.AddPolicy(Actor.SupervisorPolicy, p => p.RequireAuthenticatedUser().RequireAssertion(ctx => Actor.FromPrincipal(ctx.User).SeesAllCases));
});
builder.Services.AddCascadingAuthenticationState();

builder.Services.Configure<AttachmentOptions>(builder.Configuration.GetSection("Pishkhan:Attachments"));
builder.Services.Configure<BootstrapOptions>(builder.Configuration.GetSection("Pishkhan:Bootstrap"));
builder.Services.AddSingleton(new AttachmentStore(Path.Combine(dataDirectory, "attachments")));
builder.Services.AddSingleton<CustomerUploads>();
builder.Services.AddSingleton<PriorityMatrices>();
builder.Services.AddSingleton<CategorisationRules>();
builder.Services.AddSingleton<CategoryClassifier>();
builder.Services.AddSingleton<Intake>();
builder.Services.AddHostedService<ClassifierWorker>();
builder.Services.AddSingleton<CreateCase>();
builder.Services.AddSingleton<UpdateCase>();
builder.Services.AddSingleton<AddCaseMessage>();
builder.Services.AddSingleton<ListCases>();
builder.Services.AddSingleton<GetCase>();
builder.Services.AddSingleton<CaseAttachments>();
builder.Services.AddSingleton<Lookups>();
builder.Services.AddSingleton<SaveContact>();
builder.Services.AddSingleton<GetContact>();
builder.Services.AddSingleton<SaveAccount>();
builder.Services.AddSingleton<ApiKeys>();
builder.Services.AddSingleton<CalendarResolver>();
builder.Services.AddSingleton<ApiKeyCache>();
builder.Services.AddSingleton<GetCalendars>();
builder.Services.AddSingleton<SaveCalendar>();
builder.Services.AddSingleton<DeleteCalendar>();
builder.Services.AddSingleton<SetDefaultCalendar>();
builder.Services.AddSingleton<AssignCalendar>();
builder.Services.AddSingleton<PreviewCalendar>();
builder.Services.AddSingleton<RoutingService>();
builder.Services.AddSingleton<RoutingSignals>();
builder.Services.AddSingleton<RoutingAdmin>();
builder.Services.AddHostedService<RoutingWorker>();
builder.Services.Configure<SlaOptions>(builder.Configuration.GetSection("Pishkhan:Sla"));
builder.Services.AddSingleton<SlaEngine>();
builder.Services.AddSingleton<SaveSlaPolicy>();
builder.Services.AddSingleton<GetCaseSla>();
builder.Services.AddSingleton<SlaSweeper>();
builder.Services.AddSingleton<SlaRecalculations>();
builder.Services.AddHostedService<SlaBackgroundService>();
builder.Services.AddNotifications();
builder.Services.AddKnowledgeBase(builder.Configuration["Pishkhan:Knowledge:IndexDirectory"] is { Length: > 0 } indexDirectory
    ? indexDirectory
    : Path.Combine(dataDirectory, "kb-index"));
builder.Services.AddEmail(builder.Configuration);
builder.Services.AddAutomation(builder.Configuration);
builder.Services.AddReports();
builder.Services.AddPortal(builder.Configuration);
builder.Services.AddPortalKnowledge();
builder.Services.AddSatisfaction();
builder.Services.AddScoped<Bootstrap>();
builder.Services.AddScoped<DemoData>();

builder.Services.AddLocalization();
builder.Services.AddSingleton<Texts>();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
// X-Frame-Options is set by UseFramePolicy (DENY everywhere but the embeddable web form), not by antiforgery's SAMEORIGIN.
builder.Services.AddAntiforgery(o => o.SuppressXFrameOptionsHeader = true);
builder.Services.AddMudServices();

var app = builder.Build();

if (args.Contains("migrate"))
{
    await DatabaseSetup.MigrateAsync(app.Services);
    app.Logger.LogInformation("Database migrated.");
    return;
}

if (args.Contains("reindex"))
{
    await DatabaseSetup.MigrateAsync(app.Services);
    await app.Services.GetRequiredService<KnowledgeIndex>().RebuildAsync(
        new Progress<IndexStatus>(s => Console.WriteLine($"Knowledge index: {s.Done}/{s.Total} articles")));
    await app.Services.GetRequiredService<CaseSearchIndex>().CatchUpAsync(rebuild: true);
    app.Logger.LogInformation("Knowledge index rebuilt.");
    return;
}

await StartUp.PrepareAsync(app, dataDirectory);

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseFramePolicy("/forms", () => app.Services.GetRequiredService<IOptions<WebFormOptions>>().Value.FrameAncestors);
app.UseRequestLocalization(o =>
{
    o.AddSupportedCultures(UiCulture.Persian, UiCulture.English).AddSupportedUICultures(UiCulture.Persian, UiCulture.English);
    o.SetDefaultCulture(UiCulture.Persian);
    o.ApplyCurrentCultureToResponseHeaders = true;
});
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference("/api/docs", o => o.WithTitle("Pishkhan API").WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();
app.MapHealthChecks("/health").AllowAnonymous();
app.MapSignInEndpoints();
app.MapCaseEndpoints();
app.MapContactEndpoints();
app.MapAccountEndpoints();
app.MapLookupEndpoints();
app.MapRoutingEndpoints();
app.MapApiKeyEndpoints();
app.MapCalendarEndpoints();
app.MapTriageEndpoints();
app.MapSlaEndpoints();
app.MapKnowledgeEndpoints();
app.MapNotificationEndpoints();
app.MapEmailEndpoints();
app.MapAutomationEndpoints();
app.MapReportEndpoints();
app.MapPortal();
app.MapPortalKnowledge();
app.MapSatisfaction();
// Framing is decided in one place (UseFramePolicy above), so Blazor's own "frame-ancestors 'self'" is turned off.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);

app.Run();

static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int apiStatus)
{
    if (ctx.Request.Path.StartsWithSegments("/api"))
    {
        ctx.Response.StatusCode = apiStatus;
        return Task.CompletedTask;
    }

    ctx.Response.Redirect(ctx.RedirectUri);
    return Task.CompletedTask;
}

/// <summary>The entry point type, public so the integration tests' factory can host the app.</summary>
public partial class Program;
