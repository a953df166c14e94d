using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Pishkhan.Platform.Data;

/// <summary>
/// Moves SQLite's checkpoints (copying the write-ahead log back into the database file) off the write path. By default
/// the commit that grows the log past 1,000 pages runs the checkpoint itself: it writes those pages to the database
/// file and waits for the disk, about 150 ms on a small server, while it holds the write turn and every other write
/// waits behind it. Here the app's connections never checkpoint; this service does, on its own connection, twice a
/// second. Its checkpoints are passive: they copy what no reader still needs and block neither readers nor writers.
/// </summary>
/// <remarks>
/// This is the arrangement SQLite's documentation suggests for it ("disable automatic checkpoints and run them in a
/// separate thread"). Nothing is less durable: a commit is on disk once its log is, as before. If the service stops, the
/// log only grows until it runs again; SQLite checkpoints it anyway when the last connection closes.
/// </remarks>
public sealed class SqliteCheckpointer(TimeProvider clock, ILogger<SqliteCheckpointer> logger) : BackgroundService, IDbConnectionInterceptor
{
    /// <summary>How often the log is checkpointed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly SqlitePragma _noAutomaticCheckpoints = new("PRAGMA wal_autocheckpoint=0;");
    private volatile string? _connectionString;

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => TakeOver(connection);

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TakeOver(connection);
        return Task.CompletedTask;
    }

    /// <summary>Turns the connection's own checkpoints off and remembers which file to checkpoint.</summary>
    private void TakeOver(DbConnection connection)
    {
        if (_noAutomaticCheckpoints.ApplyTo(connection))
        {
            _connectionString ??= connection.ConnectionString;
        }
    }

    /// <summary>One passive checkpoint; false when no connection has been opened yet.</summary>
    public async Task<bool> CheckpointAsync(CancellationToken ct)
    {
        if (_connectionString is not { } connectionString)
        {
            return false;
        }

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await command.ExecuteNonQueryAsync(ct);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
                await CheckpointAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "SQLite checkpoint failed; trying again in {Interval}.", Interval);
            }
        }
    }
}
