using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Pishkhan.Platform.Data;

/// <summary>
/// SQLite lets one transaction write at a time; a second <c>BEGIN IMMEDIATE</c> gets <c>SQLITE_BUSY</c>, and
/// Microsoft.Data.Sqlite then sleeps 150 ms and retries, so under load most of a request's time goes to sleeping and
/// the slowest requests wait seconds. This gate makes the app's own writes on one database file take turns in arrival
/// order instead (an async wait, no sleeping), so SQLite never sees them contend: every transaction, and every write
/// statement run outside one (a bulk <c>ExecuteDelete</c>, say). Reads outside transactions are not gated:
/// write-ahead logging lets them run beside the writer.
/// </summary>
/// <remarks>
/// <para>
/// A transaction takes the turn when it starts and gives it back when it commits, rolls back or fails, and at the
/// latest when its connection closes (a transaction disposed without either); a write statement outside a transaction
/// holds it while it runs. Waiting longer than <see cref="WaitLimit"/> fails with a clear error instead of hanging,
/// which also exposes code that opens a second transaction while holding the first. PostgreSQL does not use it.
/// </para>
/// <para>
/// Each connection also gets a busy timeout, so that contention from outside the app (the sqlite3 shell, a backup)
/// is waited out by SQLite's own short retries rather than by the 150 ms sleeps.
/// </para>
/// </remarks>
public sealed class SqliteWriteGate : DbTransactionInterceptor, IDbConnectionInterceptor, IDbCommandInterceptor
{
    /// <summary>How long a transaction waits for its turn; matches the connection's default command timeout.</summary>
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly Turn _turn = new();
    // The connection whose transaction holds the turn, with that transaction's id: a context that only joined the
    // transaction (see GroupCommit) has events of its own on the same connection, which must not give the turn back.
    private readonly ConditionalWeakTable<DbConnection, Holder> _holders = new();
    // Write statements outside a transaction that hold the turn while they run.
    private readonly ConditionalWeakTable<DbCommand, object> _statements = new();
    private readonly SqlitePragma _busyTimeout = new(string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout={(int)WaitLimit.TotalMilliseconds};"));

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result,
        CancellationToken cancellationToken = default)
    {
        await TakeTurnAsync(cancellationToken);
        _holders.AddOrUpdate(connection, new Holder(eventData.TransactionId));
        return result;
    }

    public override InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        TakeTurnAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _holders.AddOrUpdate(connection, new Holder(eventData.TransactionId));
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

    // A failed savepoint leaves its transaction open; only a failed commit or rollback ends it.
    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        if (eventData.Action is "Commit" or "Rollback")
        {
            Release(transaction, eventData);
        }
    }

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionFailed(transaction, eventData);
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

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Configure(connection);

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Configure(connection);
        return Task.CompletedTask;
    }

    private void Configure(DbConnection connection) => _busyTimeout.ApplyTo(connection);

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        EnterAsync(command, result, cancellationToken);

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        Enter(command, result);

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        EnterAsync(command, result, cancellationToken);

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        Enter(command, result);

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
        EnterAsync(command, result, cancellationToken);

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        Enter(command, result);

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result) => Exit(command, result);

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Exit(command, result));

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result) => Exit(command, result);

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Exit(command, result));

    // A reader's statement runs until the reader is done with it.
    public InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result) =>
        Exit(command, result);

    public ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result) =>
        ValueTask.FromResult(Exit(command, result));

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result) =>
        Exit(command, result);

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Exit(command);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Exit(command);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Exit(command);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Exit(command);
        return Task.CompletedTask;
    }

    /// <summary>Takes the turn for a write statement outside a transaction; reads and statements in a transaction pass.</summary>
    private async ValueTask TakeTurnAsync(CancellationToken ct)
    {
        if (!await _turn.EnterAsync(WaitLimit, ct))
        {
            throw Timeout();
        }
    }

    /// <summary>A write statement outside a transaction takes the turn for itself (reads and statements in a transaction never wait here).</summary>
    private async ValueTask<T> EnterAsync<T>(DbCommand command, T result, CancellationToken ct)
    {
        if (TakesTurn(command))
        {
            await TakeTurnAsync(ct);
            _statements.AddOrUpdate(command, this);
        }

        return result;
    }

    private T Enter<T>(DbCommand command, T result)
    {
        if (TakesTurn(command))
        {
            TakeTurnAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            _statements.AddOrUpdate(command, this);
        }

        return result;
    }

    private static bool TakesTurn(DbCommand command) =>
        command.Transaction is null && command.Connection is SqliteConnection && !IsRead(command.CommandText);

    private T Exit<T>(DbCommand command, T result)
    {
        Exit(command);
        return result;
    }

    private void Exit(DbCommand command)
    {
        if (_statements.Remove(command))
        {
            _turn.Exit();
        }
    }

    private static bool IsRead(string sql) => sql.AsSpan().TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase);

    /// <summary>A committed ADO.NET transaction forgets its connection; the context still knows it.</summary>
    private void Release(DbTransaction transaction, TransactionEventData eventData)
    {
        var connection = eventData.Context?.Database.GetDbConnection() ?? transaction.Connection;
        if (connection is not null && _holders.TryGetValue(connection, out var holder) && holder.TransactionId == eventData.TransactionId)
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

    private sealed record Holder(Guid TransactionId);

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
