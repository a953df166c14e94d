using Microsoft.EntityFrameworkCore;
using Pishkhan.Platform.Data;

namespace Pishkhan.Tests.Platform;

/// <summary>The gate on a real SQLite file: transactions take turns, and a forgotten one still gives its turn back.</summary>
public sealed class SqliteWriteGateTests : IAsyncLifetime, IDisposable
{
    private readonly SqliteFile _file = new("gate");

    public Task InitializeAsync() => _file.CreateAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task A_second_transaction_waits_its_turn_beyond_SQLites_own_busy_timeout()
    {
        // With a 1 s busy timeout, SQLite alone would fail the second BEGIN IMMEDIATE with "database is locked".
        await using var first = NewContext(busyTimeoutSeconds: 1);
        await using var firstTransaction = await first.Database.BeginTransactionAsync();

        await using var second = NewContext(busyTimeoutSeconds: 1);
        var secondStarted = second.Database.BeginTransactionAsync();
        await Task.Delay(1500);
        Assert.False(secondStarted.IsCompleted, "the second transaction started while the first held the turn");

        await firstTransaction.CommitAsync();
        await using var secondTransaction = await secondStarted.WaitAsync(TimeSpan.FromSeconds(5));
        await secondTransaction.CommitAsync();
    }

    [Fact]
    public async Task A_transaction_disposed_without_commit_or_rollback_gives_the_turn_back()
    {
        await using (var careless = NewContext())
        {
            var transaction = await careless.Database.BeginTransactionAsync();
            await transaction.DisposeAsync();
        }

        await using var next = NewContext();
        await using var nextTransaction = await next.Database.BeginTransactionAsync().WaitAsync(TimeSpan.FromSeconds(5));
        await nextTransaction.RollbackAsync();
    }

    [Fact]
    public async Task A_failed_save_gives_the_turn_back()
    {
        await using (var failing = NewContext())
        {
            // A timeline entry for a case that does not exist violates the foreign key inside SaveChanges' own transaction.
            failing.TimelineEntries.Add(new Pishkhan.Features.Cases.TimelineEntry { CaseId = Guid.NewGuid(), AuthorName = "x", CreatedAt = TimeProvider.System.GetUtcNow().UtcDateTime });
            await Assert.ThrowsAsync<DbUpdateException>(() => failing.SaveChangesAsync());
        }

        await using var next = NewContext();
        await using var nextTransaction = await next.Database.BeginTransactionAsync().WaitAsync(TimeSpan.FromSeconds(5));
        await nextTransaction.RollbackAsync();
    }

    [Fact]
    public async Task Waiting_transactions_get_the_turn_in_arrival_order_and_a_cancelled_one_drops_out()
    {
        await using var first = NewContext();
        var firstTransaction = await first.Database.BeginTransactionAsync();

        await using var second = NewContext();
        await using var third = NewContext();
        await using var fourth = NewContext();
        var secondStarted = second.Database.BeginTransactionAsync();
        using var cancel = new CancellationTokenSource();
        var thirdStarted = third.Database.BeginTransactionAsync(cancel.Token);
        var fourthStarted = fourth.Database.BeginTransactionAsync();
        await Task.Delay(100);
        Assert.False(secondStarted.IsCompleted || thirdStarted.IsCompleted || fourthStarted.IsCompleted, "a waiter started while the first held the turn");

        // The third gives up while waiting: it must not take (or keep) a turn.
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => thirdStarted);

        await firstTransaction.CommitAsync();
        var secondTransaction = await secondStarted.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(100);
        Assert.False(fourthStarted.IsCompleted, "the fourth started while the second held the turn");

        await secondTransaction.CommitAsync();
        var fourthTransaction = await fourthStarted.WaitAsync(TimeSpan.FromSeconds(5));
        await fourthTransaction.RollbackAsync();
        await firstTransaction.DisposeAsync();
        await secondTransaction.DisposeAsync();
        await fourthTransaction.DisposeAsync();
    }

    [Fact]
    public async Task A_write_statement_outside_a_transaction_waits_its_turn_and_gives_it_back_even_when_it_fails()
    {
        await using var first = NewContext();
        var firstTransaction = await first.Database.BeginTransactionAsync();

        await using var writer = NewContext();
        var delete = writer.Database.ExecuteSqlRawAsync("DELETE FROM \"ReportDirtyCases\" WHERE \"Id\" > 0");
        await Task.Delay(200);
        Assert.False(delete.IsCompleted, "a write statement ran while a transaction held the turn");

        // In arrival order: the statement goes before a transaction that asked after it (SQLite alone would let the
        // transaction take the lock first and keep the statement waiting until it commits).
        await using var later = NewContext();
        var laterStarted = later.Database.BeginTransactionAsync();
        await Task.Delay(100);
        await firstTransaction.CommitAsync();
        await firstTransaction.DisposeAsync();
        await delete.WaitAsync(TimeSpan.FromSeconds(5));
        await using (var laterTransaction = await laterStarted.WaitAsync(TimeSpan.FromSeconds(5)))
        {
            await laterTransaction.RollbackAsync();
        }

        // A failing statement gives its turn back too.
        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => writer.Database.ExecuteSqlRawAsync("DELETE FROM \"NoSuchTable\""));
        await using var next = NewContext();
        await using var nextTransaction = await next.Database.BeginTransactionAsync().WaitAsync(TimeSpan.FromSeconds(5));
        await nextTransaction.RollbackAsync();

        // Reads outside a transaction never wait.
        await using var holder = NewContext();
        await using var holding = await holder.Database.BeginTransactionAsync();
        await using var reader = NewContext();
        Assert.Equal(0, await reader.Contacts.CountAsync().WaitAsync(TimeSpan.FromSeconds(5)));
        await holding.RollbackAsync();
    }

    [Fact]
    public async Task Connections_wait_out_outside_contention_with_SQLites_own_busy_timeout()
    {
        await using var db = NewContext(busyTimeoutSeconds: 1);
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout;";
        Assert.Equal((long)SqliteWriteGate.WaitLimit.TotalMilliseconds, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    private PishkhanDbContext NewContext(int busyTimeoutSeconds = 30) => _file.NewContext(busyTimeoutSeconds);
}
