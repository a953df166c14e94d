using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Pishkhan.Platform.Data;

/// <summary>
/// SQLite lets one transaction write at a time; a second <c>BEGIN IMMEDIATE</c> gets <c>SQLITE_BUSY</c>, and
/// Microsoft.Data.Sqlite then sleeps and retries, so under load most of a request's time goes to sleeping and
/// the slowest requests wait seconds. This gate makes the app's own transactions on one database file take
/// turns in arrival order instead (an async wait, no sleeping), so SQLite never sees them contend. Readers
/// outside transactions are not gated: write-ahead logging lets them run beside the writer.
/// </summary>
/// <remarks>
/// The gate is taken when a transaction starts and given back when it commits, rolls back or fails, and at
/// the latest when its connection closes (a transaction disposed without either). Waiting longer than
/// <see cref="WaitLimit"/> fails with a clear error instead of hanging, which also exposes code that opens a
/// second transaction while holding the first. PostgreSQL does not use it.
/// </remarks>
public sealed class SqliteWriteGate : DbTransactionInterceptor, IDbConnectionInterceptor
{
    /// <summary>How long a transaction waits for its turn; matches the connection's default command timeout.</summary>
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly Turn _turn = new();
    private readonly ConditionalWeakTable<DbConnection, object> _holders = new();

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result,
        CancellationToken cancellationToken = default)
    {
        if (!await _turn.EnterAsync(WaitLimit, cancellationToken))
        {
            throw Timeout();
        }

        _holders.AddOrUpdate(connection, this);
        return result;
    }

    public override InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (!_turn.EnterAsync(WaitLimit, CancellationToken.None).AsTask().GetAwaiter().GetResult())
        {
            throw Timeout();
        }

        _holders.AddOrUpdate(connection, this);
        return result;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        Release(transaction, eventData);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(transaction, eventData);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        Release(transaction, eventData);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(transaction, eventData);
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) =>
        Release(transaction, eventData);

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(transaction, eventData);
        return Task.CompletedTask;
    }

    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Release(connection);
        return Task.CompletedTask;
    }

    public void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    public Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Release(connection);
        return Task.CompletedTask;
    }

    /// <summary>A committed ADO.NET transaction forgets its connection; the context still knows it.</summary>
    private void Release(DbTransaction transaction, DbContextEventData eventData)
    {
        var connection = eventData.Context?.Database.GetDbConnection() ?? transaction.Connection;
        if (connection is not null)
        {
            Release(connection);
        }
    }

    /// <summary>Gives the turn back once, whichever of the end events comes first.</summary>
    private void Release(DbConnection connection)
    {
        if (_holders.Remove(connection))
        {
            _turn.Exit();
        }
    }

    private static TimeoutException Timeout() => new(
        $"Waited more than {WaitLimit.TotalSeconds:0} s for the SQLite write turn; another transaction on this database has held it too long.");

    /// <summary>
    /// The write turn: one holder, waiters served in arrival order. Unlike <see cref="SemaphoreSlim"/>, whose release
    /// runs the next waiter's continuation inline (so one commit went on to run the next transaction, and that one the
    /// next, on one thread and one ever deeper stack), a release here only schedules the next holder: it goes on in its
    /// own thread-pool work item, queued on the releasing thread, which takes it up next.
    /// </summary>
    private sealed class Turn
    {
        private readonly object _lock = new();
        private readonly LinkedList<TaskCompletionSource> _waiters = new();
        private bool _held;

        /// <summary>True once the turn is this caller's; false when <paramref name="limit"/> passed first.</summary>
        public async ValueTask<bool> EnterAsync(TimeSpan limit, CancellationToken ct)
        {
            LinkedListNode<TaskCompletionSource> node;
            lock (_lock)
            {
                if (!_held)
                {
                    _held = true;
                    return true;
                }

                node = _waiters.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            try
            {
                await node.Value.Task.WaitAsync(limit, ct);
                return true;
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                bool stillWaiting;
                lock (_lock)
                {
                    stillWaiting = node.List is not null;
                    if (stillWaiting)
                    {
                        _waiters.Remove(node);
                    }
                }

                if (stillWaiting)
                {
                    if (e is TimeoutException)
                    {
                        return false;
                    }

                    throw;
                }

                // Granted just as the wait gave up: the turn is ours; a cancelled caller hands it straight on.
                if (e is OperationCanceledException)
                {
                    Exit();
                    throw;
                }

                return true;
            }
        }

        public void Exit()
        {
            TaskCompletionSource? next = null;
            lock (_lock)
            {
                if (_waiters.First is { } first)
                {
                    _waiters.RemoveFirst();
                    next = first.Value;
                }
                else
                {
                    _held = false;
                }
            }

            next?.TrySetResult();
        }
    }
}
