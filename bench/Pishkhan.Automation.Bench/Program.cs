using System.Globalization;
using BenchmarkDotNet.Running;

namespace Pishkhan.Automation.Bench;

public static class BenchProgram
{
    public static async Task Main(string[] args)
    {
        if (args is ["--outbox", ..])
        {
            // Background steps per second through the outbox on SQLite (see OutboxThroughput): cases per round, rounds.
            var cases = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
            var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
            await OutboxThroughput.RunAsync(cases, rounds);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(MatchingBenchmarks).Assembly).Run(args);
    }
}
