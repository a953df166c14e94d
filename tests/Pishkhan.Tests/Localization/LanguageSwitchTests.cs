using System.Net;
using System.Text.RegularExpressions;

namespace Pishkhan.Tests.Localization;

[Trait("Category", "Integration")]
public sealed partial class LanguageSwitchTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    [Fact]
    public async Task The_language_link_loads_a_whole_new_page_and_comes_back_to_where_it_was()
    {
        var admin = await app.LoginAsync(PishkhanAppFactory.AdminEmail);
        var page = await admin.GetStringAsync("/contacts");

        // Not an enhanced (in-place) navigation: a live circuit keeps the culture it started with.
        var link = LanguageLink().Match(page);
        Assert.True(link.Success, "no language link in the app bar");
        Assert.Contains("data-enhance-nav=\"false\"", link.Value, StringComparison.Ordinal);
        Assert.Contains("returnUrl=%2Fcontacts", link.Value, StringComparison.Ordinal);

        var switched = await admin.GetAsync("/account/language/fa?returnUrl=%2Fcontacts");
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/contacts", switched.Headers.Location?.OriginalString);
        Assert.Contains("dir=\"rtl\"", await admin.GetStringAsync("/contacts"), StringComparison.Ordinal);
    }

    [GeneratedRegex("<a[^>]*data-testid=\"lang-(fa|en)\"[^>]*>|<a[^>]*href=\"/account/language/[^\"]*\"[^>]*>")]
    private static partial Regex LanguageLink();
}
