using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pishkhan.Features.Reports;
using Pishkhan.Reports.Bench;

if (args is ["--quick", ..])
{
    // Every report and the dashboard timed one by one (20 runs each after 3 warm-ups): a quick table for docs/benchmarks.md.
    var cases = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
    using var services = ReportData.Services(cases);
    await ReportData.EnsureAsync(services, cases);
    var reports = services.GetRequiredService<GetReport>();
    var dashboard = services.GetRequiredService<GetDashboard>();
    var today = new LocalDate(2026, 11, 23);
    Console.WriteLine("| What | Wall p50 ms | Wall p95 ms | Process CPU p50 ms |");
    Console.WriteLine("|---|---|---|---|");
    await Time("dashboard (supervisor)", async () => await dashboard.SupervisorAsync());
    foreach (var days in new[] { 30, 365 })
    {
        foreach (var name in GetReport.Names)
        {
            await Time($"{name}, {days} days", async () => await reports.RunAsync(name, new ReportFilter { From = today.PlusDays(1 - days), To = today }));
        }
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ReportData).Assembly).Run(args);

static async Task Time(string what, Func<Task> run)
{
    for (var i = 0; i < 3; i++)
    {
        await run();
    }

    // Wall clock, and this process's CPU time (the database is in-process on SQLite): on a shared machine the CPU
    // column is what the work costs without waiting for a core.
    var process = Process.GetCurrentProcess();
    var times = new List<double>();
    var cpu = new List<double>();
    for (var i = 0; i < 20; i++)
    {
        process.Refresh();
        var c = process.TotalProcessorTime;
        var t = Stopwatch.GetTimestamp();
        await run();
        times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        process.Refresh();
        cpu.Add((process.TotalProcessorTime - c).TotalMilliseconds);
    }

    times.Sort();
    cpu.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {what} | {times[times.Count / 2]:F1} | {times[(int)(times.Count * 0.95) - 1]:F1} | {cpu[cpu.Count / 2]:F1} |"));
}
