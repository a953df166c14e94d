using BenchmarkDotNet.Attributes;
using Lucene.Net.Store;
using Pishkhan.Features.Knowledge.Search;

namespace Pishkhan.Knowledge.Bench;

/// <summary>One search over 100,000 articles on disk (MMap), round-robin over 1,000 generated queries of five kinds.</summary>
[MemoryDiagnoser]
[Config(typeof(PercentileConfig))]
public class SearchBenchmarks : IDisposable
{
    private string _path = "";
    private KnowledgeSearchEngine _engine = null!;
    private List<KnowledgeQuery> _queries = [];
    private int _next;

    [Params(100_000)]
    public int Articles { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), "kb-bench-" + Guid.NewGuid().ToString("N"));
        _engine = new KnowledgeSearchEngine(FSDirectory.Open(_path));
        var articles = KbCorpus.Generate(Articles);
        _engine.Upsert(articles);
        _engine.Commit();
        _queries = KbCorpus.Queries(articles, 1000);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _engine.Dispose();
        System.IO.Directory.Delete(_path, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public int Search() => _engine.Search(_queries[_next++ % _queries.Count]).Total;
}

/// <summary>Indexing a batch of 5,000 articles into an empty index, committed: time per article.</summary>
[MemoryDiagnoser]
public class IndexingBenchmarks
{
    private const int Batch = 5_000;
    private List<Pishkhan.Features.Knowledge.Search.ArticleDocument> _articles = [];

    [GlobalSetup]
    public void Setup() => _articles = KbCorpus.Generate(Batch, seed: 3);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int IndexAndCommit()
    {
        using var engine = new KnowledgeSearchEngine(new RAMDirectory());
        engine.Upsert(_articles);
        engine.Commit();
        return engine.Count;
    }
}

public sealed class PercentileConfig : BenchmarkDotNet.Configs.ManualConfig
{
    public PercentileConfig() => AddColumn(BenchmarkDotNet.Columns.StatisticColumn.P95);
}
