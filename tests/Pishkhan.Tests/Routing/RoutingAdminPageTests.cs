using System.Net;
using System.Net.Http.Json;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Routing;

namespace Pishkhan.Tests.Routing;

/// <summary>The routing admin page as the server first renders it, and the profile list it reads.</summary>
[Trait("Category", "Integration")]
public sealed class RoutingAdminPageTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    [Fact]
    public async Task Admin_SeesTheQueuesWithTheirStrategyAndSkills_InPersianToo()
    {
        var team = await app.CreateTeamAsync($"Page team {Guid.NewGuid():N}");
        var queue = await app.CreateQueueAsync("Page queue", [team]);
        var admin = await app.LoginAsync(PishkhanAppFactory.AdminEmail);

        var page = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/routing"));
        Assert.Contains("data-testid=\"nav-routing\"", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"queue-form\"", page, StringComparison.Ordinal);
        Assert.Contains(queue.Name, page, StringComparison.Ordinal);
        Assert.Contains("Round robin", page, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await admin.GetAsync("/account/language/fa")).StatusCode);
        var persian = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/routing"));
        Assert.Contains("صف‌ها و مسیریابی", persian, StringComparison.Ordinal);
        Assert.Contains("نوبتی", persian, StringComparison.Ordinal);
        Assert.DoesNotContain("Round robin", persian, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_IsRefusedThePage_AndDoesNotSeeItsLink()
    {
        var email = $"agent-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(email, UserRole.Agent);
        var agent = await app.LoginAsync(email);
        var refused = await agent.GetAsync("/admin/routing");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/forbidden", refused.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"nav-routing\"", await agent.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheProfileList_HoldsSavedProfilesOnly()
    {
        var team = await app.CreateTeamAsync($"Profiles {Guid.NewGuid():N}");
        var routed = await app.CreateAgentAsync("routed", team, capacity: 7);
        var unrouted = await app.CreateUserAsync($"unrouted-{Guid.NewGuid():N}@test.local", UserRole.Agent, team);

        var profiles = await app.ApiClient().GetFromJsonAsync<List<AgentProfileDto>>("/api/v1/agents/profiles", PishkhanAppFactory.Json);

        Assert.Equal(7, Assert.Single(profiles!, p => p.UserId == routed.Id).Capacity);
        Assert.DoesNotContain(profiles!, p => p.UserId == unrouted.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.AnonymousClient().GetAsync("/api/v1/agents/profiles")).StatusCode);
    }
}
