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
}
