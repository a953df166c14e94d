using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Portal.Knowledge;

namespace Pishkhan.Tests.PortalKnowledge;

/// <summary>Deflection: suggestions shown and opened per form session, submissions, and the report's numbers.</summary>
[Trait("Category", "Integration")]
public sealed class DeflectionTests(PortalKbApp kb) : IClassFixture<PortalKbApp>
{
    [Fact]
    public async Task Report_CountsAHandComputedDay()
    {
        var a = "zq" + Guid.NewGuid().ToString("N")[..8];
        var b = "xk" + Guid.NewGuid().ToString("N")[..8];
        var articleA = await kb.ArticleAsync("Article " + a, "About " + a);
        var articleB = await kb.ArticleAsync("Article " + b, "About " + b);
        var customer = kb.App.AnonymousClient();
        var tracker = kb.Service<DeflectionTracker>();
        var day = new DateTimeOffset(2027, 3, 10, 8, 0, 0, TimeSpan.Zero);
        var (f1, f2, f3, f4, f5) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        async Task Shown(Guid form, string q, params Guid[] expected)
        {
            var hits = await PortalKbApp.SuggestAsync(customer, q, form);
            Assert.Equal(expected.Order(), hits.Select(h => h.Id).Order());
        }

        async Task Open(Guid form, Guid article) => Assert.Equal(HttpStatusCode.NoContent, (await PortalKbApp.OpenedAsync(customer, form.ToString(), article.ToString())).StatusCode);

        // F1 08:00 shown A and B, opens A at 08:01, never submits: deflected once 30 minutes pass.
        kb.Clock.Set(day);
        await Shown(f1, $"{a} {b}", articleA.Id, articleB.Id);
        kb.Clock.Set(day.AddMinutes(1));
        await Open(f1, articleA.Id);
        // F2 08:02 shown A, opens it, submits anyway.
        kb.Clock.Set(day.AddMinutes(2));
        await Shown(f2, a, articleA.Id);
        await Open(f2, articleA.Id);
        Assert.True(await tracker.MarkSubmittedAsync(f2, Guid.NewGuid()));
        // F3 08:03 shown A and B, opens nothing, submits.
        kb.Clock.Set(day.AddMinutes(3));
        await Shown(f3, $"{a} {b}", articleA.Id, articleB.Id);
        Assert.True(await tracker.MarkSubmittedAsync(f3, Guid.NewGuid()));
        // F4 08:04 shown A, opens nothing, leaves: not a deflection (no article was read).
        kb.Clock.Set(day.AddMinutes(4));
        await Shown(f4, a, articleA.Id);
        // F5 08:20 shown B, opens it at 08:25: still pending at 08:35.
        kb.Clock.Set(day.AddMinutes(20));
        await Shown(f5, b, articleB.Id);
        kb.Clock.Set(day.AddMinutes(25));
        await Open(f5, articleB.Id);

        Assert.False(await tracker.MarkSubmittedAsync(Guid.NewGuid(), Guid.NewGuid()));
        Assert.False(await tracker.MarkSubmittedAsync(f2, Guid.NewGuid()));
        Assert.Equal(7, await kb.App.WithDbAsync(db => db.Set<DeflectionSuggestion>().CountAsync(s => s.ArticleId == articleA.Id || s.ArticleId == articleB.Id)));

        var reader = kb.App.ApiClient(await kb.App.CreateApiKeyAsync(Scopes.KbRead));
        kb.Clock.Set(day.AddMinutes(35));
        var report = (await reader.GetFromJsonAsync<DeflectionReportDto>("/api/v1/kb/deflection?from=2027-03-10&to=2027-03-10", PishkhanAppFactory.Json))!;
        Assert.Equal((5, 3, 2, 1, 1, 1), (report.Sessions, report.WithOpened, report.Submitted, report.SubmittedAnyway, report.Deflected, report.Pending));
        Assert.Equal(0.25, report.DeflectionRate); // 1 deflected of 4 decided
        Assert.Equal(30, report.WindowMinutes);
        var rowA = report.Articles.Single(r => r.ArticleId == articleA.Id);
        var rowB = report.Articles.Single(r => r.ArticleId == articleB.Id);
        Assert.Equal((4, 2, 1), (rowA.Shown, rowA.Opened, rowA.Deflected));
        Assert.Equal((3, 1, 0), (rowB.Shown, rowB.Opened, rowB.Deflected));
        Assert.Equal(articleA.Title, rowA.Title);

        // Half an hour after F5's last activity it is decided too.
        kb.Clock.Set(day.AddMinutes(56));
        var later = (await reader.GetFromJsonAsync<DeflectionReportDto>("/api/v1/kb/deflection?from=2027-03-10&to=2027-03-10", PishkhanAppFactory.Json))!;
        Assert.Equal((2, 0, 0.4), (later.Deflected, later.Pending, later.DeflectionRate));
        Assert.Equal(1, later.Articles.Single(r => r.ArticleId == articleB.Id).Deflected);

        // The day before and after hold none of these.
        var other = (await reader.GetFromJsonAsync<DeflectionReportDto>("/api/v1/kb/deflection?from=2027-03-11&to=2027-03-20", PishkhanAppFactory.Json))!;
        Assert.Equal(0, other.Sessions);
        Assert.Null(other.DeflectionRate);
    }

    [Fact]
    public async Task Report_NeedsKbRead_AndValidatesItsDates()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await kb.App.AnonymousClient().GetAsync("/api/v1/kb/deflection")).StatusCode);
        var casesOnly = kb.App.ApiClient(await kb.App.CreateApiKeyAsync(Scopes.CasesRead));
        Assert.Equal(HttpStatusCode.Forbidden, (await casesOnly.GetAsync("/api/v1/kb/deflection")).StatusCode);

        var reader = kb.App.ApiClient(await kb.App.CreateApiKeyAsync(Scopes.KbRead));
        Assert.Contains("from", (await Problems.ErrorsAsync(await reader.GetAsync("/api/v1/kb/deflection?from=10/03/2027"))).Keys);
        Assert.Contains("from", (await Problems.ErrorsAsync(await reader.GetAsync("/api/v1/kb/deflection?from=2027-03-11&to=2027-03-10"))).Keys);
        Assert.Contains("to", (await Problems.ErrorsAsync(await reader.GetAsync("/api/v1/kb/deflection?from=2025-01-01&to=2027-03-10"))).Keys);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/v1/kb/deflection")).StatusCode);
    }

    [Fact]
    public async Task AgentPage_ShowsTheReport_AndTheKnowledgeBaseLinksToIt()
    {
        await kb.App.CreateUserAsync("deflection-agent@test.local", UserRole.Agent);
        var agent = await kb.App.LoginAsync("deflection-agent@test.local");
        var page = await agent.GetStringAsync("/knowledge/deflection");
        Assert.Contains("data-testid=\"deflection-sessions\"", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"kb-deflection-link\"", await agent.GetStringAsync("/knowledge"), StringComparison.Ordinal);
    }
}

/// <summary>The anonymous portal endpoints refuse a client beyond its per-minute limit, and allow it again the next minute.</summary>
[Trait("Category", "Integration")]
public sealed class PortalRateLimitTests : IDisposable
{
    private readonly PortalKbApp _kb = new(suggestPerMinute: 3, openedPerMinute: 2);

    public void Dispose() => _kb.Dispose();

    [Fact]
    public async Task Suggest_And_Opened_AreRateLimitedPerClient()
    {
        _kb.Clock.Set(new DateTimeOffset(2027, 5, 1, 10, 0, 5, TimeSpan.Zero));
        var client = _kb.App.AnonymousClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/portal/api/kb/suggest?q=printer")).StatusCode);
        }

        var refused = await client.GetAsync("/portal/api/kb/suggest?q=printer");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("55", refused.Headers.GetValues("Retry-After").Single());

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await PortalKbApp.OpenedAsync(client, "x", "y")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await PortalKbApp.OpenedAsync(client, "x", "y")).StatusCode);

        _kb.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/portal/api/kb/suggest?q=printer")).StatusCode);
    }
}
