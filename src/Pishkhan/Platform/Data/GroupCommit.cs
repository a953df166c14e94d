using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Pishkhan.Platform.Data;

/// <summary>
/// Runs a request's last writes in a transaction and commits them. On SQLite, writes that wait for the write turn at the
/// same time share one transaction and one commit (group commit): a commit costs about as much as the rest of a small
/// transaction together (it writes every page the transaction touched to the log), so under load sharing it is most of
/// the difference between requests queueing for the turn and not. PostgreSQL commits each on its own, as its
/// transactions do not take turns.
/// </summary>
/// <remarks>
/// <para>
/// Each write still runs on its own context (its actor, audit rows, outbox rows and interceptors are its own) and inside
/// its own savepoint: one that fails is rolled back alone and its caller gets its exception, the others commit. A caller
/// is answered only after the shared commit, so an acknowledged write is never lost; if the commit itself fails, every
/// caller in it gets that error.
/// </para>
/// <para>
/// While its write runs, the caller's context uses the group's connection; before and after, its own. A write must
/// therefore do everything through the context it is given and ignore cancellation once started: cancelling a SQLite
/// statement interrupts the connection, which would roll back the whole group. A caller cancelled while still waiting
/// is dropped from the group instead.
/// </para>
/// </remarks>
public sealed class GroupCommit(IDbContextFactory<PishkhanDbContext> dbFactory)
{
    /// <summary>The most writes one commit takes; the rest wait for the next.</summary>
    public const int MaxGroupSize = 64;

    private const string Savepoint = "pishkhan_group_item";

    private readonly Lock _lock = new();
    private List<Pending> _waiting = [];
    private bool _draining;

    /// <summary>Runs <paramref name="write"/> on <paramref name="db"/> in a transaction that is committed before this returns.</summary>
    public async Task RunAsync(PishkhanDbContext db, Func<PishkhanDbContext, Task> write, CancellationToken ct = default)
    {
        if (!db.Database.IsSqlite())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await write(db);
            await transaction.CommitAsync(ct);
            return;
        }

        var pending = new Pending(db, write, ct);
        bool start;
        lock (_lock)
        {
            _waiting.Add(pending);
            start = !_draining;
            _draining = true;
        }

        if (start)
        {
            _ = Task.Run(DrainAsync, CancellationToken.None);
        }

        await pending.Done.Task;
    }

    /// <summary>Commits groups until nobody waits.</summary>
    private async Task DrainAsync()
    {
        while (true)
        {
            List<Pending> group;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _draining = false;
                    return;
                }

                if (_waiting.Count <= MaxGroupSize)
                {
                    group = _waiting;
                    _waiting = [];
                }
                else
                {
                    group = _waiting[..MaxGroupSize];
                    _waiting.RemoveRange(0, MaxGroupSize);
                }
            }

            await CommitAsync(group);
        }
    }

    private async Task CommitAsync(List<Pending> group)
    {
        var written = new List<Pending>(group.Count);
        try
        {
            // The group's own context holds the connection and the transaction (and so SQLite's write turn).
            await using var leader = await dbFactory.CreateDbContextAsync();
            await using var transaction = await leader.Database.BeginTransactionAsync();
            var connection = leader.Database.GetDbConnection();
            foreach (var pending in group)
            {
                if (pending.Cancellation.IsCancellationRequested)
                {
                    pending.Done.TrySetCanceled(pending.Cancellation);
                    continue;
                }

                try
                {
                    await WriteAsync(pending, connection, transaction.GetDbTransaction());
                    written.Add(pending);
                }
                catch (Exception e)
                {
                    pending.Done.TrySetException(e);
                    // A few SQLite errors (a full disk, an I/O error) end the whole transaction, not just the statement;
                    // the writes after them would then commit one by one, so the group stops here and fails as a whole.
                    if (!InTransaction(connection))
                    {
                        throw new InvalidOperationException("A failed write ended the group's transaction; none of its writes was committed.", e);
                    }
                }
            }

            await transaction.CommitAsync();
        }
        catch (Exception e)
        {
            foreach (var pending in group)
            {
                pending.Done.TrySetException(e);
            }

            return;
        }

        foreach (var pending in written)
        {
            pending.Done.TrySetResult();
        }
    }

    /// <summary>One caller's write on the group's connection, in a savepoint of the group's transaction.</summary>
    private static async Task WriteAsync(Pending pending, DbConnection connection, DbTransaction transaction)
    {
        var database = pending.Db.Database;
        var connectionString = database.GetConnectionString();
        var autoSavepoints = database.AutoSavepointsEnabled;
        await database.CloseConnectionAsync();
        database.SetDbConnection(connection, contextOwnsConnection: false);
        try
        {
            var joined = await database.UseTransactionAsync(transaction);
            // The write's own savepoint covers everything it does, so SaveChanges needs none of its own.
            database.AutoSavepointsEnabled = false;
            await joined!.CreateSavepointAsync(Savepoint);
            try
            {
                await pending.Write(pending.Db);
                await joined.ReleaseSavepointAsync(Savepoint);
            }
            catch
            {
                await joined.RollbackToSavepointAsync(Savepoint);
                await joined.ReleaseSavepointAsync(Savepoint);
                throw;
            }
        }
        finally
        {
            // Back to a connection of its own, opened when next used; the group's stays open for the next write.
            database.AutoSavepointsEnabled = autoSavepoints;
            await database.UseTransactionAsync(null);
            database.SetDbConnection(null, contextOwnsConnection: true);
            database.SetConnectionString(connectionString);
        }
    }

    private static bool InTransaction(DbConnection connection) =>
        connection is SqliteConnection { Handle: { } handle } && SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0;

    private sealed record Pending(PishkhanDbContext Db, Func<PishkhanDbContext, Task> Write, CancellationToken Cancellation)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
