using System.Net;
using System.Net.Http.Json;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Reports;
using Pishkhan.Features.Routing;
using Pishkhan.Tests.Sla;

namespace Pishkhan.Tests.Reports;

/// <summary>The dashboards count the whole organisation, so each test here has an app of its own.</summary>
[Trait("Category", "Integration")]
public sealed class DashboardApiTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static async Task<Dashboard> DashboardAsync(HttpClient client, string path = "/api/v1/dashboard")
    {
        var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Dashboard>(PishkhanAppFactory.Json))!;
    }

    [Fact]
    public async Task Supervisor_EachNumberBesideThePreviousPeriod_HandComputed()
    {
        using var sla = new SlaApp();
        var app = sla.App;
        var statuses = await sla.StatusesAsync();

        // Tehran's today starts 2026-11-22 20:30 UTC; "now" is Monday 2026-11-23 06:00 UTC.
        sla.Clock.Set(Utc(2026, 11, 22, 5));
        var early = await app.CreateCaseAsync(); // yesterday, before the same time of day: counts for "yesterday so far"
        sla.Clock.Set(Utc(2026, 11, 22, 10));
        var late = await app.CreateCaseAsync(); // yesterday, after it
        sla.Clock.Set(Utc(2026, 11, 22, 12));
        await sla.PatchAsync(late.Id, new { statusId = statuses["Resolved"] });
        sla.Clock.Set(Utc(2026, 11, 23, 4));
        await app.CreateCaseAsync();
        sla.Clock.Set(Utc(2026, 11, 23, 5, 30));
        await app.CreateCaseAsync();
        sla.Clock.Set(Utc(2026, 11, 23, 6));
        await sla.Service<RoutingService>().SweepAsync(); // the routing worker queues new cases after their commit; the sweep makes sure it has

        var board = await DashboardAsync(app.ApiClient());

        Assert.Equal((3.0, 1.0), (board["openCases"].Value, board["openCases"].Previous)); // 24 h ago only "early" existed
        Assert.Equal(Comparison.DayAgo, board["openCases"].ComparedWith);
        Assert.Equal((2.0, 1.0), (board["newToday"].Value, board["newToday"].Previous));
        Assert.Equal(3, board["waitingInQueues"].Value); // the three open cases wait, unowned, in the default queue
        Assert.Equal(25 * 60, board["longestWaitMinutes"].Value); // "early" since 2026-11-22 05:00
        Assert.Null(board["waitingInQueues"].Previous);
        Assert.True(board["csat30Days"].Available);
        Assert.Null(board["csat30Days"].Value); // no survey answered: no average, and no answers counted
        Assert.Equal(0, board["csatAnswers30Days"].Value);

        // The resolved case moves the next answer without waiting for the worker.
        await sla.PatchAsync(early.Id, new { statusId = statuses["Resolved"] });
        Assert.Equal(2, (await DashboardAsync(app.ApiClient()))["openCases"].Value);
    }

    [Fact]
    public async Task Agent_SeesTheirOwnNumbers_AndNotTheSupervisorBoard()
    {
        using var sla = new SlaApp();
        var app = sla.App;
        sla.Clock.Set(TimeProvider.System.GetUtcNow()); // the sign-in cookie expires by the real clock
        var team = await app.CreateTeamAsync("Blue");
        var email = $"agent-{Guid.NewGuid():N}@test.local";
        var agent = await app.CreateUserAsync(email, UserRole.Agent, team);
        var mine = await app.CreateCaseAsync(teamId: team);
        await app.CreateCaseAsync(teamId: team);
        await sla.PatchAsync(mine.Id, new { ownerId = agent.Id });
        var client = await app.LoginAsync(email);

        var board = await DashboardAsync(client, "/api/v1/me/dashboard");

        Assert.Equal("agent", board.Kind);
        Assert.Equal(1, board["myOpenCases"].Value);
        Assert.Equal(0, board["waitingInMyQueues"].Value); // the default queue has no team yet, so it is nobody's
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ApiClient().GetAsync("/api/v1/me/dashboard")).StatusCode);
    }
}
