using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Notifications;

namespace Pishkhan.Tests.Notifications;

[Trait("Category", "Integration")]
public sealed class NotificationTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    private async Task<(Guid Me, Guid Other, Guid Due, Guid Held, Guid Theirs, HttpClient Client)> ArrangeAsync()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var me = await app.CreateUserAsync($"bell-{marker}@test.local", UserRole.Agent);
        var other = await app.CreateUserAsync($"bell-other-{marker}@test.local", UserRole.Agent);
        var theCase = await app.CreateCaseAsync("Bell " + marker);
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        Notification Make(Guid user, string title, DateTime deliverAfter) =>
            new() { UserId = user, CaseId = theCase.Id, Title = title, Body = "body", Source = "sla:breach", CreatedAt = now.AddMinutes(-5), DeliverAfter = deliverAfter };
        var due = Make(me.Id, "Due " + marker, now.AddMinutes(-5));
        var held = Make(me.Id, "Held " + marker, now.AddHours(10));
        var theirs = Make(other.Id, "Theirs " + marker, now.AddMinutes(-5));
        await app.WithDbAsync(db =>
        {
            db.Notifications.AddRange(due, held, theirs);
            return db.SaveChangesAsync();
        });
        return (me.Id, other.Id, due.Id, held.Id, theirs.Id, await app.LoginAsync(me.Email!));
    }

    [Fact]
    public async Task AUserSeesOnlyTheirOwnDueNotifications_AndReadsThem()
    {
        var (_, _, due, held, theirs, client) = await ArrangeAsync();
        var page = await client.GetFromJsonAsync<NotificationPage>("/api/v1/me/notifications", PishkhanAppFactory.Json);
        Assert.Equal([due], page!.Items.Select(n => n.Id));
        Assert.Equal((1, 1), (page.Total, page.Unread));
        Assert.NotNull(page.Items[0].CaseNumber);

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/v1/me/notifications/{theirs}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/v1/me/notifications/{held}/read", null)).StatusCode);
        var read = await client.PostAsync($"/api/v1/me/notifications/{due}/read", null);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.NotNull((await read.Content.ReadFromJsonAsync<NotificationDto>(PishkhanAppFactory.Json))!.ReadAt);

        var unread = await client.GetFromJsonAsync<NotificationPage>("/api/v1/me/notifications?unread=true", PishkhanAppFactory.Json);
        Assert.Empty(unread!.Items);
        Assert.Equal(0, unread.Unread);
    }

    [Fact]
    public async Task ReadAll_MarksOnlyTheCallersDueOnes()
    {
        var (_, other, _, _, theirs, client) = await ArrangeAsync();
        var marked = await client.PostAsync("/api/v1/me/notifications/read-all", null);
        Assert.Equal(1, (await marked.Content.ReadFromJsonAsync<ReadAllResult>(PishkhanAppFactory.Json))!.Marked);
        var stillUnread = await app.WithDbAsync(db => Task.FromResult(db.Notifications.Where(n => n.ReadAt == null).Select(n => n.Id).ToList()));
        Assert.Contains(theirs, stillUnread);
        Assert.Equal(1, await app.Services.GetRequiredService<NotificationInbox>().UnreadCountAsync(other));
    }

    [Fact]
    public async Task BadPaging_IsA400_AndAnApiKeyHasNoNotifications()
    {
        var (_, _, _, _, _, client) = await ArrangeAsync();
        var errors = await Problems.ErrorsAsync(await client.GetAsync("/api/v1/me/notifications?pageSize=500"));
        Assert.Contains("pageSize", errors.Keys);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ApiClient().GetAsync("/api/v1/me/notifications")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.AnonymousClient().GetAsync("/api/v1/me/notifications")).StatusCode);
    }

    [Fact]
    public async Task TheBellCountsUnread_AndThePageListsThem()
    {
        var (_, _, _, _, _, client) = await ArrangeAsync();
        var home = await client.GetStringAsync("/");
        Assert.Contains("data-testid=\"notification-bell\"", home, StringComparison.Ordinal);
        Assert.Matches("data-testid=\"notification-count\"[\\s\\S]*?<span role=\"status\"[^>]*class=\"mud-badge [^\"]*\">1</span>", home);

        var page = await client.GetStringAsync("/notifications");
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page, "data-testid=\"notification-row\""));
        Assert.Contains("data-read=\"false\"", page, StringComparison.Ordinal);
    }
}
