using BenchmarkDotNet.Running;
using Pishkhan.Routing.Bench;

BenchmarkSwitcher.FromAssembly(typeof(RoutingDecisionBench).Assembly).Run(args);
