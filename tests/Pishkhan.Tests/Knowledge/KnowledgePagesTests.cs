using System.Net;
using System.Net.Http.Json;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Knowledge;

namespace Pishkhan.Tests.Knowledge;

/// <summary>The knowledge-base pages as the server prerenders them for a signed-in user.</summary>
[Trait("Category", "Integration")]
public sealed class KnowledgePagesTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    private async Task<ArticleDto> PublishedAsync(string title, string body, string language = "en", string visibility = "internal")
    {
        var created = await app.ApiClient().PostAsJsonAsync("/api/v1/kb/articles", new { title, summary = "Short answer " + title, body, language, visibility }, PishkhanAppFactory.Json);
        var article = (await created.Content.ReadFromJsonAsync<ArticleDto>(PishkhanAppFactory.Json))!;
        var published = await app.ApiClient().PostAsJsonAsync($"/api/v1/kb/articles/{article.Id}/publish", new { version = article.Version }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        return (await published.Content.ReadFromJsonAsync<ArticleDto>(PishkhanAppFactory.Json))!;
    }

    [Fact]
    public async Task ArticlePage_RendersSanitisedMarkdown_AndListAndSearchShowIt()
    {
        await app.CreateUserAsync("kb-pages-sup@test.local", UserRole.Supervisor);
        var client = await app.LoginAsync("kb-pages-sup@test.local");
        var word = "pg" + Guid.NewGuid().ToString("N")[..8];
        var article = await PublishedAsync("Toner smudges " + word, "Clean the **drum**.\n\n<script>alert('x')</script><img src=x onerror=alert(1)>");

        var page = await client.GetStringAsync($"/knowledge/{article.Id}");
        Assert.Contains("<strong>drum</strong>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x onerror", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"step-archive\"", page, StringComparison.Ordinal);

        var search = await client.GetStringAsync($"/knowledge?q={word}");
        Assert.Contains($"<mark>{word}</mark>", page + search, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"kb-hit\"", search, StringComparison.Ordinal);

        var editor = await client.GetStringAsync($"/knowledge/{article.Id}/edit");
        Assert.Contains("data-testid=\"article-body-input\"", editor, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"kb-gaps-link\"", await client.GetStringAsync("/knowledge"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agents_SeeNoApproverActions_AndCannotOpenTheGapReport()
    {
        await app.CreateUserAsync("kb-pages-agent@test.local", UserRole.Agent);
        var agent = await app.LoginAsync("kb-pages-agent@test.local");
        var draft = await app.ApiClient().PostAsJsonAsync("/api/v1/kb/articles", new { title = "Agent view " + Guid.NewGuid().ToString("N")[..6], body = "x" }, PishkhanAppFactory.Json);
        var article = (await draft.Content.ReadFromJsonAsync<ArticleDto>(PishkhanAppFactory.Json))!;

        var page = await agent.GetStringAsync($"/knowledge/{article.Id}");
        Assert.Contains("data-testid=\"step-submit\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"step-publish\"", page, StringComparison.Ordinal);
        var gaps = await agent.GetAsync("/knowledge/gaps");
        Assert.NotEqual(HttpStatusCode.OK, gaps.StatusCode);
    }

    [Fact]
    public async Task CaseView_SuggestsArticlesFromTheCaseSubject()
    {
        await app.CreateUserAsync("kb-pages-case@test.local", UserRole.Admin);
        var client = await app.LoginAsync("kb-pages-case@test.local");
        var word = "cv" + Guid.NewGuid().ToString("N")[..8];
        var article = await PublishedAsync("Scanner " + word + " jams", "Open the lid.", visibility: "public");
        var theCase = await app.CreateCaseAsync("My scanner " + word + " keeps jamming");

        var page = await client.GetStringAsync($"/cases/{theCase.Number}");
        Assert.Contains("data-testid=\"kb-suggestions\"", page, StringComparison.Ordinal);
        Assert.Contains($"/knowledge/{article.Id}", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"kb-insert-link\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicArticlePage_TakesCustomerFeedbackWithoutScript()
    {
        var article = await PublishedAsync("Router lights " + Guid.NewGuid().ToString("N")[..6], "Check the cable.", visibility: "public");
        var customer = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var path = $"/kb/{Uri.EscapeDataString(article.Slug)}";
        Assert.Contains($"action=\"{path}/feedback\"", await customer.GetStringAsync(path), StringComparison.Ordinal);

        var missing = await customer.PostAsync($"{path}/feedback", new FormUrlEncodedContent(new Dictionary<string, string> { ["comment"] = "?" }));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("helpful", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var sent = await customer.PostAsync($"{path}/feedback", new FormUrlEncodedContent(new Dictionary<string, string> { ["helpful"] = "no", ["comment"] = "چراغ هنوز قرمز است" }));
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Contains("class=\"thanks\"", await customer.GetStringAsync(sent.Headers.Location!.OriginalString), StringComparison.Ordinal);
        var after = (await app.ApiClient().GetFromJsonAsync<ArticleDto>($"/api/v1/kb/articles/{article.Id}", PishkhanAppFactory.Json))!;
        Assert.Equal(1, after.NotHelpfulCount);
    }
}
