using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Data;

namespace Pishkhan.Tests.Sla;

/// <summary>The recalculation job's own writes (no change tracking): the sweeper's guarantees and the job's progress still hold.</summary>
[Trait("Category", "Integration")]
public sealed class SlaRecalculationTests : IDisposable
{
    private readonly SlaApp _sla = new(new Dictionary<string, string> { ["Pishkhan:Sla:RecalculationBatchSize"] = "2" });

    public void Dispose() => _sla.Dispose();

    private PishkhanAppFactory App => _sla.App;

    private static DateTime Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, DateTimeKind.Utc);

    /// <summary>A Tehran calendar and a 4-business-hour first response for the team's high-priority cases, created on Thursday 2025-06-12 at 12:30 Tehran: due Saturday 11:30.</summary>
    private async Task<(Guid Calendar, CalendarDefinition Weekly, List<Guid> Cases)> CasesAsync(int count)
    {
        var team = await App.CreateTeamAsync("Team " + Guid.NewGuid().ToString("N")[..8]);
        var weekly = IranianHolidays.TehranDefaultDefinition() with { Holidays = [] };
        var calendar = await _sla.CreateCalendarAsync(weekly);
        await _sla.CreatePolicyAsync(new
        {
            name = "Policy " + Guid.NewGuid().ToString("N")[..8],
            conditions = new { teamIds = new[] { team } },
            calendarId = calendar,
            targets = new[] { new { priority = "high", metric = "firstResponse", minutes = 240 } },
            escalations = Array.Empty<object>(),
        });
        _sla.Clock.Set(new DateTimeOffset(2025, 6, 12, 9, 0, 0, TimeSpan.Zero));
        var cases = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            cases.Add((await App.CreateCaseAsync($"Case {i}", teamId: team, priority: "high")).Id);
        }

        await _sla.RecalculateAsync(); // the policy save's own job, so the next one is the calendar's
        return (calendar, weekly, cases);
    }

    private async Task AddHolidayAsync(Guid calendar, CalendarDefinition weekly, LocalDate day)
    {
        var client = App.ApiClient();
        var stored = await client.GetFromJsonAsync<Features.Calendars.CalendarDto>($"/api/v1/calendars/{calendar}", PishkhanAppFactory.Json);
        var put = await client.PutAsJsonAsync($"/api/v1/calendars/{calendar}", new
        {
            name = stored!.Name,
            definition = weekly with { Holidays = [Holiday.OnGregorian(day, "added")] },
            version = stored.Version,
        }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    [Fact]
    public async Task ATimerTheSweeperFiresAfterABatchReadIt_FailsThatBatchAsAConflict_AndTheJobLeavesTheFiredTimerAsItFired()
    {
        var (calendar, weekly, cases) = await CasesAsync(1);
        var caseId = cases[0];
        var warning = await App.WithDbAsync(db => db.Set<SlaTimer>().AsNoTracking().SingleAsync(t => t.CaseId == caseId && t.Level == "warning"));
        await AddHolidayAsync(calendar, weekly, new LocalDate(2025, 6, 14)); // Saturday: every due instant moves to Sunday

        // The batch reads and replays the case (the warning timer moves), then the sweeper fires that timer, then the batch writes.
        var factory = _sla.Service<IDbContextFactory<PishkhanDbContext>>();
        var now = _sla.Clock.GetUtcNow().UtcDateTime;
        await using (var db = await factory.CreateDbContextAsync())
        {
            var entity = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == caseId);
            var changes = await _sla.Service<SlaEngine>().ReplayBatchAsync(db, [entity], now, "test", await SlaEngine.LoadSetupAsync(db));
            await App.WithDbAsync(other => other.Set<SlaTimer>().Where(t => t.Id == warning.Id && t.FiredAt == null).ExecuteUpdateAsync(s => s.SetProperty(t => t.FiredAt, now)));

            await using var transaction = await db.Database.BeginTransactionAsync();
            var lost = await Assert.ThrowsAnyAsync<DbUpdateException>(() => SlaBatchWriter.WriteAsync(db, changes));
            Assert.True(SlaWriteConflict.IsConflict(lost), lost.Message);
        }

        // Nothing of the lost batch was stored; the job replays the case and keeps the fired timer as it fired.
        Assert.Equal(Utc(2025, 6, 14, 8, 0), await App.WithDbAsync(db => db.Set<SlaInstance>().Where(i => i.CaseId == caseId).Select(i => i.DueAt).SingleAsync()));
        Assert.Equal(1, await _sla.RecalculateAsync());
        var timers = await App.WithDbAsync(db => db.Set<SlaTimer>().AsNoTracking().Where(t => t.CaseId == caseId).ToListAsync());
        var fired = Assert.Single(timers, t => t.Level == "warning");
        Assert.Equal((warning.DueAt, (DateTime?)now), (fired.DueAt, fired.FiredAt));
        Assert.Equal(Utc(2025, 6, 15, 8, 0), Assert.Single(timers, t => t.Level == "breach").DueAt);
        Assert.Equal(Utc(2025, 6, 15, 8, 0), await App.WithDbAsync(db => db.Set<SlaInstance>().Where(i => i.CaseId == caseId).Select(i => i.DueAt).SingleAsync()));
    }

    [Fact]
    public async Task ABatchReadBeforeItsTransaction_PassesTheCheckWhileUnchanged_AndFailsAsAConflictOnceAnotherReplayStampedOneOfItsCases()
    {
        var (calendar, weekly, cases) = await CasesAsync(2);
        await AddHolidayAsync(calendar, weekly, new LocalDate(2025, 6, 14));
        var factory = _sla.Service<IDbContextFactory<PishkhanDbContext>>();
        var now = _sla.Clock.GetUtcNow().UtcDateTime;
        await using var db = await factory.CreateDbContextAsync();
        var entities = await db.Cases.AsNoTracking().Where(c => cases.Contains(c.Id)).OrderBy(c => c.Id).ToListAsync();
        var changes = await _sla.Service<SlaEngine>().ReplayBatchAsync(db, entities, now, "test", await SlaEngine.LoadSetupAsync(db));

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await SlaBatchWriter.CheckUnchangedAsync(db, changes, cases);
            await transaction.RollbackAsync();
        }

        // What a case edit or the sweeper does to the second case meanwhile: its replay stamps the case's instances.
        await App.WithDbAsync(other => other.Set<SlaInstance>().Where(i => i.CaseId == cases[1]).ExecuteUpdateAsync(s => s.SetProperty(i => i.ComputedAt, now.AddSeconds(1))));
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var lost = await Assert.ThrowsAnyAsync<DbUpdateException>(() => SlaBatchWriter.CheckUnchangedAsync(db, changes, cases));
            Assert.True(SlaWriteConflict.IsConflict(lost), lost.Message);
        }
    }

    [Fact]
    public async Task AJobOfManyBatches_MovesEveryDueInstant_WritesOneRecalculatedEventEach_AndReportsItsProgressToTheEnd()
    {
        var (calendar, weekly, cases) = await CasesAsync(5); // batches of 2: three batches (run at once on PostgreSQL)
        await AddHolidayAsync(calendar, weekly, new LocalDate(2025, 6, 14));

        Assert.Equal(5, await _sla.RecalculateAsync());

        var rows = await App.WithDbAsync(db => db.Set<SlaInstance>().AsNoTracking().Where(i => cases.Contains(i.CaseId)).ToListAsync());
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Equal((Utc(2025, 6, 15, 8, 0), true), (r.DueAt!.Value, r.IsOpen)));
        var version = await App.WithDbAsync(db => db.Calendars.Where(c => c.Id == calendar).Select(c => c.Version).SingleAsync());
        Assert.All(rows, r => Assert.Equal((calendar, version, _sla.Clock.GetUtcNow().UtcDateTime), (r.CalendarId!.Value, r.CalendarVersion!.Value, r.ComputedAt)));
        var breaches = await App.WithDbAsync(db => db.Set<SlaTimer>().Where(t => cases.Contains(t.CaseId) && t.Level == "breach").Select(t => t.DueAt).ToListAsync());
        Assert.Equal(Enumerable.Repeat(Utc(2025, 6, 15, 8, 0), 5), breaches);
        var events = await App.WithDbAsync(db => db.TimelineEntries.Where(t => cases.Contains(t.CaseId) && t.Field == SlaEngine.TimelineField && t.NewValue == "recalculated").Select(t => t.CaseId).ToListAsync());
        Assert.Equal(cases.Order(), events.Order());

        var job = Assert.Single(await App.ApiClient().GetFromJsonAsync<List<SlaRecalculationDto>>("/api/v1/sla/recalculations", PishkhanAppFactory.Json) ?? [], j => j.CalendarId == calendar);
        Assert.Equal((RecalculationStatus.Done, 5, 5), (job.Status, job.Total, job.Done));
        Assert.Equal(cases.Max(), await App.WithDbAsync(db => db.Set<SlaRecalculation>().Where(j => j.Id == job.Id).Select(j => j.LastCaseId).SingleAsync()));

        // A second run changes nothing: no job, no new event.
        Assert.Equal(0, await _sla.RecalculateAsync());
        Assert.Equal(5, await App.WithDbAsync(db => db.TimelineEntries.CountAsync(t => cases.Contains(t.CaseId) && t.NewValue == "recalculated")));
    }
}
