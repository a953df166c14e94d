using System.Globalization;
using Lucene.Net.Store;
using Pishkhan.Features.Knowledge.Search;
using Xunit.Abstractions;

namespace Pishkhan.Tests.Knowledge;

/// <summary>MRR@10 and Recall@5 over the labelled set, with and without synonyms and learning.</summary>
public sealed class RelevanceTests(ITestOutputHelper output) : IDisposable
{
    private readonly KnowledgeSearchEngine _engine = Build();

    private static KnowledgeSearchEngine Build()
    {
        var engine = new KnowledgeSearchEngine(new RAMDirectory());
        engine.Upsert(RelevanceCorpus.Articles());
        engine.Commit();
        engine.SetSynonyms(RelevanceCorpus.SynonymGroups);
        return engine;
    }

    [Fact]
    public void TheSet_IsLargeEnough()
    {
        Assert.True(_engine.Count >= 300);
        Assert.True(RelevanceCorpus.Queries.Length >= 60);
        Assert.Contains(RelevanceCorpus.Queries, q => q.Text.Contains('ي', StringComparison.Ordinal) || q.Text.Contains('ك', StringComparison.Ordinal));
    }

    [Fact]
    public void WithSynonymsAndLearning_RecallAt5IsAtLeast90Percent()
    {
        var (mrr, recall, misses) = Measure(synonyms: true, learning: true);
        output.WriteLine($"synonyms+learning: MRR@10 {mrr:F3}, Recall@5 {recall:F3}; misses: {string.Join(" | ", misses)}");
        Assert.True(recall >= 0.9, $"Recall@5 {recall:F3}; misses: {string.Join(" | ", misses)}");
    }

    [Fact]
    public void Report_EveryConfiguration()
    {
        var lines = new List<string>();
        foreach (var (synonyms, learning) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            var (mrr, recall, misses) = Measure(synonyms, learning);
            var line = string.Create(CultureInfo.InvariantCulture, $"synonyms={synonyms} learning={learning}: MRR@10 {mrr:F3} Recall@5 {recall:F3} misses {misses.Count}");
            lines.Add(line);
            output.WriteLine(line);
        }

        var byKind = RelevanceCorpus.Queries.GroupBy(q => q.Kind).Select(g => $"{g.Key} {g.Count()}");
        output.WriteLine("queries: " + string.Join(", ", byKind));
        if (Environment.GetEnvironmentVariable("PISHKHAN_RELEVANCE_REPORT") is { Length: > 0 } path)
        {
            File.WriteAllLines(path, lines);
        }
    }

    [Fact]
    public void SameResults_AfterReopeningTheIndexOnDisk()
    {
        var path = Path.Combine(Path.GetTempPath(), "pishkhan-kb-" + Guid.NewGuid().ToString("N"));
        try
        {
            List<Guid> before;
            using (var engine = new KnowledgeSearchEngine(FSDirectory.Open(path)))
            {
                engine.Upsert(RelevanceCorpus.Articles());
                engine.Commit(new Dictionary<string, string> { ["watermark"] = "42" });
                before = engine.Search(new KnowledgeQuery("چاپگر كند است")).Hits.Select(h => h.Id).ToList();
            }

            using var reopened = new KnowledgeSearchEngine(FSDirectory.Open(path));
            Assert.Equal("42", reopened.CommitData["watermark"]);
            Assert.Equal(before, reopened.Search(new KnowledgeQuery("چاپگر كند است")).Hits.Select(h => h.Id));
            Assert.NotEmpty(before);
        }
        finally
        {
            System.IO.Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public void Filters_LanguageAndPaging()
    {
        var fa = _engine.Search(new KnowledgeQuery("پایگاه داده", Language: "fa", PageSize: 5));
        Assert.All(fa.Hits, h => Assert.Equal("fa", h.Language));
        var page2 = _engine.Search(new KnowledgeQuery("پایگاه داده", Language: "fa", Page: 2, PageSize: 5));
        Assert.Empty(fa.Hits.Select(h => h.Id).Intersect(page2.Hits.Select(h => h.Id)));
        Assert.Equal(fa.Total, page2.Total);
        Assert.Contains("<mark>", fa.Hits[0].TitleHtml, StringComparison.Ordinal);
    }

    public void Dispose() => _engine.Dispose();

    private (double Mrr, double Recall, List<string> Misses) Measure(bool synonyms, bool learning)
    {
        double reciprocal = 0;
        var found = 0;
        var misses = new List<string>();
        foreach (var query in RelevanceCorpus.Queries)
        {
            var hits = _engine.Search(new KnowledgeQuery(query.Text, UseSynonyms: synonyms, UseLearning: learning)).Hits.Select(h => h.Id).ToList();
            var rank = hits.IndexOf(RelevanceCorpus.IdOf(query.Relevant)) + 1;
            if (rank > 0)
            {
                reciprocal += 1.0 / rank;
            }

            if (rank is > 0 and <= 5)
            {
                found++;
            }
            else
            {
                misses.Add($"{query.Text} → {rank}");
            }
        }

        return (reciprocal / RelevanceCorpus.Queries.Length, (double)found / RelevanceCorpus.Queries.Length, misses);
    }
}
