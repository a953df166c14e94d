using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Pishkhan.Browser.Tests;

/// <summary>
/// The real app on Kestrel (a free loopback port, a fresh SQLite data folder with demo data) and one headless
/// Chromium, shared by every browser test. Each test takes its own browser context, so cookies never leak between tests.
/// </summary>
public sealed class BrowserApp : IAsyncLifetime, IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string AdminEmail = "admin@test.local";
    public const string Password = "Browser-Passw0rd!";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "pishkhan-browser-tests", Guid.NewGuid().ToString("N"));
    private AppFactory? _factory;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where the app listens, e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser did not start.");

    /// <summary>The running app's services, for test set-up a user would do through admin pages (e.g. a mailbox).</summary>
    public IServiceProvider Services => _factory?.Services ?? throw new InvalidOperationException("The app did not start.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            return; // every test is skipped by BrowserFactAttribute
        }

        _factory = new AppFactory(_dataDirectory);
        _factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/'));

        Assertions.SetDefaultExpectTimeout(15_000); // the default 5 s is too short on a busy 2-core CI machine
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; a temp folder left behind is harmless.
        }
    }

    /// <summary>xunit calls this after <see cref="DisposeAsync"/>; disposing the factory twice is harmless.</summary>
    public void Dispose() => _factory?.Dispose();

    /// <summary>A fresh context (own cookies) with a desktop viewport and English as the browser language.</summary>
    public Task<IPage> NewPageAsync() => NewPageAsync(1366, 900);

    /// <summary>A fresh context of the given viewport (375 wide: a phone).</summary>
    public async Task<IPage> NewPageAsync(int width, int height, string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = locale,
            IsMobile = width < 600,
            HasTouch = width < 600,
        });
        // Generous: CI shares 2 cores between the app, Chromium and the other test assemblies running in parallel.
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(30_000);
        var page = await context.NewPageAsync();
        Diagnostics.Watch(page);
        return page;
    }

    private sealed class AppFactory(string dataDirectory) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Pishkhan:DataDirectory", dataDirectory);
            builder.UseSetting("Pishkhan:Bootstrap:AdminEmail", AdminEmail);
            builder.UseSetting("Pishkhan:Bootstrap:AdminPassword", Password);
            builder.UseSetting("Pishkhan:SeedDemoData", "true");
            builder.UseSetting("Database:Provider", "Sqlite");
            builder.ConfigureLogging(logging => logging.AddProvider(new Diagnostics.ServerLogProvider()));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserGroup : ICollectionFixture<BrowserApp>
{
    public const string Name = "Browser";
}
