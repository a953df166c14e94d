using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Data;

namespace Pishkhan.Tests;

/// <summary>
/// The app as it runs, on a fresh SQLite file — or, when <c>PISHKHAN_TEST_POSTGRES</c> holds a connection string, on a
/// fresh PostgreSQL database made for this factory — with intent methods the scenarios read like.
/// </summary>
public sealed partial class PishkhanAppFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@test.local";
    public const string Password = "Test-Passw0rd!";
    public const string AdminApiKey = "pk_test_admin_key_0123456789";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "pishkhan-tests", Guid.NewGuid().ToString("N"));
    private readonly string? _postgres;
    private readonly bool _seedDemo;
    private readonly bool _ownsDatabase = true;
    private readonly ServerErrors _serverErrors = new();
    private readonly TimeProvider? _clock;
    private readonly IReadOnlyDictionary<string, string>? _settings;

    public PishkhanAppFactory()
        : this(seedDemo: false)
    {
    }

    /// <param name="seedDemo">Seed the demo data on start.</param>
    /// <param name="clock">A clock the test moves (replaces <see cref="TimeProvider.System"/>).</param>
    /// <param name="settings">Extra configuration, e.g. <c>Pishkhan:Sla:Background = false</c>.</param>
    internal PishkhanAppFactory(bool seedDemo, TimeProvider? clock = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        _seedDemo = seedDemo;
        _clock = clock;
        _settings = settings;
        var server = Environment.GetEnvironmentVariable("PISHKHAN_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(server))
        {
            _postgres = new NpgsqlConnectionStringBuilder(server) { Database = $"pishkhan_test_{Guid.NewGuid():N}" }.ConnectionString;
        }
    }

    /// <summary>A second app process on the same database (and data directory) as <paramref name="first"/>, which owns and drops it.</summary>
    internal PishkhanAppFactory(PishkhanAppFactory first, TimeProvider? clock = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        _dataDirectory = first._dataDirectory;
        _postgres = first._postgres;
        _seedDemo = false;
        _ownsDatabase = false;
        _clock = clock ?? first._clock;
        // Its own knowledge index: a search index belongs to one process (Lucene allows one writer per folder).
        _settings = new Dictionary<string, string>(settings ?? first._settings ?? new Dictionary<string, string>())
        {
            ["Pishkhan:Knowledge:IndexDirectory"] = Path.Combine(_dataDirectory, $"kb-index-{Guid.NewGuid():N}"),
        };
    }

    public static bool OnPostgres => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("PISHKHAN_TEST_POSTGRES"));

    public string DataDirectory => _dataDirectory;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(_serverErrors));
        builder.UseSetting("Pishkhan:DataDirectory", _dataDirectory);
        builder.UseSetting("Pishkhan:SeedDemoData", _seedDemo ? "true" : "false");
        builder.UseSetting("Pishkhan:Bootstrap:AdminEmail", AdminEmail);
        builder.UseSetting("Pishkhan:Bootstrap:AdminPassword", Password);
        builder.UseSetting("Pishkhan:Bootstrap:ApiKey", AdminApiKey);
        builder.UseSetting("Pishkhan:Attachments:MaxBytes", "1024");
        builder.UseSetting("Database:Provider", _postgres is null ? "Sqlite" : "Postgres");
        builder.UseSetting("Database:ConnectionString", _postgres ?? "");
        foreach (var (key, value) in _settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (_clock is { } clock)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _postgres is not null && _ownsDatabase)
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_postgres) { Database = "postgres" }.ConnectionString);
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = $"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(_postgres).Database}\" WITH (FORCE)";
            drop.ExecuteNonQuery();
        }
    }

    /// <summary>A client that authenticates with an API key (the bootstrap admin key by default).</summary>
    public HttpClient ApiClient(string apiKey = AdminApiKey)
    {
        var client = Client();
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, apiKey);
        return client;
    }

    public HttpClient AnonymousClient() => Client();

    /// <summary>A client that keeps cookies, does not follow redirects, and fails a 5xx answer with the server's logged error.</summary>
    private HttpClient Client() => CreateDefaultClient(new Uri("http://localhost"), new ServerErrors.Reporter(_serverErrors), new CookieContainerHandler());

    public async Task<string> CreateApiKeyAsync(params string[] scopes)
    {
        var response = await ApiClient().PostAsJsonAsync("/api/v1/api-keys", new { name = "test " + Guid.NewGuid().ToString("N")[..6], scopes }, Json);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedApiKeyDto>(Json))!.Secret;
    }

    public async Task<ContactDto> CreateContactAsync(string? name = null, string[]? emails = null, string[]? phones = null)
    {
        var response = await ApiClient().PostAsJsonAsync("/api/v1/contacts", new ContactRequest(name ?? "Contact " + Guid.NewGuid().ToString("N")[..6], Emails: emails?.ToList(), Phones: phones?.ToList()), Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ContactDto>(Json))!;
    }

    public async Task<CaseDto> CreateCaseAsync(string subject = "Printer is on fire", Guid? contactId = null, HttpClient? client = null, Guid? teamId = null, string? priority = null)
    {
        contactId ??= (await CreateContactAsync()).Id;
        var response = await (client ?? ApiClient()).PostAsJsonAsync("/api/v1/cases", new CreateCaseRequest(subject, "Smoke everywhere.", contactId, TeamId: teamId, Priority: priority), Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CaseDto>(Json))!;
    }

    /// <summary>Creates a business calendar through the API (a fresh name each time) and returns its id.</summary>
    /// <param name="definition">A <c>CalendarDefinition</c>, or any object of the same JSON shape.</param>
    public async Task<Guid> CreateCalendarAsync(object definition, string name = "Calendar")
    {
        var response = await ApiClient().PostAsJsonAsync("/api/v1/calendars", new { name = $"{name} {Guid.NewGuid():N}", definition }, Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Features.Calendars.CalendarDto>(Json))!.Id;
    }

    public async Task<Guid> CreateTeamAsync(string name)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PishkhanDbContext>();
        var team = new Team { Name = name };
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        return team.Id;
    }

    public async Task<AppUser> CreateUserAsync(string email, UserRole role, params Guid[] teamIds)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, DisplayName = email, Role = role, Language = UiLanguage.English };
        var result = await users.CreateAsync(user, Password);
        Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Description)));
        var db = scope.ServiceProvider.GetRequiredService<PishkhanDbContext>();
        db.TeamMembers.AddRange(teamIds.Select(t => new TeamMember { TeamId = t, UserId = user.Id }));
        await db.SaveChangesAsync();
        return user;
    }

    /// <summary>Signs in through the real login form (antiforgery token and all) and returns a client holding the cookie.</summary>
    public async Task<HttpClient> LoginAsync(string email, string password = Password)
    {
        var client = Client();
        var page = await client.GetStringAsync("/login");
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = password,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        return client;
    }

    public async Task<T> WithDbAsync<T>(Func<PishkhanDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PishkhanDbContext>());
    }

    public Task<int> CountCasesAsync() => WithDbAsync(db => db.Cases.CountAsync());

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}

/// <summary>Reads a 400 problem-details body's per-field errors.</summary>
public static class Problems
{
    public static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }

    public static StringContent JsonBody(object body) =>
        new(JsonSerializer.Serialize(body, PishkhanAppFactory.Json), new MediaTypeHeaderValue("application/json"));
}
