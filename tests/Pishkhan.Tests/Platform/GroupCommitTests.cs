using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Contacts;
using Pishkhan.Platform.Data;

namespace Pishkhan.Tests.Platform;

/// <summary>Group commit on a real SQLite file: writes that wait together commit together, each in its own savepoint.</summary>
public sealed class GroupCommitTests : IAsyncLifetime, IDisposable
{
    private readonly SqliteFile _file = new("group");
    private readonly GroupCommit _commits;

    public GroupCommitTests() => _commits = new GroupCommit(new Factory(this));

    public Task InitializeAsync() => _file.CreateAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task Writes_that_wait_together_commit_together_and_a_failing_one_is_rolled_back_alone()
    {
        // Another transaction holds the write turn, so every write below queues and they form one group.
        await using var holder = NewContext();
        var holding = await holder.Database.BeginTransactionAsync();

        var contexts = Enumerable.Range(0, 12).Select(_ => NewContext()).ToList();
        var writes = contexts.Select((db, i) => _commits.RunAsync(db, async writer =>
        {
            writer.Contacts.Add(new Contact { Name = $"Contact {i}" });
            await writer.SaveChangesAsync();
            if (i == 5)
            {
                throw new InvalidOperationException("refused after saving");
            }
        })).ToList();
        await Task.Delay(200);
        Assert.All(writes, w => Assert.False(w.IsCompleted, "a write committed while another transaction held the turn"));

        await holding.CommitAsync();
        await holding.DisposeAsync();
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => writes[5].WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("refused after saving", failed.Message);
        await Task.WhenAll(writes.Where((_, i) => i != 5)).WaitAsync(TimeSpan.FromSeconds(10));

        await using var reader = NewContext();
        var names = await reader.Contacts.Select(c => c.Name).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 12).Where(i => i != 5).Select(i => $"Contact {i}").Order(), names.Order());

        // Each caller's context is back on a connection of its own and reads (and writes) as before.
        Assert.Equal(11, await contexts[0].Contacts.CountAsync());
        await using (var transaction = await contexts[1].Database.BeginTransactionAsync())
        {
            contexts[1].Contacts.Add(new Contact { Name = "Afterwards" });
            await contexts[1].SaveChangesAsync();
            await transaction.CommitAsync();
        }

        Assert.Equal(12, await reader.Contacts.CountAsync());
        foreach (var db in contexts)
        {
            await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_write_whose_caller_gave_up_while_waiting_is_not_made()
    {
        await using var holder = NewContext();
        var holding = await holder.Database.BeginTransactionAsync();
        await using var db = NewContext();
        using var cancel = new CancellationTokenSource();
        var write = _commits.RunAsync(db, async writer =>
        {
            writer.Contacts.Add(new Contact { Name = "Never" });
            await writer.SaveChangesAsync();
        }, cancel.Token);
        await Task.Delay(100);
        await cancel.CancelAsync();
        await holding.CommitAsync();
        await holding.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(TimeSpan.FromSeconds(10)));
        await using var reader = NewContext();
        Assert.Equal(0, await reader.Contacts.CountAsync());
    }

    [Fact]
    public async Task The_group_gives_the_write_turn_back_after_its_commit()
    {
        await using (var db = NewContext())
        {
            await _commits.RunAsync(db, async writer =>
            {
                writer.Contacts.Add(new Contact { Name = "First" });
                await writer.SaveChangesAsync();
            });
        }

        await using var next = NewContext();
        await using var nextTransaction = await next.Database.BeginTransactionAsync().WaitAsync(TimeSpan.FromSeconds(5));
        await nextTransaction.RollbackAsync();
    }

    private PishkhanDbContext NewContext() => _file.NewContext();

    private sealed class Factory(GroupCommitTests owner) : IDbContextFactory<PishkhanDbContext>
    {
        public PishkhanDbContext CreateDbContext() => owner.NewContext();
    }
}
