using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Automation;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Platform.Data;

namespace Pishkhan.Automation.Bench;

/// <summary>
/// Issue 6's second target: at least 5,000 background steps per second through the outbox on SQLite. The real app
/// (its own SQLite file, migrations, the worker off) with one enabled workflow of four steps on <c>created</c>; each
/// round inserts a batch of cases in one save (so the outbox holds one <c>created</c> event each) and times the engine
/// from those events to every run completed: claiming the events, matching, creating the runs, and each step committed
/// with the run's new state and its log line, plus the <c>updated</c> events the steps themselves write. Wall clock,
/// one engine (one worker), so it is a floor for one process.
/// </summary>
public static class OutboxThroughput
{
    private const int StepsPerRun = 4;

    public static async Task RunAsync(int casesPerRound, int rounds)
    {
        // PISHKHAN_BENCH_DIR puts the database elsewhere (e.g. /dev/shm, to see the cost without the disk's fsync).
        var directory = Path.Combine(Environment.GetEnvironmentVariable("PISHKHAN_BENCH_DIR") ?? Path.GetTempPath(), "pishkhan-automation-bench", Guid.NewGuid().ToString("N"));
        using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Pishkhan:DataDirectory", directory);
            b.UseSetting("Pishkhan:SeedDemoData", "false");
            b.UseSetting("Pishkhan:Bootstrap:AdminEmail", "admin@bench.local");
            b.UseSetting("Pishkhan:Bootstrap:AdminPassword", "Bench-Passw0rd!");
            b.UseSetting("Database:Provider", "Sqlite");
            b.UseSetting("Database:ConnectionString", "");
            b.UseSetting("Pishkhan:Automation:Background", "false");
            b.UseSetting("Pishkhan:Sla:Background", "false");
            b.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        var services = app.Services;
        var factory = services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>();
        var engine = services.GetRequiredService<AutomationEngine>();
        var admin = services.GetRequiredService<WorkflowAdmin>();
        var definition = System.Text.Json.JsonDocument.Parse("""
            { "trigger": { "type": "created" },
              "steps": [
                { "id": "a", "type": "addTag", "tag": "seen" },
                { "id": "b", "type": "setField", "field": "customFields.stage", "value": "triaged {{ case.number }}" },
                { "id": "c", "type": "addTag", "tag": "bench" },
                { "id": "d", "type": "removeTag", "tag": "seen" } ] }
            """).RootElement;
        var saved = await admin.SaveAsync(null, new WorkflowRequest("Bench", definition, Enabled: true), Features.Identity.Actor.System, CancellationToken.None);
        if (saved is not Platform.Api.Outcome<WorkflowDto>.Ok)
        {
            throw new InvalidOperationException($"The workflow was refused: {saved}");
        }

        await engine.RunUntilIdleAsync(1000); // start-up work (seeded workflows are disabled; nothing else should be due)
        Console.WriteLine($"| Round | Cases | Steps | Wall s | Steps/s (wall) | Process CPU s | Steps per CPU-second |");
        Console.WriteLine($"|---|---|---|---|---|---|---|");
        for (var round = 0; round <= rounds; round++)
        {
            await SeedAsync(factory, services.GetRequiredService<TimeProvider>(), casesPerRound, round);
            var before = await CountStepsAsync(factory);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            await engine.RunUntilIdleAsync(100_000);
            watch.Stop();
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var steps = await CountStepsAsync(factory) - before;
            if (steps != casesPerRound * StepsPerRun)
            {
                throw new InvalidOperationException($"Expected {casesPerRound * StepsPerRun} steps, got {steps}.");
            }

            var label = round == 0 ? "warm-up" : round.ToString(CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {casesPerRound} | {steps} | {watch.Elapsed.TotalSeconds:0.00} | {steps / watch.Elapsed.TotalSeconds:0} | {cpu.TotalSeconds:0.00} | {steps / cpu.TotalSeconds:0} |"));
        }
    }

    private static async Task<int> CountStepsAsync(IDbContextFactory<PishkhanDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.Set<WorkflowRunLog>().CountAsync(l => l.StepId == "a" || l.StepId == "b" || l.StepId == "c" || l.StepId == "d");
    }

    private static async Task SeedAsync(IDbContextFactory<PishkhanDbContext> factory, TimeProvider clock, int count, int round)
    {
        await using var db = await factory.CreateDbContextAsync();
        var status = await db.CaseStatuses.OrderBy(s => s.Position).FirstAsync(s => s.IsDefault);
        var contact = new Contact { Name = $"Bench contact {round}" };
        db.Contacts.Add(contact);
        var now = clock.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % 10));
        for (var i = 0; i < count; i++)
        {
            db.Cases.Add(new Case
            {
                Number = string.Create(CultureInfo.InvariantCulture, $"B{round:00}-{i:000000}"),
                Subject = $"Bench case {i}",
                ContactId = contact.Id,
                StatusId = status.Id,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }

        await db.SaveChangesAsync();
    }
}
