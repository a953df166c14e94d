using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Automation;
using Pishkhan.Platform.Auditing;
using Pishkhan.Platform.Data;

namespace Pishkhan.Tests.Platform;

/// <summary>
/// Rows a save appends (<see cref="PishkhanDbContext.Append"/>: log lines, and the audit rows, outbox events and report
/// marks it captures) commit with the save's changes or not at all — on SQLite and PostgreSQL.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AppendedRowsTests : IDisposable
{
    private readonly PishkhanAppFactory _app = new(seedDemo: false);

    public void Dispose() => _app.Dispose();

    /// <summary>A new case once routing has put it into the default queue (its one background change), so no one else edits it.</summary>
    private async Task<Features.Cases.CaseDto> CreateSettledCaseAsync(string subject)
    {
        var created = await _app.CreateCaseAsync(subject);
        for (var i = 0; i < 100 && await _app.WithDbAsync(db => db.Cases.Where(c => c.Id == created.Id).Select(c => c.QueueId).FirstAsync()) is null; i++)
        {
            await Task.Delay(100);
        }

        Assert.NotNull(await _app.WithDbAsync(db => db.Cases.Where(c => c.Id == created.Id).Select(c => c.QueueId).FirstAsync()));
        return created;
    }

    /// <summary>The case's <c>updated</c> outbox events that change its subject.</summary>
    private async Task<List<AutomationEvent>> SubjectChangesAsync(Guid caseId) =>
        [.. (await _app.WithDbAsync(db => db.Set<AutomationEvent>().Where(e => e.RecordId == caseId && e.Kind == TriggerTypes.Updated).ToListAsync())).Where(e => e.Changes.ContainsKey("subject"))];

    private static AuditEntry Marker(Guid id, string field) => new() { EntityType = "Test", EntityId = id, Field = field, ActorName = "test", At = new DateTime(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc) };

    [Fact]
    public async Task ASaveThatIsRefused_WritesNoneOfItsRows_AndTheNextTryWritesEachOnce()
    {
        var created = await CreateSettledCaseAsync("Appended");
        var marker = Guid.NewGuid();
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PishkhanDbContext>();
        var entity = await db.Cases.FirstAsync(c => c.Id == created.Id);
        entity.Subject = "Changed";
        entity.Version++;
        db.Append(Marker(marker, "first"));

        // Someone else changed the case meanwhile: the save is refused, and nothing of it is written.
        var theirs = await _app.WithDbAsync(other => other.Cases.Where(c => c.Id == created.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Version, c => c.Version + 10)));
        Assert.Equal(1, theirs);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
        Assert.Equal(0, await _app.WithDbAsync(other => other.AuditEntries.CountAsync(a => a.EntityId == marker || (a.EntityId == created.Id && a.Field == "subject"))));
        Assert.Empty(await SubjectChangesAsync(created.Id));

        // Tried again on the version now stored: the change, the appended row and the captured rows are written once each.
        var entry = db.Entry(entity);
        var stored = await _app.WithDbAsync(other => other.Cases.Where(c => c.Id == created.Id).Select(c => c.Version).FirstAsync());
        entry.Property(c => c.Version).OriginalValue = stored;
        entity.Version = stored + 1;
        await db.SaveChangesAsync();
        Assert.Equal("Changed", await _app.WithDbAsync(other => other.Cases.Where(c => c.Id == created.Id).Select(c => c.Subject).FirstAsync()));
        Assert.Equal("first", Assert.Single(await _app.WithDbAsync(other => other.AuditEntries.Where(a => a.EntityId == marker).ToListAsync())).Field);
        var audit = Assert.Single(await _app.WithDbAsync(other => other.AuditEntries.Where(a => a.EntityId == created.Id && a.Field == "subject").ToListAsync()));
        Assert.Equal(("Appended", "Changed"), (audit.OldValue, audit.NewValue));
        var change = Assert.Single(await SubjectChangesAsync(created.Id));
        Assert.Equal(new FieldChange("Appended", "Changed"), change.Changes["subject"]);
        Assert.True(await _app.WithDbAsync(other => other.Set<Features.Reports.ReportDirtyCase>().AnyAsync(d => d.CaseId == created.Id)));

        // Written once: a later save of the same context appends nothing again.
        entity.Product = "Printer";
        await db.SaveChangesAsync();
        Assert.Single(await _app.WithDbAsync(other => other.AuditEntries.Where(a => a.EntityId == marker).ToListAsync()));
    }

    [Fact]
    public async Task InACallersTransaction_TheRowsCommitWithIt_OrRollBackWithIt()
    {
        var created = await CreateSettledCaseAsync("In a transaction");
        var (kept, dropped) = (Guid.NewGuid(), Guid.NewGuid());
        foreach (var (marker, commit) in new[] { (dropped, false), (kept, true) })
        {
            await _app.WithDbAsync(async db =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                var entity = await db.Cases.FirstAsync(c => c.Id == created.Id);
                entity.Subject = commit ? "Kept" : "Dropped";
                entity.Version++;
                db.Append(Marker(marker, "in a transaction"));
                await db.SaveChangesAsync();
                if (commit)
                {
                    await transaction.CommitAsync();
                }
                else
                {
                    await transaction.RollbackAsync();
                }

                return 0;
            });
        }

        Assert.Equal("Kept", await _app.WithDbAsync(db => db.Cases.Where(c => c.Id == created.Id).Select(c => c.Subject).FirstAsync()));
        Assert.Equal(0, await _app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EntityId == dropped || a.NewValue == "Dropped")));
        Assert.Equal(1, await _app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EntityId == kept)));
        Assert.Equal(1, await _app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EntityId == created.Id && a.NewValue == "Kept")));
    }

    [Fact]
    public async Task TheSynchronousSave_WritesTheAppendedAndCapturedRowsToo()
    {
        var created = await CreateSettledCaseAsync("Synchronous");
        var marker = Guid.NewGuid();
        await _app.WithDbAsync(db =>
        {
            var entity = db.Cases.First(c => c.Id == created.Id);
            entity.Subject = "Saved synchronously";
            entity.Version++;
            db.Append(Marker(marker, "sync"));
            return Task.FromResult(db.SaveChanges());
        });

        Assert.Equal(1, await _app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EntityId == marker)));
        Assert.Equal(1, await _app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EntityId == created.Id && a.NewValue == "Saved synchronously")));
        Assert.Single(await SubjectChangesAsync(created.Id));
    }

    [Fact]
    public async Task UntrackedRows_AreUpdatedOnlyUnderTheVersionRead_ElseNothingOfTheCallIsKept()
    {
        var first = await CreateSettledCaseAsync("First");
        var second = await CreateSettledCaseAsync("Second");
        var read = await _app.WithDbAsync(db => db.Cases.AsNoTracking().Where(c => c.Id == first.Id || c.Id == second.Id).OrderBy(c => c.Subject).ToListAsync());
        string[] columns = [nameof(Features.Cases.Case.Subject), nameof(Features.Cases.Case.Version)];

        // The second case changed since it was read: the call fails, and the first case's update goes with it.
        await _app.WithDbAsync(db => db.Cases.Where(c => c.Id == second.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Version, c => c.Version + 1)));
        var rows = read.Select(c => (Row: c, Read: (object)c.Version)).ToList();
        foreach (var (row, _) in rows)
        {
            row.Subject += " (edited)";
            row.Version++;
        }

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => _app.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await UntrackedRows.UpdateAsync(db, rows, columns, nameof(Features.Cases.Case.Version));
            await transaction.CommitAsync();
            return 0;
        }));
        Assert.Equal(["First", "Second"], await _app.WithDbAsync(db => db.Cases.Where(c => c.Id == first.Id || c.Id == second.Id).OrderBy(c => c.Subject).Select(c => c.Subject).ToListAsync()));

        // Under the versions stored now, both are written.
        var stored = await _app.WithDbAsync(db => db.Cases.AsNoTracking().Where(c => c.Id == first.Id || c.Id == second.Id).ToDictionaryAsync(c => c.Id, c => c.Version));
        rows = [.. read.Select(c => (Row: c, Read: (object)stored[c.Id]))];
        foreach (var (row, _) in rows)
        {
            row.Version = stored[row.Id] + 1;
        }

        await _app.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await UntrackedRows.UpdateAsync(db, rows, columns, nameof(Features.Cases.Case.Version));
            await transaction.CommitAsync();
            return 0;
        });
        var now = await _app.WithDbAsync(db => db.Cases.AsNoTracking().Where(c => c.Id == first.Id || c.Id == second.Id).OrderBy(c => c.Subject).ToListAsync());
        Assert.Equal(["First (edited)", "Second (edited)"], now.Select(c => c.Subject));
        Assert.All(now, c => Assert.Equal(stored[c.Id] + 1, c.Version));
    }
}
