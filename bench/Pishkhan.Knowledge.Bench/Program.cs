using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using Lucene.Net.Store;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Knowledge.Bench;

if (args is ["--latency", ..])
{
    // Every query timed on its own (BenchmarkDotNet's percentiles are over iteration means, not single searches).
    var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
    var path = Path.Combine(Path.GetTempPath(), "kb-latency-" + Guid.NewGuid().ToString("N"));
    var articles = KbCorpus.Generate(count);
    try
    {
        using var engine = new KnowledgeSearchEngine(FSDirectory.Open(path));
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var threadBefore = ThreadClock.Milliseconds();
        var clock = Stopwatch.StartNew();
        foreach (var chunk in articles.Chunk(500))
        {
            engine.Upsert(chunk);
        }

        engine.Commit();
        clock.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var threadCpu = (ThreadClock.Milliseconds() - threadBefore) / 1e3;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Indexed {count:N0} articles, committed to disk: wall {clock.Elapsed.TotalSeconds:F1} s = {count / clock.Elapsed.TotalSeconds:N0} articles/s; indexing thread CPU {threadCpu:F1} s = {count / threadCpu:N0} articles/s; process CPU {cpu:F1} s"));

        var queries = KbCorpus.Queries(articles, 6000);
        foreach (var q in queries.Take(1000))
        {
            engine.Search(q);
        }

        var wall = new List<double>();
        var cpuTimes = new List<double>();
        var hits = 0L;
        foreach (var q in queries.Skip(1000))
        {
            var t = Stopwatch.GetTimestamp();
            var c = ThreadClock.Milliseconds();
            hits += engine.Search(q).Hits.Count;
            cpuTimes.Add(ThreadClock.Milliseconds() - c);
            wall.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        Report("wall clock", wall);
        Report("thread CPU", cpuTimes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{wall.Count:N0} searches over {engine.Count:N0} articles; {hits / (double)wall.Count:F1} hits per page"));
    }
    finally
    {
        System.IO.Directory.Delete(path, recursive: true);
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(KbCorpus).Assembly).Run(args);

static void Report(string what, List<double> times)
{
    times.Sort();
    double P(double p) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(p * times.Count) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {what}: mean {times.Average():F2} ms, p50 {P(0.50):F2} ms, p95 {P(0.95):F2} ms, p99 {P(0.99):F2} ms, max {times[^1]:F2} ms"));
}
