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
public sealed class SqliteWriteGate : DbTransactionInterceptor, IDbConnectionInterceptor, IDisposable
{
    /// <summary>How long a transaction waits for its turn; matches the connection's default command timeout.</summary>
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, object> _holders = new();

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result,
        CancellationToken cancellationToken = default)
    {
        if (!await _turn.WaitAsync(WaitLimit, cancellationToken))
        {
            throw Timeout();
        }

        _holders.AddOrUpdate(connection, this);
        return result;
    }

    public override InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (!_turn.Wait(WaitLimit))
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

    public void Dispose() => _turn.Dispose();

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
            _turn.Release();
        }
    }

    private static TimeoutException Timeout() => new(
        $"Waited more than {WaitLimit.TotalSeconds:0} s for the SQLite write turn; another transaction on this database has held it too long.");
}
