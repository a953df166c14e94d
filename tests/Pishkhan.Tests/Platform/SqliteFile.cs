using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Platform.Data;

namespace Pishkhan.Tests.Platform;

/// <summary>
/// A SQLite database file in a temporary folder of its own, its contexts configured as the app configures them
/// (<see cref="DatabaseSetup.Configure"/>: WAL, the write gate, optionally the checkpointer), for the tests of the write path.
/// </summary>
internal sealed class SqliteFile(string name, SqliteCheckpointer? checkpointer = null) : IDisposable
{
    private readonly SqliteWriteGate _gate = new();

    public string Folder { get; } = Directory.CreateTempSubdirectory($"pishkhan-{name}-").FullName;

    public string FilePath => Path.Combine(Folder, $"{name}.db");

    public PishkhanDbContext NewContext(int busyTimeoutSeconds = 30)
    {
        var options = new DbContextOptionsBuilder<PishkhanDbContext>();
        DatabaseSetup.Configure(options, "Sqlite", $"Data Source={FilePath};Default Timeout={busyTimeoutSeconds}", Folder, _gate, checkpointer);
        return new PishkhanDbContext(options.Options, TimeProvider.System);
    }

    public async Task CreateAsync()
    {
        await using var db = NewContext();
        await db.Database.EnsureCreatedAsync();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
