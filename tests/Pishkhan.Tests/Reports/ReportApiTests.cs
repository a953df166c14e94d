using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClosedXML.Excel;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Reports;
using Pishkhan.Features.Sla;
using Pishkhan.Tests.Sla;

namespace Pishkhan.Tests.Reports;

/// <summary>Reports through the API on real cases and a test clock; each test works in its own team so they do not see each other's cases.</summary>
[Trait("Category", "Integration")]
public sealed class ReportApiTests(SlaApp sla) : IClassFixture<SlaApp>
{
    private PishkhanAppFactory App => sla.App;

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private async Task<Guid> TeamAsync() => await App.CreateTeamAsync("Team " + Guid.NewGuid().ToString("N")[..8]);

    private async Task<JsonElement> ReportAsync(string name, string query, HttpClient? client = null)
    {
        var response = await (client ?? App.ApiClient()).GetAsync($"/api/v1/reports/{name}?{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static List<List<string>> Rows(JsonElement report) =>
        [.. report.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? "" : v.ToString()).ToList())];

    [Fact]
    public async Task ResponseTimes_CalendarHandComputed_BusinessAgreesWithTheSlaTimer()
    {
        var team = await TeamAsync();
        var statuses = await sla.StatusesAsync();
        sla.Clock.Set(Utc(2026, 11, 22, 6)); // Sunday 09:30 in Tehran
        var created = await App.CreateCaseAsync(teamId: team, priority: "medium");
        sla.Clock.Set(Utc(2026, 11, 22, 8));
        await sla.ReplyAsync(created.Id);
        sla.Clock.Set(Utc(2026, 11, 22, 11));
        await sla.PatchAsync(created.Id, new { statusId = statuses["Resolved"] });

        var report = await ReportAsync("response-times", $"from=2026-11-22&to=2026-11-22&teamId={team}");

        var rows = Rows(report);
        var sla1 = await App.WithDbAsync(db => db.SlaInstances.Where(i => i.CaseId == created.Id).ToListAsync());
        var firstBusiness = sla1.Single(i => i.Metric == SlaMetric.FirstResponse).AchievedSeconds!.Value / 60.0;
        var resolutionBusiness = sla1.Single(i => i.Metric == SlaMetric.Resolution).AchievedSeconds!.Value / 60.0;
        Assert.Equal(["firstResponse", "business", "1", Fmt(firstBusiness), Fmt(firstBusiness)], rows[0]);
        Assert.Equal(["firstResponse", "calendar", "1", "120", "120"], rows[1]);
        Assert.Equal(["resolution", "business", "1", Fmt(resolutionBusiness), Fmt(resolutionBusiness)], rows[2]);
        Assert.Equal(["resolution", "calendar", "1", "300", "300"], rows[3]);
        Assert.Equal("2026-11-22", report.GetProperty("from").GetString());
    }

    private static string Fmt(double minutes) => Math.Round(minutes, 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task AnOldCaseReopened_MovesOutOfClosedPerAgentAndIntoTheReopenRate()
    {
        var team = await TeamAsync();
        var agent = await App.CreateUserAsync($"agent-{Guid.NewGuid():N}@test.local", UserRole.Agent, team);
        var statuses = await sla.StatusesAsync();
        sla.Clock.Set(Utc(2026, 10, 5, 6));
        var a = await App.CreateCaseAsync(teamId: team);
        var b = await App.CreateCaseAsync(teamId: team);
        await sla.PatchAsync(a.Id, new { ownerId = agent.Id });
        await sla.PatchAsync(b.Id, new { ownerId = agent.Id });
        sla.Clock.Set(Utc(2026, 10, 6, 6));
        await sla.PatchAsync(a.Id, new { statusId = statuses["Resolved"] });
        await sla.PatchAsync(b.Id, new { statusId = statuses["Resolved"] });
        var query = $"from=2026-10-01&to=2026-10-31&teamId={team}";

        var before = Rows(await ReportAsync("closed-per-agent", query));
        Assert.Equal([agent.Id.ToString(), agent.DisplayName, "2"], before.Single().Take(3));
        Assert.Equal(["0", "2", "0"], Rows(await ReportAsync("reopen-rate", query)).Single());

        // A month later the customer writes back and the old case is reopened.
        sla.Clock.Set(Utc(2026, 11, 20, 6));
        await sla.PatchAsync(a.Id, new { statusId = statuses["Open"] });

        Assert.Equal("1", Rows(await ReportAsync("closed-per-agent", query)).Single()[2]);
        Assert.Equal(["1", "2", "0.5"], Rows(await ReportAsync("reopen-rate", query)).Single());
        Assert.Equal(["<1d 0", "1-3d 0", "3-7d 0", "7-30d 0", ">=30d 1"], Rows(await ReportAsync("backlog", $"teamId={team}")).Select(r => $"{r[0]} {r[1]}"));
    }

    [Fact]
    public async Task Volume_JalaliMonths_AndCsvAndExcelCarryTheSameRows()
    {
        var team = await TeamAsync();
        sla.Clock.Set(Utc(2026, 11, 21, 6)); // 30 Aban 1405
        await App.CreateCaseAsync(teamId: team);
        sla.Clock.Set(Utc(2026, 11, 22, 6)); // 1 Azar 1405
        await App.CreateCaseAsync(teamId: team);
        await App.CreateCaseAsync(teamId: team);
        var query = $"from=2026-11-01&to=2026-11-30&teamId={team}&granularity=month&calendar=jalali";

        var json = Rows(await ReportAsync("volume", query));
        Assert.Equal(["1405-08 api 1", "1405-09 api 2"], json.Select(r => $"{r[0]} {r[2]} {r[4]}"));

        var csv = await App.ApiClient().GetAsync($"/api/v1/reports/volume?{query}&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["period,periodStart,key,name,count", "1405-08,2026-10-23,api,api,1", "1405-09,2026-11-22,api,api,2"], lines);

        var xlsx = await App.ApiClient().GetAsync($"/api/v1/reports/volume?{query}&format=xlsx");
        using var workbook = new XLWorkbook(await xlsx.Content.ReadAsStreamAsync());
        var sheet = workbook.Worksheet("volume");
        Assert.Equal("period", sheet.Cell(1, 1).GetString());
        Assert.Equal("1405-09", sheet.Cell(3, 1).GetString());
        Assert.Equal(2, sheet.Cell(3, 5).GetValue<int>());
    }

    [Fact]
    public async Task BadFilters_AreEachNamed_UnknownReportIs404()
    {
        var response = await App.ApiClient().GetAsync("/api/v1/reports/volume?from=1405-09-01x&to=2026-01-01&channel=pigeon&granularity=year&format=pdf&top=0&teamId=nope");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = await Problems.ErrorsAsync(response);
        Assert.Equal(["channel", "format", "from", "granularity", "teamId", "top"], errors.Keys.Order());

        var backwards = await Problems.ErrorsAsync(await App.ApiClient().GetAsync("/api/v1/reports/volume?from=2026-02-01&to=2026-01-01"));
        Assert.Equal(["to"], backwards.Keys);
        Assert.Equal(HttpStatusCode.NotFound, (await App.ApiClient().GetAsync("/api/v1/reports/nonsense")).StatusCode);
    }

    [Fact]
    public async Task Reports_AreForSupervisorsAndAdmins_NotAgents()
    {
        // The sign-in cookie expires by the server's clock, but the test client drops it by the real one.
        sla.Clock.Set(TimeProvider.System.GetUtcNow());
        var team = await TeamAsync();
        var email = $"agent-{Guid.NewGuid():N}@test.local";
        await App.CreateUserAsync(email, UserRole.Agent, team);
        var supervisor = $"sup-{Guid.NewGuid():N}@test.local";
        await App.CreateUserAsync(supervisor, UserRole.Supervisor, team);

        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.LoginAsync(email)).GetAsync("/api/v1/reports/volume")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await App.LoginAsync(supervisor)).GetAsync("/api/v1/reports/volume")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.LoginAsync(supervisor)).PostAsync("/api/v1/reports/rebuild", null)).StatusCode);
        var kbOnly = await App.CreateApiKeyAsync(Scopes.KbRead);
        Assert.Equal(HttpStatusCode.Forbidden, (await App.ApiClient(kbOnly).GetAsync("/api/v1/reports/volume")).StatusCode);
    }

    [Fact]
    public async Task Rebuild_RecomputesEveryRow()
    {
        var team = await TeamAsync();
        sla.Clock.Set(Utc(2026, 11, 23, 6));
        var created = await App.CreateCaseAsync(teamId: team);
        await ReportAsync("volume", $"teamId={team}");
        await App.WithDbAsync(db => db.Set<ReportCase>().Where(r => r.CaseId == created.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Exchanges, 99)));
        Assert.Equal(99, await App.WithDbAsync(db => db.Set<ReportCase>().Where(r => r.CaseId == created.Id).Select(r => r.Exchanges).SingleAsync()));

        var response = await App.ApiClient().PostAsync("/api/v1/reports/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<ReportFreshness>(PishkhanAppFactory.Json))!.Rebuilding);
        await sla.Service<ReportRefresher>().CatchUpAsync(int.MaxValue, Timeout.InfiniteTimeSpan);

        var messages = await App.WithDbAsync(db => db.TimelineEntries.CountAsync(t => t.CaseId == created.Id && (t.Kind == Pishkhan.Features.Cases.TimelineKind.InboundMessage || (t.Kind == Pishkhan.Features.Cases.TimelineKind.OutboundMessage && t.IsPublic && !t.IsAutomated))));
        Assert.Equal(messages, await App.WithDbAsync(db => db.Set<ReportCase>().Where(r => r.CaseId == created.Id).Select(r => r.Exchanges).SingleAsync()));
        Assert.False((await sla.Service<ReportRefresher>().FreshnessAsync()).Rebuilding);
    }

    [Fact]
    public async Task Forecast_SaysPlainlyWhenHistoryIsShort_ThenForecastsWithStaffing()
    {
        var team = await TeamAsync();
        for (var day = 0; day < 3; day++)
        {
            sla.Clock.Set(Utc(2026, 9, 1 + day, 6));
            await App.CreateCaseAsync(teamId: team);
        }

        sla.Clock.Set(Utc(2026, 9, 4, 6));
        var shortHistory = await ReportAsync("forecast", $"teamId={team}");
        Assert.Empty(Rows(shortHistory));
        Assert.Equal("Too little history for a forecast: 3 days of cases, at least 14 are needed.", shortHistory.GetProperty("summary").GetProperty("message").GetString());

        // Two cases every day for two weeks: the forecast is two a day; at 4 hours each and 8 agent hours a day, one agent.
        for (var day = 3; day < 14; day++)
        {
            sla.Clock.Set(Utc(2026, 9, 1 + day, 6));
            await App.CreateCaseAsync(teamId: team);
        }

        for (var day = 0; day < 14; day++)
        {
            sla.Clock.Set(Utc(2026, 9, 1 + day, 7));
            await App.CreateCaseAsync(teamId: team);
        }

        sla.Clock.Set(Utc(2026, 9, 15, 6));
        var forecast = await ReportAsync("forecast", $"teamId={team}&handlingMinutes=240");
        var rows = Rows(forecast);
        Assert.Equal(28, rows.Count);
        Assert.Equal(["2026-09-15", "2", "2", "2", "1"], rows[0]);
        Assert.Equal("2026-10-12", rows[^1][0]);
        Assert.Equal(14, forecast.GetProperty("summary").GetProperty("historyDays").GetInt32());
        Assert.Equal(JsonValueKind.Null, forecast.GetProperty("summary").GetProperty("backtestMape").ValueKind);
        Assert.Contains("handlingMinutes=240", forecast.GetProperty("filter").GetString());
    }

    [Fact]
    public async Task ResponseTimes_MedianAndAverageInSql_MoveWhenAnOldCaseIsAnsweredLater()
    {
        var team = await TeamAsync();
        sla.Clock.Set(Utc(2026, 10, 4, 6)); // Sunday 4 October, 09:30 in Tehran
        var a = await App.CreateCaseAsync(teamId: team);
        var b = await App.CreateCaseAsync(teamId: team);
        var c = await App.CreateCaseAsync(teamId: team);
        sla.Clock.Set(Utc(2026, 10, 4, 7)); // a answered after 60 minutes
        await sla.ReplyAsync(a.Id);
        sla.Clock.Set(Utc(2026, 10, 4, 9)); // b after 180 minutes; c not yet
        await sla.ReplyAsync(b.Id);
        var query = $"from=2026-10-01&to=2026-10-31&teamId={team}";

        // Two answered: average and median (60 + 180) / 2 = 120 calendar minutes; the unanswered one is left out.
        Assert.Equal(["firstResponse", "calendar", "2", "120", "120"], Rows(await ReportAsync("response-times", query))[1]);

        // Six weeks later c, created in October, is answered: 60, 180, 60480 minutes, so the median is 180 and the
        // average (60 + 180 + 60480) / 3 = 20240; October's numbers move with the old case.
        sla.Clock.Set(Utc(2026, 11, 15, 6));
        await sla.ReplyAsync(c.Id);
        Assert.Equal(["firstResponse", "calendar", "3", "20240", "180"], Rows(await ReportAsync("response-times", query))[1]);

        // Arrivals by the local day and hour stored on the row: Sunday 09:30 Tehran, three cases.
        var heatmap = Rows(await ReportAsync("heatmap", query));
        Assert.Equal("Sunday", heatmap[6][0]);
        Assert.Equal("3", heatmap[6][1 + 9]);
        Assert.Equal(3, heatmap.Sum(r => r.Skip(1).Sum(int.Parse)));
    }
}
