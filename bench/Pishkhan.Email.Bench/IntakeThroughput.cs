using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pishkhan.Features.Email;
using Pishkhan.Platform.Data;

namespace Pishkhan.Email.Bench;

/// <summary>
/// Issue 7's target: at least 500 inbound messages a second through the real intake path on SQLite. The real app
/// (its own SQLite file, migrations, background workers off) and one mailbox; each round feeds a freshly generated
/// corpus (<see cref="MailCorpus"/>) as raw MIME bytes to <see cref="EmailIntake.ProcessAsync"/> one after another,
/// as the IMAP loop does: parse, sanitise, deduplicate, find or create the contact, thread, create the case (triage,
/// routing, SLA) or add the message to its case, store files. Generating the corpus is not timed. Wall clock, one
/// caller, so it is a floor for one process.
/// </summary>
public static class IntakeThroughput
{
    /// <summary>The app's other background workers (classifier training, routing sweeps, knowledge indexing, reports, mailers).</summary>
    private static readonly string[] OtherWorkers =
        ["ClassifierWorker", "RoutingWorker", "KnowledgeSweeper", "ReportWorker", "NotificationMailerWorker", "SatisfactionMailerWorker"];

    /// <param name="quiet">Without the app's other background workers: the intake path's own cost.</param>
    /// <param name="oneByOne">Feed <see cref="EmailIntake.ProcessAsync"/> one message at a time (the path before batching)
    /// instead of <see cref="EmailBatchIntake"/> in batches of <see cref="EmailBatchIntake.BatchSize"/>, as the IMAP worker does.</param>
    /// <param name="dump">Afterwards, write every stored row with ids and instants replaced (<see cref="IntakeDump"/>), to compare the two paths.</param>
    public static async Task RunAsync(int messages, int rounds, bool quiet, bool oneByOne = false, string? dump = null)
    {
        // PISHKHAN_BENCH_DIR puts the database elsewhere (e.g. /dev/shm, to see the cost without the disk's fsync).
        var directory = Path.Combine(Environment.GetEnvironmentVariable("PISHKHAN_BENCH_DIR") ?? Path.GetTempPath(), "pishkhan-email-bench", Guid.NewGuid().ToString("N"));
        // The app needs no files of its own here: its content root is the bench's output folder.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_PISHKHAN", AppContext.BaseDirectory);
        using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Pishkhan:DataDirectory", directory);
            b.UseSetting("Pishkhan:SeedDemoData", "false");
            b.UseSetting("Pishkhan:Bootstrap:AdminEmail", "admin@bench.local");
            b.UseSetting("Pishkhan:Bootstrap:AdminPassword", "Bench-Passw0rd!");
            b.UseSetting("Database:Provider", "Sqlite");
            b.UseSetting("Database:ConnectionString", "");
            b.UseSetting("Pishkhan:Email:Background", "false");
            b.UseSetting("Pishkhan:Automation:Background", "false");
            b.UseSetting("Pishkhan:Sla:Background", "false");
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            if (quiet)
            {
                b.ConfigureServices(s =>
                {
                    foreach (var worker in s.Where(d => d.ServiceType == typeof(IHostedService) && OtherWorkers.Contains(d.ImplementationType?.Name)).ToList())
                    {
                        s.Remove(worker);
                    }
                });
            }
        });
        var services = app.Services;
        var factory = services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>();
        var intake = services.GetRequiredService<EmailIntake>();
        var batches = services.GetRequiredService<EmailBatchIntake>();
        var mailbox = new Mailbox
        {
            Name = "Bench",
            Address = "support@bench.test",
            ImapHost = "127.0.0.1",
            ImapUser = "bench",
            SmtpHost = "127.0.0.1",
        };
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.Add(mailbox);
            await db.SaveChangesAsync();
        }

        Console.WriteLine(quiet ? "Other background workers: off" : "Other background workers: on (as in production)");
        Console.WriteLine(oneByOne ? "Intake: one message at a time" : $"Intake: batches of {EmailBatchIntake.BatchSize}");
        Console.WriteLine("| Round | Messages | New cases | Added to cases | Wall s | Messages/s | Process CPU s | Parse only, messages/s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        for (var round = 0; round <= rounds; round++)
        {
            // Round 0 warms up (JIT, EF's compiled queries) with a smaller corpus.
            var count = round == 0 ? Math.Min(messages, 500) : messages;
            var corpus = MailCorpus.Generate(count, senders: Math.Max(10, count / 8), round);
            // The pure part alone (MIME, sanitising, quote split): what the storage path is compared with.
            var parse = Stopwatch.StartNew();
            foreach (var raw in corpus)
            {
                InboundParser.Parse(raw);
            }

            parse.Stop();
            var outcomes = new Dictionary<IntakeOutcome, int>();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            if (oneByOne)
            {
                foreach (var raw in corpus)
                {
                    var result = await intake.ProcessAsync(mailbox, raw);
                    outcomes[result.Outcome] = outcomes.GetValueOrDefault(result.Outcome) + 1;
                }
            }
            else
            {
                foreach (var chunk in corpus.Chunk(EmailBatchIntake.BatchSize))
                {
                    var batch = await batches.ProcessAsync(mailbox, chunk);
                    if (batch.Failure is not null || batch.Handled.Any(h => h.Result is null))
                    {
                        throw new InvalidOperationException($"Batch failed: {batch.Failure?.ToString() ?? batch.Handled.First(h => h.Result is null).QuarantineError}");
                    }

                    foreach (var item in batch.Handled)
                    {
                        outcomes[item.Result!.Outcome] = outcomes.GetValueOrDefault(item.Result.Outcome) + 1;
                    }
                }
            }

            watch.Stop();
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            if (outcomes.GetValueOrDefault(IntakeOutcome.Duplicate) > 0)
            {
                throw new InvalidOperationException($"Unexpected duplicates: {outcomes[IntakeOutcome.Duplicate]}");
            }

            var label = round == 0 ? "warm-up" : round.ToString(CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {count} | {outcomes.GetValueOrDefault(IntakeOutcome.NewCase)} | {outcomes.GetValueOrDefault(IntakeOutcome.AddedToCase)} | {watch.Elapsed.TotalSeconds:0.00} | {count / watch.Elapsed.TotalSeconds:0} | {cpu.TotalSeconds:0.00} | {count / parse.Elapsed.TotalSeconds:0} |"));
        }

        if (dump is not null)
        {
            await using var db = await factory.CreateDbContextAsync();
            var lines = await IntakeDump.LinesAsync(db);
            await File.WriteAllLinesAsync(dump, lines);
            Console.WriteLine($"Dump: {lines.Count} rows in {dump}");
        }
    }
}
