using Lucene.Net.Store;
using Pishkhan.Features.Knowledge;
using Pishkhan.Features.Knowledge.Search;

namespace Pishkhan.Tests.Knowledge;

public sealed class EngineTests
{
    private static ArticleDocument Doc(string title, string body = "", string summary = "", string lang = "en", ArticleStatus status = ArticleStatus.Published, ArticleVisibility visibility = ArticleVisibility.Public) =>
        new(Guid.NewGuid(), Guid.NewGuid().ToString("N"), title, summary, body, [], lang, visibility, status, [], "");

    [Fact]
    public void Search_FindsTitleWord()
    {
        using var engine = new KnowledgeSearchEngine(new RAMDirectory());
        var vpn = Doc("VPN setup abc12345", "Install the client.");
        engine.Upsert([vpn, Doc("Printer jams", "Open the tray.")]);
        engine.Commit();
        var results = engine.Search(new KnowledgeQuery("vpn setup"));
        Assert.Equal(vpn.Id, Assert.Single(results.Hits).Id);
    }

    [Fact]
    public void ACompoundWrittenWithASpace_FindsTheJoinedOrZwnjSpelling()
    {
        using var engine = new KnowledgeSearchEngine(new RAMDirectory());
        var laptop = Doc("باتری لپ‌تاپ", "شارژ نمی‌شود", lang: "fa");
        engine.Upsert([laptop, Doc("تاپ کردن صفحه", "لپ", lang: "fa"), Doc("چاپگر", "کاغذ گیر کرده", lang: "fa")]);
        engine.Commit();
        Assert.Equal(laptop.Id, engine.Search(new KnowledgeQuery("لپ تاپ")).Hits[0].Id);
        Assert.Equal(laptop.Id, engine.Search(new KnowledgeQuery("لپتاپ")).Hits[0].Id);
    }

    [Fact]
    public void WordsLearnedFromCases_LiftAnArticle_EvenWhenItLearnedMany()
    {
        using var engine = new KnowledgeSearchEngine(new RAMDirectory());
        var many = string.Join(' ', Enumerable.Range(0, 200).Select(i => $"word{i}")) + " spooler";
        var learned = Doc("Printer stops", "Restart the service.") with { LearnedTerms = many };
        var others = Enumerable.Range(0, 50).Select(i => Doc($"Spool guide {i}", "How the spool works.")).ToList();
        engine.Upsert([learned, .. others]);
        engine.Commit();
        Assert.Equal(learned.Id, engine.Search(new KnowledgeQuery("spooler")).Hits[0].Id);
        Assert.DoesNotContain(engine.Search(new KnowledgeQuery("spooler", UseLearning: false)).Hits, h => h.Id == learned.Id);
    }

    [Fact]
    public void Highlights_MarkTheOriginalWords_WhenSpacesWereJoined()
    {
        using var engine = new KnowledgeSearchEngine(new RAMDirectory());
        engine.Upsert([Doc("کپی فایل ها روی سرور نمی شود", lang: "fa")]);
        engine.Commit();
        var hit = Assert.Single(engine.Search(new KnowledgeQuery("فایلها نمیشود")).Hits);
        Assert.Equal("کپی <mark>فایل ها</mark> روی سرور <mark>نمی شود</mark>", hit.TitleHtml);
    }
}
