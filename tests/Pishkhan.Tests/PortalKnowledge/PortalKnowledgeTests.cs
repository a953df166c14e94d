using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Knowledge;
using Pishkhan.Features.Portal.Knowledge;

namespace Pishkhan.Tests.PortalKnowledge;

/// <summary>The portal's public knowledge base: suggestions, pages and rating, anonymous.</summary>
[Trait("Category", "Integration")]
public sealed class PortalKnowledgeTests(PortalKbApp kb) : IClassFixture<PortalKbApp>
{
    private static string Word(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Suggest_FindsPublicArticles_HoweverPersianIsTyped_AndNeverInternalOrDraft()
    {
        var article = await kb.ArticleAsync("تنظیمات بارکدخوان کیوسک مدل ۴۵۶", "اگر بارکدخوان کار نمی‌کند کابل را بررسی کنید.", language: "fa");
        var internalOne = await kb.ArticleAsync("بارکدخوان کیوسک داخلی", "فقط برای کارکنان.", language: "fa", visibility: "internal");
        var draft = await kb.ArticleAsync("بارکدخوان کیوسک پیش‌نویس", "هنوز منتشر نشده.", language: "fa", publish: false);
        var customer = kb.App.AnonymousClient();

        // Arabic-keyboard letters, Persian and Arabic-Indic digits, and the half-space written three ways.
        foreach (var q in new[] { "بارکدخوان كيوسك", "کیوسک 456", "کیوسک ٤٥٦", "بارکدخوان کار نمیکند", "بارکدخوان کار نمی کند", "بارکدخوان کار نمی‌کند" })
        {
            var hits = await PortalKbApp.SuggestAsync(customer, q);
            Assert.True(hits.Any(h => h.Id == article.Id), $"'{q}' did not suggest the article");
            Assert.DoesNotContain(hits, h => h.Id == internalOne.Id || h.Id == draft.Id);
            Assert.True(hits.Count <= 5);
        }

        var first = (await PortalKbApp.SuggestAsync(customer, "بارکدخوان")).First(h => h.Id == article.Id);
        Assert.Equal($"/portal/kb/{article.Id}", first.Url);
        Assert.Equal(article.Title, first.Title);
        Assert.DoesNotContain("<mark>", first.Snippet, StringComparison.Ordinal);
        Assert.Empty(await PortalKbApp.SuggestAsync(customer, "   "));
        Assert.Empty(await PortalKbApp.SuggestAsync(customer, ""));

        var tooLong = await customer.GetAsync("/portal/api/kb/suggest?q=" + new string('a', 301));
        Assert.Contains("q", (await Problems.ErrorsAsync(tooLong)).Keys);
        var badForm = await customer.GetAsync("/portal/api/kb/suggest?q=x&formId=not-a-guid");
        Assert.Contains("formId", (await Problems.ErrorsAsync(badForm)).Keys);
    }

    [Fact]
    public async Task ArticlePage_ShowsPublishedPublicArticles_Sanitised_And404ForInternalOrDraft()
    {
        var word = Word("rd");
        var article = await kb.ArticleAsync("Reset the router " + word, "Hold **reset** for ten seconds.\n\n<script>alert('x')</script>");
        var internalOne = await kb.ArticleAsync("Internal router notes " + word, "Staff only: admin password.", visibility: "internal");
        var draft = await kb.ArticleAsync("Draft router " + word, "Not yet.", publish: false);
        var customer = kb.App.AnonymousClient();

        var (status, html) = await PortalKbApp.PageAsync(customer, $"/portal/kb/{article.Id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(article.Title, html, StringComparison.Ordinal);
        Assert.Contains("<strong>reset</strong>", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"pkb-rate-form\"", html, StringComparison.Ordinal);
        var raw = await customer.GetStringAsync($"/portal/kb/{article.Id}");
        Assert.DoesNotContain("<script>alert", raw, StringComparison.Ordinal);

        foreach (var hidden in new[] { internalOne, draft })
        {
            var (hiddenStatus, hiddenHtml) = await PortalKbApp.PageAsync(customer, $"/portal/kb/{hidden.Id}");
            Assert.Equal(HttpStatusCode.NotFound, hiddenStatus);
            Assert.Contains("data-testid=\"pkb-not-found\"", hiddenHtml, StringComparison.Ordinal);
            Assert.DoesNotContain(hidden.Title, hiddenHtml, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync($"/portal/kb/{Guid.NewGuid()}")).StatusCode);

        var (searchStatus, search) = await PortalKbApp.PageAsync(customer, $"/portal/kb/search?q={word}");
        Assert.Equal(HttpStatusCode.OK, searchStatus);
        Assert.Contains($"<mark>{word}</mark>", search, StringComparison.Ordinal);
        Assert.Contains($"href=\"/portal/kb/{article.Id}\"", search, StringComparison.Ordinal);
        Assert.DoesNotContain(internalOne.Id.ToString(), search, StringComparison.Ordinal);
        Assert.DoesNotContain(draft.Id.ToString(), search, StringComparison.Ordinal);

        var viewed = (await kb.App.ApiClient().GetFromJsonAsync<ArticleDto>($"/api/v1/kb/articles/{article.Id}", PishkhanAppFactory.Json))!;
        Assert.Equal(2, viewed.ViewCount);
    }

    [Fact]
    public async Task Browse_ByCategory_InTheReadersLanguage()
    {
        var word = Word("br");
        var topic = await kb.CategoryAsync("Printers " + word, "چاپگرها " + word);
        var sub = await kb.CategoryAsync("Toner " + word, "تونر " + word, topic);
        var english = await kb.ArticleAsync("Replace the toner " + word, "Open the front door.", categoryId: sub);
        var persian = await kb.ArticleAsync("تعویض تونر " + word, "درب جلو را باز کنید.", language: "fa", categoryId: sub, translationOf: english.Id);
        var internalOne = await kb.ArticleAsync("Toner stock " + word, "Order more.", visibility: "internal", categoryId: sub);

        // Persian is the default language: the English article's Persian translation is shown in its place.
        var customer = kb.App.AnonymousClient();
        var (_, home) = await PortalKbApp.PageAsync(customer, "/portal/kb");
        Assert.Contains("dir=\"rtl\"", home, StringComparison.Ordinal);
        Assert.Contains($"href=\"/portal/kb/category/{topic}\"", home, StringComparison.Ordinal);
        Assert.Contains("چاپگرها " + word, home, StringComparison.Ordinal);

        var (status, category) = await PortalKbApp.PageAsync(customer, $"/portal/kb/category/{topic}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"href=\"/portal/kb/category/{sub}\"", category, StringComparison.Ordinal);
        Assert.Contains($"href=\"/portal/kb/{persian.Id}\"", category, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"/portal/kb/{english.Id}\"", category, StringComparison.Ordinal);
        Assert.DoesNotContain(internalOne.Title, category, StringComparison.Ordinal);

        var (_, read) = await PortalKbApp.PageAsync(customer, $"/portal/kb/{english.Id}");
        Assert.Contains(persian.Title, read, StringComparison.Ordinal);
        Assert.Contains("lang=\"fa\" dir=\"rtl\"", read, StringComparison.Ordinal);
        Assert.Contains($"href=\"/portal/kb/{english.Id}?lang=en\"", read, StringComparison.Ordinal);
        var (_, asked) = await PortalKbApp.PageAsync(customer, $"/portal/kb/{english.Id}?lang=en");
        Assert.Contains("<h1 data-testid=\"pkb-article-title\">" + english.Title, asked, StringComparison.Ordinal);

        // An English reader gets the English one.
        var reader = kb.App.AnonymousClient();
        Assert.Equal(HttpStatusCode.Redirect, (await reader.GetAsync("/portal/language/en?returnUrl=/portal/kb")).StatusCode);
        var (_, englishCategory) = await PortalKbApp.PageAsync(reader, $"/portal/kb/category/{sub}");
        Assert.Contains($"href=\"/portal/kb/{english.Id}\"", englishCategory, StringComparison.Ordinal);
        Assert.Contains("dir=\"ltr\"", englishCategory, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync($"/portal/kb/category/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Rating_GoesThroughTheFeedbackHandler_OncePerBrowser_WithAntiforgery()
    {
        var article = await kb.ArticleAsync("Rate me " + Word("rt"), "Useful text.");
        var customer = kb.App.AnonymousClient();
        var path = $"/portal/kb/{article.Id}";
        var (_, page) = await PortalKbApp.PageAsync(customer, path);
        var token = PortalKbApp.Token(page);
        Assert.NotEmpty(token);

        FormUrlEncodedContent Form(Dictionary<string, string> fields) => new(new Dictionary<string, string>(fields) { ["_handler"] = "kb-rate", ["__RequestVerificationToken"] = token });

        // Without the antiforgery token nothing is stored.
        var forged = await customer.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "kb-rate", ["Form.Helpful"] = "yes" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var missing = await customer.PostAsync(path, Form(new() { ["Form.Comment"] = "?" }));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("«بله» یا «خیر»", System.Net.WebUtility.HtmlDecode(await missing.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(0, await kb.App.WithDbAsync(db => db.ArticleFeedback.CountAsync(f => f.ArticleId == article.Id)));

        var sent = await customer.PostAsync(path, Form(new() { ["Form.Helpful"] = "no", ["Form.Comment"] = "چراغ هنوز قرمز است" }));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("data-testid=\"pkb-rate-thanks\"", await sent.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The same browser is not asked again, and a second post changes nothing.
        var (_, again) = await PortalKbApp.PageAsync(customer, path);
        Assert.Contains("data-testid=\"pkb-rate-already\"", again, StringComparison.Ordinal);
        await customer.PostAsync(path, Form(new() { ["Form.Helpful"] = "yes" }));
        var feedback = await kb.App.WithDbAsync(db => db.ArticleFeedback.Where(f => f.ArticleId == article.Id).ToListAsync());
        var only = Assert.Single(feedback);
        Assert.False(only.Helpful);
        Assert.Equal("چراغ هنوز قرمز است", only.Comment);
        var counted = (await kb.App.ApiClient().GetFromJsonAsync<ArticleDto>($"/api/v1/kb/articles/{article.Id}", PishkhanAppFactory.Json))!;
        Assert.Equal((0, 1), (counted.HelpfulCount, counted.NotHelpfulCount));
    }

    [Fact]
    public async Task Opened_RejectsBadIds_AndStoresNothing()
    {
        var word = Word("op");
        var shown = await kb.ArticleAsync("Shown " + word, "Text.");
        var other = await kb.ArticleAsync("Other one " + Word("ot"), "Text.");
        var customer = kb.App.AnonymousClient();
        var formId = Guid.NewGuid();
        Assert.Contains(await PortalKbApp.SuggestAsync(customer, word, formId), s => s.Id == shown.Id);

        async Task<int> OpenedCount() => await kb.App.WithDbAsync(db => db.Set<DeflectionSuggestion>().CountAsync(s => s.OpenedAt != null));
        var before = await OpenedCount();

        Assert.Contains("formId", (await Problems.ErrorsAsync(await PortalKbApp.OpenedAsync(customer, "not-a-guid", shown.Id.ToString()))).Keys);
        Assert.Contains("formId", (await Problems.ErrorsAsync(await PortalKbApp.OpenedAsync(customer, Guid.Empty.ToString(), shown.Id.ToString()))).Keys);
        Assert.Contains("articleId", (await Problems.ErrorsAsync(await PortalKbApp.OpenedAsync(customer, formId.ToString(), "42"))).Keys);
        Assert.Contains("articleId", (await Problems.ErrorsAsync(await PortalKbApp.OpenedAsync(customer, formId.ToString(), ""))).Keys);
        Assert.Contains("articleId", (await Problems.ErrorsAsync(await PortalKbApp.OpenedAsync(customer, formId.ToString(), other.Id.ToString()))).Keys);
        Assert.Contains("formId", (await Problems.ErrorsAsync(await PortalKbApp.OpenedAsync(customer, Guid.NewGuid().ToString(), shown.Id.ToString()))).Keys);
        Assert.Contains("body", (await Problems.ErrorsAsync(await customer.PostAsync("/portal/api/kb/deflection/opened", new StringContent("{oops", System.Text.Encoding.UTF8, "application/json")))).Keys);
        var crossSite = new HttpRequestMessage(HttpMethod.Post, "/portal/api/kb/deflection/opened")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["formId"] = formId.ToString(), ["articleId"] = shown.Id.ToString() }),
        };
        crossSite.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.SendAsync(crossSite)).StatusCode);
        Assert.Equal(before, await OpenedCount());

        // JSON works as well as a form, and opening twice is harmless.
        var json = await customer.PostAsJsonAsync("/portal/api/kb/deflection/opened", new { formId, articleId = shown.Id }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.NoContent, json.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await PortalKbApp.OpenedAsync(customer, formId.ToString(), shown.Id.ToString())).StatusCode);
        Assert.Equal(before + 1, await OpenedCount());
    }
}
