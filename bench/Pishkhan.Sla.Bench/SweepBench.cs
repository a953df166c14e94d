using System.Collections.Concurrent;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Data;

namespace Pishkhan.Sla.Bench;

/// <summary>One sweeper tick with nothing due over 1,000,000 open instances (3,000,000 unfired timers): the query it sends, its plan, and its time.</summary>
public static class SweepBench
{
    public static async Task RunAsync(int instances, int ticks)
    {
        Console.WriteLine($"Provider: {SlaData.Provider}; {instances:N0} open instances; {Environment.ProcessorCount} cores; load average {RecalcBench.LoadAverage()}");
        await SlaData.EnsureSweepAsync(instances);
        var capture = new CommandCapture();
        using var services = SlaData.Services(SlaData.SweepDatabase(instances), s => s.AddLogging(l => l
            .AddProvider(capture)
            .AddFilter<CommandCapture>("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Information)));
        var sweeper = services.GetRequiredService<SlaSweeper>();
        var factory = services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            Console.WriteLine($"Open instances: {await db.Set<SlaInstance>().CountAsync(i => i.IsOpen):N0}; unfired timers: {await db.Set<SlaTimer>().CountAsync(t => t.FiredAt == null):N0}");
        }

        // Warm-up, then one tick with the commands it sends captured.
        for (var i = 0; i < 50; i++)
        {
            await sweeper.SweepOnceAsync();
        }

        capture.Commands.Clear();
        var fired = await sweeper.SweepOnceAsync();
        var commands = capture.Commands.ToList();
        Console.WriteLine($"One tick fired {fired} timers and sent {(SlaData.Postgres is null ? $"{commands.Count} command(s) through EF Core" : "one raw command (the claim UPDATE … RETURNING)")}:");
        foreach (var sql in commands)
        {
            Console.WriteLine(sql);
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            if (db.IsPostgres)
            {
                // The claim exactly as the sweeper sends it, run inside a transaction that is rolled back.
                command.CommandText = $"BEGIN; EXPLAIN (ANALYZE, BUFFERS) {SlaSweeper.PostgresClaimSql}";
                var now = SlaData.Now.UtcDateTime;
                command.Parameters.Add(new NpgsqlParameter("owner", "explain"));
                command.Parameters.Add(new NpgsqlParameter("until", now + SlaSweeper.Lease));
                command.Parameters.Add(new NpgsqlParameter("now", now));
                command.Parameters.Add(new NpgsqlParameter("batch", SlaSweeper.BatchSize));
            }
            else
            {
                command.CommandText = $"EXPLAIN QUERY PLAN {commands.Single()}";
            }

            Console.WriteLine("Plan:");
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    Console.WriteLine(db.IsPostgres ? $"  {reader.GetString(0)}" : $"  {reader.GetValue(1)} {reader.GetValue(3)}");
                }
            }

            if (db.IsPostgres)
            {
                await using var rollback = db.Database.GetDbConnection().CreateCommand();
                rollback.CommandText = "ROLLBACK";
                await rollback.ExecuteNonQueryAsync();
            }
        }

        var times = new List<double>(ticks);
        for (var i = 0; i < ticks; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await sweeper.SweepOnceAsync();
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine($"{ticks} ticks: p50 {times[ticks / 2]:F3} ms, p95 {times[(int)(ticks * 0.95)]:F3} ms, p99 {times[(int)(ticks * 0.99)]:F3} ms, mean {times.Average():F3} ms; load average {RecalcBench.LoadAverage()}");
    }

    /// <summary>Keeps the SQL text of every command EF Core executes.</summary>
    private sealed class CommandCapture : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Commands { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (eventId.Name?.EndsWith("CommandExecuted", StringComparison.Ordinal) == true && message.IndexOf('\n') is var newline and > 0)
            {
                Commands.Enqueue(message[(newline + 1)..].Trim());
            }
        }
    }
}

/// <summary>One sweeper tick with nothing due, over 1,000,000 open instances (BenchmarkDotNet, in process).</summary>
[InProcess]
[MemoryDiagnoser]
public class SweeperTickBenchmarks
{
    private ServiceProvider _services = null!;
    private SlaSweeper _sweeper = null!;

    [Params(1_000_000)]
    public int Instances { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        SlaData.EnsureSweepAsync(Instances).GetAwaiter().GetResult();
        _services = SlaData.Services(SlaData.SweepDatabase(Instances));
        _sweeper = _services.GetRequiredService<SlaSweeper>();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark]
    public Task<int> Tick() => _sweeper.SweepOnceAsync();
}
