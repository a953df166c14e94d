using System.Net;
using System.Text.RegularExpressions;

namespace Pishkhan.Tests.Sla;

/// <summary>
/// The case list's SLA chips come from the stored instance rows plus the calendar, not from a replay; they must say
/// the same as the case view's replayed timers at any moment.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class SlaListTests : IDisposable
{
    private readonly SlaApp _sla = new();

    public void Dispose() => _sla.Dispose();

    [Fact]
    public async Task ListChips_MatchTheCaseView_AsBusinessTimePasses_AndAfterTheBreach()
    {
        // Signed in at the real time: the test client drops a cookie whose expiry, set by the test clock, is already past.
        _sla.Clock.Set(TimeProvider.System.GetUtcNow());
        var admin = await _sla.App.LoginAsync(PishkhanAppFactory.AdminEmail);

        // Saturday 2026-01-10 09:30 in Tehran: the default calendar is open (the 3rd is a holiday).
        _sla.Clock.Set(new DateTimeOffset(2026, 1, 10, 6, 0, 0, TimeSpan.Zero));
        var marker = "sl" + Guid.NewGuid().ToString("N")[..6];
        var created = await _sla.App.CreateCaseAsync($"Scanner {marker}", priority: "high");

        async Task<(string List, string View)> ChipsAsync()
        {
            var list = WebUtility.HtmlDecode(await admin.GetStringAsync($"/cases?q={marker}"));
            var view = WebUtility.HtmlDecode(await admin.GetStringAsync($"/cases/{created.Number}"));
            return (FirstResponseChip(list), FirstResponseChip(view));
        }

        var start = await ChipsAsync();
        Assert.Contains("data-state=\"InProgress\"", start.List, StringComparison.Ordinal);
        Assert.Equal(start.View, start.List);

        _sla.Clock.Advance(TimeSpan.FromMinutes(95));
        var later = await ChipsAsync();
        Assert.Equal(later.View, later.List);
        Assert.NotEqual(start.List, later.List);

        _sla.Clock.Advance(TimeSpan.FromDays(3));
        await _sla.SweepAsync();
        var breached = await ChipsAsync();
        Assert.Contains("data-state=\"Breached\"", breached.List, StringComparison.Ordinal);
        Assert.Equal(breached.View, breached.List);
    }

    /// <summary>The FirstResponse chip's attributes and text, tags removed.</summary>
    private static string FirstResponseChip(string page)
    {
        var match = ChipPattern().Match(page);
        Assert.True(match.Success, "no first-response chip on the page");
        return TagPattern().Replace(match.Value, " ").Trim();
    }

    [GeneratedRegex("data-metric=\"FirstResponse\" data-state=\"[A-Za-z]+\".*?</div>", RegexOptions.Singleline)]
    private static partial Regex ChipPattern();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();
}
