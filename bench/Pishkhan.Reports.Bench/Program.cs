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
    Console.WriteLine("| What | Wall best ms | Wall median ms | Wall worst ms | CPU best ms | CPU median ms |");
    Console.WriteLine("|---|---|---|---|---|---|");
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

if (args is ["--once", ..])
{
    // Each report (365 days) and the dashboard once, on an existing database: with PISHKHAN_BENCH_SQL=1 it prints their SQL.
    var cases = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
    using var services = ReportData.Services(cases);
    await ReportData.EnsureAsync(services, cases);
    var today = new LocalDate(2026, 11, 23);
    await services.GetRequiredService<GetDashboard>().SupervisorAsync();
    foreach (var name in GetReport.Names)
    {
        Console.WriteLine($"-- report {name}");
        await services.GetRequiredService<GetReport>().RunAsync(name, new ReportFilter { From = today.PlusDays(-364), To = today });
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ReportData).Assembly).Run(args);

static async Task Time(string what, Func<Task> run)
{
    // PISHKHAN_BENCH_RUNS (default 20) timed runs after 3 warm-ups (1 with fewer than 10 runs: at 1,000,000 cases on a
    // shared machine the full 23 calls per line take too long).
    var runs = int.TryParse(Environment.GetEnvironmentVariable("PISHKHAN_BENCH_RUNS"), out var n) ? n : 20;
    for (var i = 0; i < (runs < 10 ? 1 : 3); i++)
    {
        await run();
    }

    // Wall clock, and this process's CPU time (the database is in-process on SQLite): on a shared machine the CPU
    // column is what the work costs without waiting for a core.
    var process = Process.GetCurrentProcess();
    var times = new List<double>();
    var cpu = new List<double>();
    for (var i = 0; i < runs; i++)
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
        $"| {what} | {times[0]:F1} | {times[times.Count / 2]:F1} | {times[^1]:F1} | {cpu[0]:F1} | {cpu[cpu.Count / 2]:F1} |"));
}
