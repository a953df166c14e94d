using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Routing;

namespace Pishkhan.Tests.Routing;

/// <summary>The steps routing scenarios are written in: calendars, queues, rules, agents, tagged cases, waiting for routing.</summary>
internal static class RoutingSteps
{
    public static readonly string[] Weekdays = ["saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday"];

    /// <summary>A calendar open <paramref name="start"/>–<paramref name="end"/> on <paramref name="days"/> in <paramref name="zone"/>.</summary>
    public static Task<Guid> CreateCalendarAsync(this PishkhanAppFactory app, string name, string zone, string start, string end, params string[] days) =>
        app.CreateCalendarAsync(new { zone, weekly = (days.Length == 0 ? Weekdays : days).ToDictionary(d => d, _ => new[] { new { start, end } }) }, name);

    public static async Task SetTeamCalendarAsync(this PishkhanAppFactory app, Guid teamId, Guid calendarId) =>
        Assert.Equal(HttpStatusCode.OK, (await app.ApiClient().PutAsJsonAsync($"/api/v1/teams/{teamId}/calendar", new { calendarId })).StatusCode);

    public static async Task SetUserCalendarAsync(this PishkhanAppFactory app, Guid userId, Guid calendarId) =>
        Assert.Equal(HttpStatusCode.OK, (await app.ApiClient().PutAsJsonAsync($"/api/v1/users/{userId}/calendar", new { calendarId })).StatusCode);

    public static async Task<AppUser> CreateAgentAsync(this PishkhanAppFactory app, string name, Guid teamId, int capacity)
    {
        var agent = await app.CreateUserAsync($"{name}-{Guid.NewGuid():N}@test.local", UserRole.Agent, teamId);
        var profile = await app.ApiClient().PutAsJsonAsync($"/api/v1/agents/{agent.Id}/profile", new { capacity });
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        return agent;
    }

    public static async Task<QueueDto> CreateQueueAsync(
        this PishkhanAppFactory app, string name, Guid[]? teamIds = null, int? reassignAfterMinutes = null, int maxHops = 3, bool weighByPriority = false)
    {
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/queues", new
        {
            name = $"{name} {Guid.NewGuid():N}",
            strategy = "roundRobin",
            teamIds = teamIds ?? [],
            reassignAfterMinutes,
            maxHops,
            weighByPriority,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<QueueDto>(PishkhanAppFactory.Json))!;
    }

    /// <summary>A rule sending cases with a fresh tag to <paramref name="queueId"/>; returns the tag.</summary>
    public static async Task<string> CreateTagRuleAsync(this PishkhanAppFactory app, Guid queueId)
    {
        var tag = $"route-{Guid.NewGuid():N}"[..16];
        var rule = await app.ApiClient().PostAsJsonAsync("/api/v1/routing-rules", new
        {
            name = $"Tagged {tag}",
            queueId,
            conditions = new[] { new { field = "tag", @operator = "in", values = new[] { tag } } },
        });
        Assert.Equal(HttpStatusCode.Created, rule.StatusCode);
        return tag;
    }

    public static async Task<CaseDto> CreateTaggedCaseAsync(this PishkhanAppFactory app, string tag, string subject, string priority = "medium", HttpClient? client = null)
    {
        var contact = await app.CreateContactAsync();
        var response = await (client ?? app.ApiClient()).PostAsJsonAsync("/api/v1/cases", new { subject, contactId = contact.Id, tags = new[] { tag }, priority });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CaseDto>(PishkhanAppFactory.Json))!;
    }

    public static async Task SetPresenceAsync(this PishkhanAppFactory app, AppUser agent, string presence)
    {
        var client = await app.LoginAsync(agent.Email!);
        var response = await client.PutAsJsonAsync("/api/v1/me/presence", new { presence });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task ResolveAsync(this PishkhanAppFactory app, Guid caseId)
    {
        var version = await app.WithDbAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.Version).SingleAsync());
        var resolved = await app.WithDbAsync(db => db.CaseStatuses.Where(s => s.Category == StatusCategory.Resolved).Select(s => s.Id).FirstAsync());
        var patch = await app.ApiClient().PatchAsync($"/api/v1/cases/{caseId}", Problems.JsonBody(new { statusId = resolved, version }));
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
    }

    /// <summary>Waits until routing has put the case in a queue (it runs just after the request that created it).</summary>
    public static Task<Guid?> QueueOfAsync(this PishkhanAppFactory app, Guid caseId) =>
        WaitForAsync(() => app.WithDbAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.QueueId).SingleAsync()));

    public static Task<Guid?> OwnerOfAsync(this PishkhanAppFactory app, Guid caseId) =>
        app.WithDbAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.OwnerId).SingleAsync());

    /// <summary>Routing runs just after the request that caused it; this waits (up to 15 s) for it to land.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "routing did not reach the expected state within 15 s");
            await Task.Delay(50);
        }
    }

    private static async Task<Guid?> WaitForAsync(Func<Task<Guid?>> read)
    {
        Guid? value = null;
        await WaitUntilAsync(async () => (value = await read()) is not null);
        return value;
    }
}
