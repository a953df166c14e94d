using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Data;

namespace Pishkhan.Tests.Sla;

/// <summary>Two writers replaying the same case at once: the one that saves second meets the SLA timer index and is told it lost (409 / replay again), not a 500.</summary>
[Trait("Category", "Integration")]
public sealed class SlaWriteConflictTests : IDisposable
{
    private readonly SlaApp _sla = new();

    public void Dispose() => _sla.Dispose();

    [Fact]
    public async Task Two_writers_resuming_a_paused_case_collide_on_the_timer_index_and_the_loser_is_a_conflict()
    {
        var statuses = await _sla.StatusesAsync();
        var contact = await _sla.App.CreateContactAsync();
        var created = await _sla.App.CreateCaseAsync("Two writers", contact.Id, priority: "medium");
        await _sla.PatchAsync(created.Id, new { statusId = statuses["Waiting for customer"] }); // paused: no timers

        // Both read the paused case and replay it resumed, before either saves: both add the same (instance, level) timers.
        var factory = _sla.Service<IDbContextFactory<PishkhanDbContext>>();
        var engine = _sla.Service<SlaEngine>();
        var now = _sla.Clock.GetUtcNow().UtcDateTime;
        await using var first = await factory.CreateDbContextAsync();
        await using var second = await factory.CreateDbContextAsync();
        foreach (var db in new[] { first, second })
        {
            var entity = await db.Cases.FirstAsync(c => c.Id == created.Id);
            entity.StatusId = statuses["Open"];
            await engine.ApplyAsync(db, entity, now);
            Assert.Contains(db.ChangeTracker.Entries<SlaTimer>(), e => e.State == EntityState.Added);
        }

        await second.SaveChangesAsync();
        var lost = await Assert.ThrowsAnyAsync<DbUpdateException>(() => first.SaveChangesAsync());

        Assert.IsNotType<DbUpdateConcurrencyException>(lost);
        Assert.True(SlaWriteConflict.IsSlaUniqueViolation(lost), lost.InnerException?.Message);
        Assert.True(SlaWriteConflict.IsConflict(lost));
        Assert.True(await _sla.App.WithDbAsync(db => db.Set<SlaTimer>().AnyAsync(t => t.CaseId == created.Id && t.Level == "breach")));
    }
}
