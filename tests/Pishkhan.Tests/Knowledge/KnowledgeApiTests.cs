using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Knowledge;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Platform.Api;

namespace Pishkhan.Tests.Knowledge;

[Trait("Category", "Integration")]
public sealed class KnowledgeApiTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    private static readonly string[] EmptyTag = [""];
    private static readonly string[] OneTerm = ["هنگ"];
    private static readonly string[] FreezeGroup = ["هنگ", "کند", "قفل", "freeze", "slow"];

    private static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private async Task<ArticleDto> CreateAsync(object body, HttpClient? client = null)
    {
        var response = await (client ?? app.ApiClient()).PostAsJsonAsync("/api/v1/kb/articles", body, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ArticleDto>(PishkhanAppFactory.Json))!;
    }

    private async Task<ArticleDto> StepAsync(ArticleDto article, string step, object? extra = null, HttpClient? client = null)
    {
        var response = await (client ?? app.ApiClient()).PostAsJsonAsync($"/api/v1/kb/articles/{article.Id}/{step}", extra ?? new { version = article.Version }, PishkhanAppFactory.Json);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ArticleDto>(PishkhanAppFactory.Json))!;
    }

    private async Task<KnowledgeResults> SearchAsync(string q, HttpClient? client = null, string path = "/api/v1/kb/search") =>
        (await (client ?? app.ApiClient()).GetFromJsonAsync<KnowledgeResults>($"{path}?q={Uri.EscapeDataString(q)}", PishkhanAppFactory.Json))!;

    [Fact]
    public async Task Create_Invalid_NamesEachField()
    {
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/kb/articles", new { title = "", language = "de", slug = "Bad Slug", tags = EmptyTag }, PishkhanAppFactory.Json);
        var errors = await Problems.ErrorsAsync(response);
        Assert.Contains("title", errors.Keys);
        Assert.Contains("language", errors.Keys);
        Assert.Contains("slug", errors.Keys);
        Assert.Contains("tags", errors.Keys);
    }

    [Fact]
    public async Task Edit_ClearsCategoryAndReviewDate_OnlyWhenNamed()
    {
        var category = await app.ApiClient().PostAsJsonAsync("/api/v1/kb/categories", new { name = Unique("Printers") }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Created, category.StatusCode);
        var categoryId = (await category.Content.ReadFromJsonAsync<KbCategoryDto>(PishkhanAppFactory.Json))!.Id;
        var review = new DateTime(2027, 1, 10, 0, 0, 0, DateTimeKind.Utc);
        var created = await CreateAsync(new { title = Unique("Toner"), categoryId, nextReviewAt = review, language = "en" });
        Assert.Equal(categoryId, created.CategoryId);

        var untouched = await app.ApiClient().PutAsJsonAsync($"/api/v1/kb/articles/{created.Id}", new { title = created.Title, body = "New body", version = created.Version }, PishkhanAppFactory.Json);
        var kept = (await untouched.Content.ReadFromJsonAsync<ArticleDto>(PishkhanAppFactory.Json))!;
        Assert.Equal((categoryId, review), (kept.CategoryId, kept.NextReviewAt));

        var both = await app.ApiClient().PutAsJsonAsync($"/api/v1/kb/articles/{created.Id}", new { title = created.Title, categoryId, clear = new[] { "categoryId", "owner" }, version = kept.Version }, PishkhanAppFactory.Json);
        var errors = await Problems.ErrorsAsync(both);
        Assert.Contains("both given a value and cleared", errors["clear[0]"][0], StringComparison.Ordinal);
        Assert.Contains("'owner' cannot be cleared", errors["clear[1]"][0], StringComparison.Ordinal);

        var cleared = await app.ApiClient().PutAsJsonAsync($"/api/v1/kb/articles/{created.Id}", new { title = created.Title, clear = new[] { "categoryId", "nextReviewAt" }, version = kept.Version }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        var after = (await cleared.Content.ReadFromJsonAsync<ArticleDto>(PishkhanAppFactory.Json))!;
        Assert.Null(after.CategoryId);
        Assert.Null(after.NextReviewAt);
        Assert.Equal(kept.Version + 1, after.Version);
    }

    [Fact]
    public async Task Lifecycle_VersionsDiffRestore_AndStaleEditIs409()
    {
        var title = Unique("VPN setup");
        var created = await CreateAsync(new { title, summary = "Connect to the office VPN", body = "# VPN\n\nInstall the client.\n<script>alert(1)</script>", language = "en" });
        Assert.Equal(ArticleStatus.Draft, created.Status);
        Assert.DoesNotContain("<script", created.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<h1", created.Html, StringComparison.Ordinal);

        var edited = await app.ApiClient().PutAsJsonAsync($"/api/v1/kb/articles/{created.Id}", new { title, body = "# VPN\n\nInstall the client.\nThen sign in.", version = created.Version }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var v1 = (await edited.Content.ReadFromJsonAsync<ArticleDto>(PishkhanAppFactory.Json))!;
        var stale = await app.ApiClient().PutAsJsonAsync($"/api/v1/kb/articles/{created.Id}", new { title, body = "x", version = created.Version }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        var diff = await app.ApiClient().GetFromJsonAsync<VersionDiff>($"/api/v1/kb/articles/{created.Id}/diff?from=1&to=2", PishkhanAppFactory.Json);
        Assert.Contains(diff!.Body, l => l.Kind == DiffKind.Added && l.Text == "Then sign in.");
        Assert.Contains(diff.Body, l => l.Kind == DiffKind.Removed && l.Text.Contains("script", StringComparison.Ordinal));

        var restored = await app.ApiClient().PostAsJsonAsync($"/api/v1/kb/articles/{created.Id}/versions/1/restore", new { version = v1.Version }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        var versions = await app.ApiClient().GetFromJsonAsync<List<ArticleVersionSummary>>($"/api/v1/kb/articles/{created.Id}/versions", PishkhanAppFactory.Json);
        Assert.Equal([3, 2, 1], versions!.Select(v => v.Number));

        var current = (await restored.Content.ReadFromJsonAsync<ArticleDto>(PishkhanAppFactory.Json))!;
        Assert.DoesNotContain((await SearchAsync(title)).Hits, h => h.Id == created.Id);
        var review = await StepAsync(current, "submit");
        Assert.Equal(ArticleStatus.InReview, review.Status);
        var published = await StepAsync(review, "publish");
        Assert.Equal(ArticleStatus.Published, published.Status);
        Assert.Contains((await SearchAsync(title)).Hits, h => h.Id == created.Id);
        var archived = await StepAsync(published, "archive");
        Assert.Equal(ArticleStatus.Archived, archived.Status);
        Assert.DoesNotContain((await SearchAsync(title)).Hits, h => h.Id == created.Id);
    }

    [Fact]
    public async Task Publishing_NeedsTheApproverPermission()
    {
        await app.CreateUserAsync("kb-agent@test.local", UserRole.Agent);
        var agent = await app.LoginAsync("kb-agent@test.local");
        var draft = await CreateAsync(new { title = Unique("Agent draft"), body = "text" }, agent);
        var submitted = await StepAsync(draft, "submit", client: agent);
        var refused = await agent.PostAsJsonAsync($"/api/v1/kb/articles/{draft.Id}/publish", new { version = submitted.Version }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var writerKey = await app.CreateApiKeyAsync(Scopes.KbRead, Scopes.KbWrite);
        var keyRefused = await app.ApiClient(writerKey).PostAsJsonAsync($"/api/v1/kb/articles/{draft.Id}/publish", new { version = submitted.Version }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Forbidden, keyRefused.StatusCode);

        var approverKey = await app.CreateApiKeyAsync(Scopes.KbRead, Scopes.KbWrite, Scopes.KbPublish);
        var published = await StepAsync(submitted, "publish", client: app.ApiClient(approverKey));
        Assert.Equal(ArticleStatus.Published, published.Status);
    }

    [Fact]
    public async Task ScheduledPublishing_HappensWhenDue()
    {
        var draft = await CreateAsync(new { title = Unique("Scheduled"), body = "later" });
        var at = TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(2);
        var approved = await StepAsync(draft, "publish", new { version = draft.Version, publishAt = at });
        Assert.Equal(ArticleStatus.InReview, approved.Status);
        Assert.NotNull(approved.PublishAt);

        var sweeper = app.Services.GetRequiredService<PublishScheduledArticles>();
        await sweeper.RunAsync(at.AddMinutes(-1));
        Assert.Equal(ArticleStatus.InReview, (await app.ApiClient().GetFromJsonAsync<ArticleDto>($"/api/v1/kb/articles/{draft.Id}", PishkhanAppFactory.Json))!.Status);
        Assert.True(await sweeper.RunAsync(at.AddSeconds(1)) >= 1);
        var after = (await app.ApiClient().GetFromJsonAsync<ArticleDto>($"/api/v1/kb/articles/{draft.Id}", PishkhanAppFactory.Json))!;
        Assert.Equal(ArticleStatus.Published, after.Status);
        Assert.Null(after.PublishAt);
    }

    [Fact]
    public async Task PersianSearch_PublicPages_FeedbackAndSitemap()
    {
        var slugWord = Guid.NewGuid().ToString("N")[..8];
        var article = await CreateAsync(new
        {
            title = "چاپگر کار نمی‌کند " + slugWord,
            summary = "وقتی چاپگر چیزی چاپ نمی‌کند",
            body = "کابل را بررسی کنید. خطای ۴۰۴ یعنی درایور پیدا نشد.",
            language = "fa",
            visibility = "public",
        });
        var published = await StepAsync(article, "publish");
        var hits = await SearchAsync("چاپگر كار نمي كند " + slugWord, app.AnonymousClient(), "/api/v1/kb/public/search");
        Assert.Equal(article.Id, hits.Hits[0].Id);
        Assert.Contains("<mark>", hits.Hits[0].TitleHtml, StringComparison.Ordinal);
        Assert.Contains((await SearchAsync("خطای 404")).Hits, h => h.Id == article.Id);

        var page = await app.AnonymousClient().GetAsync($"/kb/{Uri.EscapeDataString(published.Slug)}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("dir=\"rtl\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var sitemap = await app.AnonymousClient().GetStringAsync("/kb/sitemap.xml");
        Assert.Contains(Uri.EscapeDataString(published.Slug), sitemap, StringComparison.Ordinal);

        var feedback = await app.AnonymousClient().PostAsJsonAsync($"/api/v1/kb/public/articles/{article.Id}/feedback", new { helpful = false, comment = "نشد" }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        var missing = await app.AnonymousClient().PostAsJsonAsync($"/api/v1/kb/public/articles/{article.Id}/feedback", new { comment = "?" }, PishkhanAppFactory.Json);
        Assert.Contains("helpful", (await Problems.ErrorsAsync(missing)).Keys);
        var after = (await app.ApiClient().GetFromJsonAsync<ArticleDto>($"/api/v1/kb/articles/{article.Id}", PishkhanAppFactory.Json))!;
        Assert.Equal(1, after.NotHelpfulCount);
        Assert.True(after.ViewCount >= 1);
    }

    [Fact]
    public async Task InternalArticles_AreHiddenFromThePublic()
    {
        var word = "zq" + Guid.NewGuid().ToString("N")[..8];
        var article = await CreateAsync(new { title = "Internal runbook " + word, body = "secret", language = "en" });
        await StepAsync(article, "publish");
        Assert.Contains((await SearchAsync(word)).Hits, h => h.Id == article.Id);
        Assert.Empty((await SearchAsync(word, app.AnonymousClient(), "/api/v1/kb/public/search")).Hits);
        Assert.Equal(HttpStatusCode.NotFound, (await app.AnonymousClient().GetAsync($"/kb/{article.Slug}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.AnonymousClient().GetAsync("/api/v1/kb/articles")).StatusCode);
    }

    [Fact]
    public async Task LinkingToACase_TeachesTheArticleTheCaseWords_AndSynonymsExpand()
    {
        var marker = "qx" + Guid.NewGuid().ToString("N")[..6];
        var article = await CreateAsync(new { title = "Resetting a password " + marker, body = "Use the forgot link on the sign-in page.", language = "en" });
        await StepAsync(article, "publish");
        var theCase = await app.CreateCaseAsync("Locked out of the portal, cannot sign in " + marker + "zz");
        Assert.DoesNotContain((await SearchAsync("locked portal")).Hits, h => h.Id == article.Id);

        var link = await app.ApiClient().PostAsJsonAsync($"/api/v1/cases/{theCase.Id}/articles", new { articleId = article.Id }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        Assert.Contains((await SearchAsync("locked portal")).Hits, h => h.Id == article.Id);
        var suggested = await app.ApiClient().GetFromJsonAsync<List<KnowledgeHit>>($"/api/v1/cases/{theCase.Id}/suggested-articles", PishkhanAppFactory.Json);
        Assert.DoesNotContain(suggested!, h => h.Id == article.Id);

        var slow = await CreateAsync(new { title = "Laptop freezes " + marker, body = "Close heavy apps and restart.", language = "en" });
        await StepAsync(slow, "publish");
        Assert.DoesNotContain((await SearchAsync("سیستم هنگ")).Hits, h => h.Id == slow.Id);
        var bad = await app.ApiClient().PostAsJsonAsync("/api/v1/kb/synonyms", new { terms = OneTerm }, PishkhanAppFactory.Json);
        Assert.Contains("terms", (await Problems.ErrorsAsync(bad)).Keys);
        var group = await app.ApiClient().PostAsJsonAsync("/api/v1/kb/synonyms", new { terms = FreezeGroup }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        Assert.Contains((await SearchAsync("سیستم هنگ")).Hits, h => h.Id == slow.Id);
    }

    [Fact]
    public async Task Attention_RemindsOwnersOfReviewDueAndApproversOfWaitingArticles()
    {
        var owner = await app.CreateUserAsync("kb-owner@test.local", UserRole.Agent);
        await app.CreateUserAsync("kb-approver@test.local", UserRole.Supervisor);
        var ownerClient = await app.LoginAsync("kb-owner@test.local");
        var approverClient = await app.LoginAsync("kb-approver@test.local");
        var due = await CreateAsync(new { title = Unique("Review me"), body = "old", ownerId = owner.Id, nextReviewAt = TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-1) });
        var notYet = await CreateAsync(new { title = Unique("Not yet"), body = "new", ownerId = owner.Id, nextReviewAt = TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(30) });
        var waiting = await StepAsync(await CreateAsync(new { title = Unique("Waiting"), body = "x" }, ownerClient), "submit", client: ownerClient);

        var mine = (await ownerClient.GetFromJsonAsync<List<AttentionItem>>("/api/v1/kb/attention", PishkhanAppFactory.Json))!;
        Assert.Contains(mine, i => i.Id == due.Id && i.Reason == AttentionReason.ReviewDue);
        Assert.DoesNotContain(mine, i => i.Id == notYet.Id);
        Assert.DoesNotContain(mine, i => i.Reason == AttentionReason.AwaitingApproval);

        var approver = (await approverClient.GetFromJsonAsync<List<AttentionItem>>("/api/v1/kb/attention", PishkhanAppFactory.Json))!;
        Assert.Contains(approver, i => i.Id == waiting.Id && i.Reason == AttentionReason.AwaitingApproval);
        Assert.DoesNotContain(approver, i => i.Id == due.Id);
    }

    [Fact]
    public async Task GapReport_CountsUnansweredCasesAndCasesAnsweredByUnhelpfulArticles()
    {
        var marker = "gp" + Guid.NewGuid().ToString("N")[..6];
        await app.CreateCaseAsync("Zebra printer ribbon " + marker);
        var answered = await app.CreateCaseAsync("Ribbon alignment " + marker + "b");
        var article = await CreateAsync(new { title = Unique("Ribbon help"), body = "Align it.", language = "en" });
        await StepAsync(article, "publish");
        Assert.Equal(HttpStatusCode.OK, (await app.ApiClient().PostAsJsonAsync($"/api/v1/cases/{answered.Id}/articles", new { articleId = article.Id }, PishkhanAppFactory.Json)).StatusCode);
        var before = (await app.ApiClient().GetFromJsonAsync<KnowledgeGaps>("/api/v1/kb/reports/gaps?days=7", PishkhanAppFactory.Json))!;
        Assert.Contains(before.Terms, t => t.Term == marker);
        Assert.DoesNotContain(before.Terms, t => t.Term == marker + "b");

        var feedback = await app.ApiClient().PostAsJsonAsync($"/api/v1/kb/articles/{article.Id}/feedback", new { helpful = false, comment = "wrong printer" }, PishkhanAppFactory.Json);
        Assert.True(feedback.IsSuccessStatusCode, await feedback.Content.ReadAsStringAsync());
        var after = (await app.ApiClient().GetFromJsonAsync<KnowledgeGaps>("/api/v1/kb/reports/gaps?days=7", PishkhanAppFactory.Json))!;
        Assert.Contains(after.Terms, t => t.Term == marker + "b");
        Assert.True(after.CasesWithUnhelpfulArticles >= 1);

        await app.CreateUserAsync("kb-gap-agent@test.local", UserRole.Agent);
        var agent = await app.LoginAsync("kb-gap-agent@test.local");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/kb/reports/gaps")).StatusCode);
    }

    [Fact]
    public async Task Rebuild_ReportsProgress_AndSearchAnswersTheSame()
    {
        var word = "rb" + Guid.NewGuid().ToString("N")[..8];
        var article = await CreateAsync(new { title = "Rebuild probe " + word, body = "body", language = "en" });
        await StepAsync(article, "publish");
        var before = await SearchAsync(word);
        var index = app.Services.GetRequiredService<KnowledgeIndex>();
        var reports = new List<IndexStatus>();
        await index.RebuildAsync(new SyncProgress(reports.Add));
        Assert.Equal("done", reports[^1].State);
        Assert.Equal(reports[^1].Total, reports[^1].Done);
        var after = await SearchAsync(word);
        Assert.Equal(before.Hits.Select(h => h.Id), after.Hits.Select(h => h.Id));

        var started = await app.ApiClient().PostAsync("/api/v1/kb/index/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
    }

    private sealed class SyncProgress(Action<IndexStatus> report) : IProgress<IndexStatus>
    {
        public void Report(IndexStatus value) => report(value);
    }
}
