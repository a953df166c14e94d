using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Reports;
using Pishkhan.Tests.Sla;

namespace Pishkhan.Tests.Reports;

/// <summary>
/// The daily roll-up (<see cref="ReportDay"/>) answers unfiltered reports; each of those reports must equal the same
/// report computed from the case rows, also after an old case changes (another category, reopened, resolved on another
/// day). Runs on PostgreSQL too when PISHKHAN_TEST_POSTGRES is set.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ReportRollupTests(SlaApp sla) : IClassFixture<SlaApp>
{
    /// <summary>The reports the roll-up serves (without filters).</summary>
    private static readonly string[] RollupReports =
        ["volume", "heatmap", "closed-per-agent", "response-times", "exchanges", "reopen-rate", "top-categories", "top-products", "forecast", "sla-compliance", "sla-breaches"];

    private PishkhanAppFactory App => sla.App;

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private GetReport Reports => sla.Service<GetReport>();

    private async Task<Guid> CategoryAsync(string name) => await App.WithDbAsync(async db =>
    {
        var category = new Category { Name = name + " " + Guid.NewGuid().ToString("N")[..6], NameFa = name };
        db.Categories.Add(category);
        await db.SaveChangesAsync();
        return category.Id;
    });

    private static string Json(ReportTable table) => JsonSerializer.Serialize(new { table.Columns, table.Rows, table.Summary });

    /// <summary>Every roll-up report over these periods: the roll-up's answer equals the case rows' answer, and the roll-up was used.</summary>
    private async Task AssertRollupEqualsDirectAsync(params (LocalDate From, LocalDate To)[] periods)
    {
        foreach (var (from, to) in periods)
        {
            foreach (var filter in new[]
            {
                new ReportFilter { From = from, To = to },
                new ReportFilter { From = from, To = to, By = VolumeDimension.Category, Granularity = Granularity.Month, Jalali = true },
            })
            {
                foreach (var name in RollupReports)
                {
                    var viaDays = await Reports.RunAsync(name, filter);
                    var direct = await Reports.RunAsync(name, filter, SlaGrouping.Metric, dailyRollup: false, default);
                    Assert.Equal(Json(direct!), Json(viaDays!));
                }

                var byPolicy = await Reports.RunAsync("sla-compliance", filter, SlaGrouping.Policy);
                Assert.Equal(Json((await Reports.RunAsync("sla-compliance", filter, SlaGrouping.Policy, dailyRollup: false, default))!), Json(byPolicy!));
            }

            // The roll-up really answered: it is built and none of these days (nor the previous period's) waits to be recomputed.
            var length = Period.Between(from, to, PeriodUnits.Days).Days + 1;
            Assert.True(await App.WithDbAsync(db => ReportRefresher.DaysReadyAsync(db, ReportRefresher.DayNumber(from.PlusDays(-length)), ReportRefresher.DayNumber(to), default)));
        }
    }

    private async Task<List<List<string>>> RowsAsync(string name, LocalDate from, LocalDate to) =>
        [.. (await Reports.RunAsync(name, new ReportFilter { From = from, To = to }))!.Rows.Select(r => r.Select(v => v?.ToString() ?? "").ToList())];

    [Fact]
    public async Task UnfilteredReports_FromTheDailyRollup_EqualTheCaseRows_AlsoAfterAnOldCaseChanges()
    {
        var team = await App.CreateTeamAsync("Rollup " + Guid.NewGuid().ToString("N")[..8]);
        var agent = await App.CreateUserAsync($"rollup-{Guid.NewGuid():N}@test.local", UserRole.Agent, team);
        var billing = await CategoryAsync("Billing");
        var shipping = await CategoryAsync("Shipping");
        var statuses = await sla.StatusesAsync();

        // Last December: two cases, one answered and resolved by the agent the next day.
        sla.Clock.Set(Utc(2025, 12, 10, 6));
        var old = await App.CreateCaseAsync(teamId: team, priority: "high");
        var other = await App.CreateCaseAsync(teamId: team);
        await sla.PatchAsync(old.Id, new { ownerId = agent.Id, categoryId = billing, product = "Router" });
        await sla.PatchAsync(other.Id, new { categoryId = billing });
        sla.Clock.Set(Utc(2025, 12, 10, 9, 30));
        await sla.ReplyAsync(old.Id);
        sla.Clock.Set(Utc(2025, 12, 11, 7));
        await sla.PatchAsync(old.Id, new { statusId = statuses["Resolved"] });
        sla.Clock.Set(Utc(2025, 12, 20, 7));
        await sla.SweepAsync(); // the unanswered December case breaches

        // This November: two more, one answered.
        sla.Clock.Set(Utc(2026, 11, 20, 5));
        var recent = await App.CreateCaseAsync(teamId: team);
        await App.CreateCaseAsync(teamId: team);
        await sla.PatchAsync(recent.Id, new { categoryId = shipping, ownerId = agent.Id });
        sla.Clock.Set(Utc(2026, 11, 20, 8));
        await sla.ReplyAsync(recent.Id);
        sla.Clock.Set(Utc(2026, 11, 23, 8));
        await sla.SweepAsync();

        var year = (new LocalDate(2025, 11, 24), new LocalDate(2026, 11, 23));
        var december = (new LocalDate(2025, 12, 1), new LocalDate(2025, 12, 31));
        var november = (new LocalDate(2026, 11, 1), new LocalDate(2026, 11, 23));
        await AssertRollupEqualsDirectAsync(year, december, november);
        var closedInDecember = await RowsAsync("closed-per-agent", december.Item1, december.Item2);
        Assert.Equal("1", closedInDecember.Single(r => r[0] == agent.Id.ToString())[2]);
        var breachesInDecember = (await Reports.RunAsync("sla-breaches", new ReportFilter { From = december.Item1, To = december.Item2 }))!;
        Assert.Contains(breachesInDecember.Rows, r => (string?)r[0] == other.Number);

        // The December case moves to another category: both categories' December counts change.
        sla.Clock.Set(Utc(2026, 11, 21, 6));
        await sla.PatchAsync(old.Id, new { categoryId = shipping });
        await AssertRollupEqualsDirectAsync(year, december);
        var decemberTop = await RowsAsync("top-categories", december.Item1, december.Item2);
        Assert.Equal("1", decemberTop.Single(r => r[0] == shipping.ToString())[2]);
        Assert.Equal("1", decemberTop.Single(r => r[0] == billing.ToString())[2]);

        // It is reopened: it leaves December's closed count and enters its reopen rate.
        await sla.PatchAsync(old.Id, new { statusId = statuses["Open"] });
        await AssertRollupEqualsDirectAsync(year, december, november);
        Assert.DoesNotContain(await RowsAsync("closed-per-agent", december.Item1, december.Item2), r => r[0] == agent.Id.ToString());

        // It is resolved again today: it is closed in November now, not in December, and its resolution time moved.
        sla.Clock.Set(Utc(2026, 11, 22, 7));
        await sla.PatchAsync(old.Id, new { statusId = statuses["Resolved"] });
        sla.Clock.Set(Utc(2026, 11, 23, 8));
        await AssertRollupEqualsDirectAsync(year, december, november);
        Assert.DoesNotContain(await RowsAsync("closed-per-agent", december.Item1, december.Item2), r => r[0] == agent.Id.ToString());
        Assert.Equal("1", (await RowsAsync("closed-per-agent", november.Item1, november.Item2)).Single(r => r[0] == agent.Id.ToString())[2]);
    }

    [Fact]
    public async Task Rebuild_RecomputesTheDailyRollup_AndReportsReadTheCaseRowsUntilItIsBuilt()
    {
        sla.Clock.Set(Utc(2026, 3, 3, 6));
        var team = await App.CreateTeamAsync("Rollup " + Guid.NewGuid().ToString("N")[..8]);
        await App.CreateCaseAsync(teamId: team);
        var march = (new LocalDate(2026, 3, 1), new LocalDate(2026, 3, 31));
        await AssertRollupEqualsDirectAsync(march);

        // A day's totals damaged behind the roll-up's back are put right by a rebuild.
        var day = ReportRefresher.DayNumber(new LocalDate(2026, 3, 3));
        await App.WithDbAsync(db => db.Set<ReportDay>().Where(d => d.Day == day && d.Kind == ReportDayKind.Created).ExecuteUpdateAsync(s => s.SetProperty(d => d.Count, d => d.Count + 5)));
        await sla.Service<ReportRefresher>().RebuildAsync();
        Assert.False(await App.WithDbAsync(db => ReportRefresher.DaysReadyAsync(db, day, day, default)));
        await sla.Service<ReportRefresher>().CatchUpAsync(int.MaxValue, Timeout.InfiniteTimeSpan);

        await AssertRollupEqualsDirectAsync(march);
        var count = await App.WithDbAsync(db => db.Set<ReportCase>().CountAsync(r => r.CreatedDay == day));
        Assert.Equal(count, await App.WithDbAsync(db => db.Set<ReportDay>().Where(d => d.Day == day && d.Kind == ReportDayKind.Created).Select(d => d.Count).SingleAsync()));
    }
}
