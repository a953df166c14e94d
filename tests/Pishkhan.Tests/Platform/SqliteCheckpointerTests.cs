using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Pishkhan.Features.Contacts;
using Pishkhan.Platform.Data;

namespace Pishkhan.Tests.Platform;

/// <summary>The app's connections leave checkpoints to the checkpointer, which copies the log into the database file.</summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private readonly SqliteCheckpointer _checkpointer = new(TimeProvider.System, NullLogger<SqliteCheckpointer>.Instance);
    private readonly SqliteFile _file;

    public SqliteCheckpointerTests() => _file = new SqliteFile("checkpoint", _checkpointer);

    public void Dispose()
    {
        _checkpointer.Dispose();
        _file.Dispose();
    }

    [Fact]
    public async Task Commits_no_longer_checkpoint_and_the_checkpointer_does()
    {
        Assert.False(await _checkpointer.CheckpointAsync(CancellationToken.None), "checkpointed before any connection told it which file");

        await using var db = NewContext();
        await db.Database.EnsureCreatedAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        await db.Database.OpenConnectionAsync();
        Assert.Equal(0L, await ScalarAsync(db, "PRAGMA wal_autocheckpoint;"));

        var databaseFile = _file.FilePath;
        var before = new FileInfo(databaseFile).Length;

        // Far more log frames than SQLite's default threshold (1,000 pages), after which a commit would checkpoint.
        for (var i = 0; i < 100; i++)
        {
            db.Contacts.AddRange(Enumerable.Range(0, 30).Select(n => new Contact { Name = $"Contact {i}-{n} " + new string('x', 300) }));
            await db.SaveChangesAsync();
        }

        var frames = (new FileInfo(databaseFile + "-wal").Length - 32) / (4096 + 24);
        Assert.True(frames > 1500, $"the log holds only {frames} frames");
        Assert.Equal(before, new FileInfo(databaseFile).Length);

        Assert.True(await _checkpointer.CheckpointAsync(CancellationToken.None));
        Assert.True(new FileInfo(databaseFile).Length > before + (1024 * 1024), "the checkpoint copied nothing into the database file");
        Assert.Equal(3000, await db.Contacts.CountAsync());
    }

    private static async Task<long> ScalarAsync(PishkhanDbContext db, string sql)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private PishkhanDbContext NewContext() => _file.NewContext();
}
