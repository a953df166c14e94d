using BenchmarkDotNet.Running;
using Pishkhan.Automation.Bench;

BenchmarkSwitcher.FromAssembly(typeof(MatchingBenchmarks).Assembly).Run(args);
