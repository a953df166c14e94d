using System.Net;
using Pishkhan.Features.Identity;

namespace Pishkhan.Tests.Reports;

/// <summary>The Reports and Dashboard pages as the server first renders them, in English and Persian.</summary>
[Trait("Category", "Integration")]
public sealed class ReportPagesTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    [Fact]
    public async Task Admin_SeesTheReportFromItsAddress_AndTheDashboardWithCsat()
    {
        var team = await app.CreateTeamAsync($"Pages {Guid.NewGuid():N}");
        await app.CreateCaseAsync(teamId: team);
        var admin = await app.LoginAsync(PishkhanAppFactory.AdminEmail);

        var report = WebUtility.HtmlDecode(await admin.GetStringAsync($"/reports/volume?teamId={team}"));
        Assert.Contains("data-testid=\"report-table\"", report, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(report, "data-testid=\"report-row\""));
        Assert.Contains($"/api/v1/reports/volume?teamId={team}&format=csv", report, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"nav-reports\"", report, StringComparison.Ordinal);

        var dashboard = WebUtility.HtmlDecode(await admin.GetStringAsync("/dashboard"));
        Assert.Contains("data-key=\"openCases\"", dashboard, StringComparison.Ordinal);
        Assert.Contains("data-key=\"csat30Days\"", dashboard, StringComparison.Ordinal);
        Assert.Contains("CSAT, last 30 days", dashboard, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await admin.GetAsync("/account/language/fa")).StatusCode);
        var persian = WebUtility.HtmlDecode(await admin.GetStringAsync($"/reports/volume?teamId={team}&granularity=month"));
        Assert.Contains("گزارش‌ها", persian, StringComparison.Ordinal);
        Assert.Matches("[۰-۹]{4}-[۰-۹]{2}", persian); // a month label (Jalali by default in fa), in Persian digits
        Assert.Contains("رضایت مشتری، ۳۰ روز اخیر", WebUtility.HtmlDecode(await admin.GetStringAsync("/dashboard")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_IsRefusedReports_ButHasADashboard()
    {
        var email = $"agent-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(email, UserRole.Agent);
        var agent = await app.LoginAsync(email);

        var refused = await agent.GetAsync("/reports");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/forbidden", refused.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        var dashboard = WebUtility.HtmlDecode(await agent.GetStringAsync("/dashboard"));
        Assert.Contains("data-key=\"myOpenCases\"", dashboard, StringComparison.Ordinal);
        Assert.DoesNotContain("data-key=\"openCases\"", dashboard, StringComparison.Ordinal);
    }
}
