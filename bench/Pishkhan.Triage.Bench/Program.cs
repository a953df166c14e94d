using System.Diagnostics;
using BenchmarkDotNet.Running;
using Pishkhan.Features.Triage;
using Pishkhan.Triage.Bench;

if (args is ["--accuracy"])
{
    // One training run outside BenchmarkDotNet, to report the held-out accuracy and one wall-clock time.
    var cases = GeneratedCases.Make(20_000);
    var watch = Stopwatch.StartNew();
    var result = ClassifierTraining.Train(cases);
    watch.Stop();
    if (result is TrainingResult.Trained trained)
    {
        Console.WriteLine($"Trained on {trained.TrainingCases:N0}, held out {trained.HeldOutCases:N0}, categories {trained.Categories.Count}, " +
            $"held-out accuracy {trained.Accuracy:P2}, {watch.Elapsed.TotalSeconds:F1} s, model {trained.Model.Length / 1024:N0} KiB");
    }
    else
    {
        Console.WriteLine(result);
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(GeneratedCases).Assembly).Run(args);
