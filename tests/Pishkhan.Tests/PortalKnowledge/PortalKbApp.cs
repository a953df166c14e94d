using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Knowledge;

namespace Pishkhan.Tests.PortalKnowledge;

/// <summary>The app on a test clock, with the portal's per-minute limits high enough that only the rate-limit test meets them.</summary>
public sealed partial class PortalKbApp : IDisposable
{
    public PortalKbApp()
        : this(10_000, 10_000)
    {
    }

    internal PortalKbApp(int suggestPerMinute, int openedPerMinute)
    {
        App = new PishkhanAppFactory(seedDemo: false, Clock, new Dictionary<string, string>
        {
            ["Pishkhan:Portal:Knowledge:SuggestPerMinute"] = suggestPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Pishkhan:Portal:Knowledge:OpenedPerMinute"] = openedPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    public TestClock Clock { get; } = new(new DateTimeOffset(2027, 1, 1, 9, 0, 0, TimeSpan.Zero));

    public PishkhanAppFactory App { get; }

    public void Dispose() => App.Dispose();

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>Creates an article through the API and, unless <paramref name="publish"/> is false, publishes it.</summary>
    public async Task<ArticleDto> ArticleAsync(string title, string body = "Some text.", string language = "en", string visibility = "public", bool publish = true, Guid? categoryId = null, Guid? translationOf = null)
    {
        var created = await App.ApiClient().PostAsJsonAsync("/api/v1/kb/articles", new { title, summary = "About " + title, body, language, visibility, categoryId, translationOf }, PishkhanAppFactory.Json);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var article = (await created.Content.ReadFromJsonAsync<ArticleDto>(PishkhanAppFactory.Json))!;
        if (!publish)
        {
            return article;
        }

        var published = await App.ApiClient().PostAsJsonAsync($"/api/v1/kb/articles/{article.Id}/publish", new { version = article.Version }, PishkhanAppFactory.Json);
        Assert.True(published.StatusCode == HttpStatusCode.OK, await published.Content.ReadAsStringAsync());
        return (await published.Content.ReadFromJsonAsync<ArticleDto>(PishkhanAppFactory.Json))!;
    }

    public async Task<Guid> CategoryAsync(string name, string nameFa, Guid? parentId = null)
    {
        var created = await App.ApiClient().PostAsJsonAsync("/api/v1/kb/categories", new { name, nameFa, parentId }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<KbCategoryDto>(PishkhanAppFactory.Json))!.Id;
    }

    public static async Task<List<Suggestion>> SuggestAsync(HttpClient client, string q, Guid? formId = null)
    {
        var response = await client.GetAsync($"/portal/api/kb/suggest?q={Uri.EscapeDataString(q)}" + (formId is { } f ? $"&formId={f}" : ""));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<List<Suggestion>>(PishkhanAppFactory.Json))!;
    }

    public static Task<HttpResponseMessage> OpenedAsync(HttpClient client, string formId, string articleId) =>
        client.PostAsync("/portal/api/kb/deflection/opened", new FormUrlEncodedContent(new Dictionary<string, string> { ["formId"] = formId, ["articleId"] = articleId }));

    /// <summary>The page's HTML with entities decoded, so Persian text can be looked for as written.</summary>
    public static async Task<(HttpStatusCode Status, string Html)> PageAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    public static string Token(string html) => TokenPattern().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public sealed record Suggestion(Guid Id, string Title, string Url, string Snippet);
}
