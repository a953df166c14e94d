using System.Net;
using System.Net.Http.Json;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Sla;

namespace Pishkhan.Tests.Sla;

/// <summary>The SLA parts of the UI as the server first renders them.</summary>
[Trait("Category", "Integration")]
public sealed class SlaPageTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    [Fact]
    public async Task Admin_SeesThePolicyList_AndTheEditorWithTheTargetGrid()
    {
        var admin = await app.LoginAsync(PishkhanAppFactory.AdminEmail);
        var list = await admin.GetStringAsync("/admin/sla-policies");
        Assert.Contains(DefaultSlaPolicy.Name, list, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"nav-sla-policies\"", list, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"sla-policy-row\"", list, StringComparison.Ordinal);

        var policies = await app.ApiClient().GetFromJsonAsync<List<SlaPolicyDto>>("/api/v1/sla-policies", PishkhanAppFactory.Json);
        var editor = await admin.GetStringAsync($"/admin/sla-policies/{policies![0].Id}");
        Assert.Contains("data-testid=\"sla-target-grid\"", editor, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"target-Critical-FirstResponse\"", editor, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"sla-rung\"", editor, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"sla-policy-name\"", await admin.GetStringAsync("/admin/sla-policies/new"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_IsRefusedThePolicyPages()
    {
        var email = $"agent-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(email, UserRole.Agent);
        var agent = await app.LoginAsync(email);
        foreach (var path in new[] { "/admin/sla-policies", "/admin/sla-policies/new" })
        {
            var refused = await agent.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.StartsWith("/forbidden", refused.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("data-testid=\"nav-sla-policies\"", await agent.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaseView_ShowsATimerPerMetric_WithTheDueInstantInJalaliAndPersianDigits()
    {
        var created = await app.CreateCaseAsync(priority: "high");
        var email = $"sup-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(email, UserRole.Supervisor);
        var reader = await app.LoginAsync(email);
        Assert.Contains("title=\"In progress", await reader.GetStringAsync($"/cases/{created.Number}"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await reader.GetAsync("/account/language/fa")).StatusCode);
        var page = WebUtility.HtmlDecode(await reader.GetStringAsync($"/cases/{created.Number}"));

        Assert.Contains("data-testid=\"sla-timers\"", page, StringComparison.Ordinal);
        Assert.Contains("data-metric=\"FirstResponse\" data-state=\"InProgress\"", page, StringComparison.Ordinal);
        Assert.Contains("data-metric=\"Resolution\"", page, StringComparison.Ordinal);
        Assert.Contains(DefaultSlaPolicy.Name, page, StringComparison.Ordinal);

        // In Persian: "موعد: ۱۴۰۵/۰۹/۰۲ ۱۱:۳۰" — a Jalali year in Persian digits, no Latin digits.
        var title = System.Text.RegularExpressions.Regex.Match(page, "title=\"([^\"]*موعد[^\"]*)\"").Groups[1].Value;
        Assert.Matches("موعد: [۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2}", title);
        Assert.Matches("اولین پاسخ · [۰-۹]+ ساعت [۰-۹]{2} دقیقه مانده", page); // remaining business time, Persian digits
    }
}
