using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pishkhan.Features.Reports;

namespace Pishkhan.Reports.Bench;

/// <summary>
/// The supervisor dashboard and every report over a generated organisation (two years of cases), for the last 30 days
/// and, for the period reports, the last year. The roll-up is current (no pending change marks), as after the worker ran.
/// </summary>
[InProcess]
[MemoryDiagnoser]
public class ReportBenchmarks
{
    private ServiceProvider _services = null!;
    private GetReport _reports = null!;

    [Params(100_000)]
    public int Cases { get; set; }

    [ParamsSource(nameof(Names))]
    public string Report { get; set; } = "";

    [Params(30, 365)]
    public int Days { get; set; }

    public static IEnumerable<string> Names => GetReport.Names;

    [GlobalSetup]
    public void Setup()
    {
        _services = ReportData.Services(Cases);
        ReportData.EnsureAsync(_services, Cases).GetAwaiter().GetResult();
        _reports = _services.GetRequiredService<GetReport>();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark]
    public async Task<int> RunReport()
    {
        var today = new LocalDate(2026, 11, 23);
        var table = await _reports.RunAsync(Report, new ReportFilter { From = today.PlusDays(1 - Days), To = today });
        return table!.Rows.Count;
    }
}

/// <summary>The supervisor dashboard on the same data.</summary>
[InProcess]
[MemoryDiagnoser]
public class DashboardBenchmarks
{
    private ServiceProvider _services = null!;
    private GetDashboard _dashboard = null!;

    [Params(100_000)]
    public int Cases { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _services = ReportData.Services(Cases);
        ReportData.EnsureAsync(_services, Cases).GetAwaiter().GetResult();
        _dashboard = _services.GetRequiredService<GetDashboard>();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark]
    public async Task<int> Supervisor() => (await _dashboard.SupervisorAsync()).Figures.Count;
}
