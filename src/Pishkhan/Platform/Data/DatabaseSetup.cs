using System.Reflection;
using System.Runtime.Loader;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Pishkhan.Platform.Data;

/// <summary>Chooses the provider from configuration and applies migrations.</summary>
public static class DatabaseSetup
{
    public const string SqliteMigrationsAssembly = "Pishkhan.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "Pishkhan.Migrations.Postgres";

    /// <summary>
    /// <c>Database:Provider</c> is <c>Sqlite</c> (default, a file under the data directory) or <c>Postgres</c>
    /// (with <c>Database:ConnectionString</c>).
    /// </summary>
    public static IServiceCollection AddPishkhanDatabase(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        LoadMigrationAssembliesFromAppDirectory();
        var provider = configuration["Database:Provider"] ?? "Sqlite";
        var connectionString = configuration["Database:ConnectionString"];
        services.AddSingleton<SqliteWriteGate>();
        services.AddSingleton<SqliteCheckpointer>();
        if (!IsPostgres(provider))
        {
            services.AddHostedService(sp => sp.GetRequiredService<SqliteCheckpointer>());
        }

        services.AddDbContextFactory<PishkhanDbContext>((sp, options) =>
        {
            Configure(options, provider, connectionString, dataDirectory, sp.GetRequiredService<SqliteWriteGate>(), sp.GetRequiredService<SqliteCheckpointer>());

            // Features hook saves here (reports mark changed cases in the same transaction).
            options.AddInterceptors(sp.GetServices<ISaveChangesInterceptor>());
        });
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PishkhanDbContext>>().CreateDbContext());
        services.AddSingleton<GroupCommit>();
        return services;
    }

    /// <param name="writeGate">On SQLite, makes the app's write transactions take turns (see <see cref="SqliteWriteGate"/>);
    /// one instance per database file, shared by every context on it.</param>
    /// <param name="checkpointer">On SQLite, takes checkpoints off the app's commits (see <see cref="SqliteCheckpointer"/>);
    /// only with its background loop running.</param>
    public static void Configure(
        DbContextOptionsBuilder options, string provider, string? connectionString, string dataDirectory,
        SqliteWriteGate? writeGate = null, SqliteCheckpointer? checkpointer = null)
    {
        if (IsPostgres(provider))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException("Database:Provider is Postgres, but Database:ConnectionString is empty.");
            }

            options.UseNpgsql(connectionString, b => b.MigrationsAssembly(PostgresMigrationsAssembly));
        }
        else if (string.Equals(provider, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                connectionString = $"Data Source={Path.Combine(dataDirectory, "pishkhan.db")};Default Timeout=30";
            }

            options.UseSqlite(connectionString, b => b.MigrationsAssembly(SqliteMigrationsAssembly));
            if (writeGate is not null)
            {
                options.AddInterceptors(writeGate);
            }

            if (checkpointer is not null)
            {
                options.AddInterceptors(checkpointer);
            }
        }
        else
        {
            throw new InvalidOperationException($"Database:Provider '{provider}' is not supported; use Sqlite or Postgres.");
        }
    }

    public static bool IsPostgres(string? provider) =>
        string.Equals(provider, "Postgres", StringComparison.OrdinalIgnoreCase) || string.Equals(provider, "PostgreSQL", StringComparison.OrdinalIgnoreCase);

    /// <summary>Creates or upgrades the schema; on SQLite also switches the file to write-ahead logging.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        if (db.Database.IsSqlite())
        {
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }

        await db.Database.MigrateAsync(ct);
    }

    /// <summary>
    /// The migration assemblies reference the host, so the host cannot reference them; its build copies them
    /// beside it (see Pishkhan.csproj), and they are resolved from there when EF Core asks for them by name.
    /// </summary>
    private static void LoadMigrationAssembliesFromAppDirectory()
    {
        AssemblyLoadContext.Default.Resolving -= ResolveMigrationAssembly;
        AssemblyLoadContext.Default.Resolving += ResolveMigrationAssembly;
    }

    private static Assembly? ResolveMigrationAssembly(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name is not (SqliteMigrationsAssembly or PostgresMigrationsAssembly))
        {
            return null;
        }

        var path = Path.Combine(AppContext.BaseDirectory, name.Name + ".dll");
        return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
    }
}
