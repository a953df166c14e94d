using System.Net;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Identity;

namespace Pishkhan.Tests.Calendars;

/// <summary>The admin pages as the server first renders them: who may open them, and what they show.</summary>
[Trait("Category", "Integration")]
public sealed class CalendarPageTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    [Fact]
    public async Task Admin_SeesTheListWithTheDefaultMarked_AndTheEditorWithItsPreview()
    {
        var admin = await app.LoginAsync(PishkhanAppFactory.AdminEmail);
        var list = await admin.GetStringAsync("/admin/calendars");
        Assert.Contains(DefaultCalendar.Name, list, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"default-chip\"", list, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"nav-calendars\"", list, StringComparison.Ordinal);

        var id = await app.WithDbAsync(db => db.Calendars.Where(c => c.IsDefault).Select(c => c.Id).SingleAsync());
        var editor = await admin.GetStringAsync($"/admin/calendars/{id}");
        Assert.Contains("data-testid=\"weekly-grid\"", editor, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"weekday-thursday\"", editor, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"preview-due\"", editor, StringComparison.Ordinal);
        Assert.Equal(10, CountOf(editor, "data-testid=\"preview-opening\""));
        Assert.DoesNotContain("data-testid=\"calendar-errors\"", editor, StringComparison.Ordinal);

        var blank = await admin.GetStringAsync("/admin/calendars/new");
        Assert.Contains("data-testid=\"calendar-name\"", blank, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_IsRefusedThePages_AndSeesNoAdminNavigation()
    {
        var email = $"agent-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(email, UserRole.Agent);
        var agent = await app.LoginAsync(email);
        foreach (var path in new[] { "/admin/calendars", "/admin/calendars/new" })
        {
            var refused = await agent.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.StartsWith("/forbidden", refused.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        var page = await agent.GetStringAsync("/forbidden");
        Assert.Contains("data-testid=\"forbidden\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"nav-calendars\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"nav-calendars\"", await agent.GetStringAsync("/"), StringComparison.Ordinal);

        var anonymous = await app.AnonymousClient().GetAsync("/admin/calendars");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/login", anonymous.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string fragment)
    {
        var count = 0;
        for (var at = text.IndexOf(fragment, StringComparison.Ordinal); at >= 0; at = text.IndexOf(fragment, at + fragment.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
