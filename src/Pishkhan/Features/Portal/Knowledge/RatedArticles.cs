namespace Pishkhan.Features.Portal.Knowledge;

/// <summary>
/// The articles this browser has rated, kept in a cookie so the portal asks once per article: an approximation of
/// "one rating per reader" that needs no account (clearing cookies allows another). Holds the most recent
/// <see cref="Max"/> ids.
/// </summary>
public static class RatedArticles
{
    public const string CookieName = "pishkhan.kb.rated";
    public const int Max = 60;

    public static IReadOnlyList<Guid> Parse(string? cookie) =>
        (cookie ?? "").Split('.', StringSplitOptions.RemoveEmptyEntries).Select(p => Guid.TryParseExact(p, "N", out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty).Distinct().Take(Max).ToList();

    public static bool Contains(string? cookie, Guid articleId) => Parse(cookie).Contains(articleId);

    /// <summary>The cookie's new value with <paramref name="articleId"/> first, the oldest dropped beyond <see cref="Max"/>.</summary>
    public static string Add(string? cookie, Guid articleId) =>
        string.Join('.', new[] { articleId }.Concat(Parse(cookie).Where(id => id != articleId)).Take(Max).Select(id => id.ToString("N")));

    public static void Remember(HttpContext http, Guid articleId) =>
        http.Response.Cookies.Append(CookieName, Add(http.Request.Cookies[CookieName], articleId), new CookieOptions
        {
            Path = "/portal/kb",
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(365),
            IsEssential = true,
        });
}
