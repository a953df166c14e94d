using System.Globalization;
using BenchmarkDotNet.Running;
using Pishkhan.Sla.Bench;

var number = (int index, int fallback) => args.Length > index && int.TryParse(args[index], CultureInfo.InvariantCulture, out var n) ? n : fallback;
var option = (string name) => Array.IndexOf(args, name) is var i && i >= 0 && i + 1 < args.Length ? args[i + 1] : null;

switch (args.FirstOrDefault())
{
    case "--recalc":
        // Adds a holiday for tomorrow through the calendar edit path on a fresh copy of the generated database and
        // times the background recalculation until every dependent open instance is recalculated (best of --runs).
        await RecalcBench.RunAsync(number(1, 100_000), int.Parse(option("--runs") ?? "3", CultureInfo.InvariantCulture), option("--dump"));
        return;
    case "--sweep":
        // The sweeper's claim query plan and a Stopwatch over many ticks with nothing due.
        await SweepBench.RunAsync(number(1, 1_000_000), int.Parse(option("--ticks") ?? "2000", CultureInfo.InvariantCulture));
        return;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(SlaData).Assembly).Run(args);
        return;
}
