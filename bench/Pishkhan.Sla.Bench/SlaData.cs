using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pishkhan.Calendar;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Reports;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Auditing;
using Pishkhan.Platform.Data;

namespace Pishkhan.Sla.Bench;

/// <summary>
/// Generated databases for the SLA benchmarks, made once per size and kept under the temp folder (or, with
/// PISHKHAN_BENCH_POSTGRES, as PostgreSQL databases named <c>pishkhan_slabench_*</c>). A benchmark that changes the data
/// (the recalculation) runs on a fresh copy of the generated "template" each time.
/// </summary>
public static class SlaData
{
    /// <summary>Tuesday 24 November 2026, 10:30 in Tehran: "tomorrow" (Wednesday) is a working day.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 7, 0, 0, TimeSpan.Zero);

    public static string? Postgres => Environment.GetEnvironmentVariable("PISHKHAN_BENCH_POSTGRES");

    public static string Provider => Postgres is null ? "SQLite" : "PostgreSQL";

    private static string Directory
    {
        get
        {
            var directory = Path.Combine(Path.GetTempPath(), "pishkhan-sla-bench");
            System.IO.Directory.CreateDirectory(directory);
            return directory;
        }
    }

    private static string SqlitePath(string name) => Path.Combine(Directory, $"{name}.db");

    private static string PgDatabase(string name) => $"pishkhan_slabench_{name.Replace('-', '_')}";

    /// <summary>The app's services that the SLA background work uses, on the named database, with the clock fixed at <see cref="Now"/>.</summary>
    public static ServiceProvider Services(string name, Action<IServiceCollection>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = Postgres is null ? "Sqlite" : "Postgres",
            ["Database:ConnectionString"] = Postgres is null
                ? $"Data Source={SqlitePath(name)};Default Timeout=30"
                : $"{Postgres};Database={PgDatabase(name)};Maximum Pool Size=20",
        };
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole())
            .AddSingleton(new FixedClock(Now))
            .AddSingleton<TimeProvider>(sp => sp.GetRequiredService<FixedClock>())
            .AddSingleton<CalendarResolver>()
            .AddSingleton<SaveCalendar>()
            .AddSingleton<SlaEngine>()
            .AddSingleton<SlaSweeper>()
            .AddSingleton<SlaRecalculations>()
            .AddReports()
            .AddPishkhanDatabase(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), Directory);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>Copies the template database <paramref name="template"/> to <paramref name="name"/> (replacing it).</summary>
    public static async Task CloneAsync(string template, string name)
    {
        if (Postgres is null)
        {
            SqliteConnection.ClearAllPools();
            await using (var connection = new SqliteConnection($"Data Source={SqlitePath(template)}"))
            {
                await connection.OpenAsync();
                await using var checkpoint = connection.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                await checkpoint.ExecuteNonQueryAsync();
            }

            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(SqlitePath(name) + suffix);
            }

            File.Copy(SqlitePath(template), SqlitePath(name));
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection($"{Postgres};Database=postgres");
        await admin.OpenAsync();
        foreach (var sql in new[]
        {
            $"DROP DATABASE IF EXISTS \"{PgDatabase(name)}\" WITH (FORCE)",
            $"CREATE DATABASE \"{PgDatabase(name)}\" TEMPLATE \"{PgDatabase(template)}\"",
        })
        {
            await using var command = admin.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The calendar, statuses, the default policy ("Standard support", as a new installation has) and a contact.</summary>
    private static async Task<(Guid Open, Guid Waiting, Guid Contact)> SeedAsync(PishkhanDbContext db)
    {
        var now = Now.UtcDateTime;
        db.Calendars.Add(new WorkCalendar { Name = "Tehran", Definition = IranianHolidays.TehranDefaultDefinition().ToJson(), IsDefault = true, CreatedAt = now, UpdatedAt = now });
        var open = new CaseStatus { Name = "Open", NameFa = "باز", Category = StatusCategory.Open, Position = 1, IsDefault = true };
        var waiting = new CaseStatus { Name = "Waiting for customer", NameFa = "منتظر مشتری", Category = StatusCategory.Waiting, Position = 2 };
        var resolved = new CaseStatus { Name = "Resolved", NameFa = "حل شده", Category = StatusCategory.Resolved, Position = 3 };
        db.CaseStatuses.AddRange(open, waiting, resolved);
        await DefaultSlaPolicy.EnsureAsync(db, new FixedClock(Now), default); // the policy a new installation starts with
        var contact = new Contact { Name = "Customer", CreatedAt = now, UpdatedAt = now };
        db.Contacts.Add(contact);
        await db.SaveChangesAsync();
        return (open.Id, waiting.Id, contact.Id);
    }

    private static async Task<bool> ExistsAsync(string name)
    {
        if (Postgres is null)
        {
            return File.Exists(SqlitePath(name));
        }

        await using var admin = new NpgsqlConnection($"{Postgres};Database=postgres");
        await admin.OpenAsync();
        await using var command = admin.CreateCommand();
        command.CommandText = "SELECT 1 FROM pg_database WHERE datname = @name";
        command.Parameters.AddWithValue("name", PgDatabase(name));
        return await command.ExecuteScalarAsync() is not null;
    }

    private static async Task DropAsync(string name)
    {
        if (Postgres is null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(SqlitePath(name) + suffix);
            }

            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection($"{Postgres};Database=postgres");
        await admin.OpenAsync();
        await using var command = admin.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{PgDatabase(name)}\" WITH (FORCE)";
        await command.ExecuteNonQueryAsync();
    }

    public static string RecalcTemplate(int cases) => $"recalc-{cases}-template";

    /// <summary>
    /// <paramref name="cases"/> open cases created over the four days before <see cref="Now"/> (all priorities), with
    /// history: 40% answered (a public agent reply), 30% of those with a customer message after it (next response), 15%
    /// put on "waiting for customer" (half of them back to open). Rows are written with plain SQL; the SLA instances,
    /// timers and "applied" events are then made by the app's own recalculation job (a policy job over every open case),
    /// and every timer that fell due before now is marked fired, as the sweeper would have.
    /// </summary>
    public static async Task EnsureRecalcTemplateAsync(int cases)
    {
        var name = RecalcTemplate(cases);
        if (await ExistsAsync(name))
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        var building = name + "-building";
        await DropAsync(building);
        using (var services = Services(building))
        {
            await DatabaseSetup.MigrateAsync(services);
            var factory = services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>();
            await using (var db = await factory.CreateDbContextAsync())
            {
                var (open, waiting, contact) = await SeedAsync(db);
                var random = new Random(4);
                var now = Now.UtcDateTime;
                var caseRows = new List<Case>(cases);
                var timeline = new List<TimelineEntry>();
                var audit = new List<AuditEntry>();
                for (var i = 0; i < cases; i++)
                {
                    var created = Micro(now.AddMinutes(-random.Next(1, 4 * 24 * 60)).AddSeconds(random.Next(60)));
                    var p = random.NextDouble();
                    var priority = p < 0.05 ? Priority.Critical : p < 0.25 ? Priority.High : p < 0.75 ? Priority.Medium : Priority.Low;
                    var entity = new Case
                    {
                        Number = $"B-{i:D7}",
                        Subject = $"Generated case {i}",
                        Priority = priority,
                        StatusId = open,
                        ContactId = contact,
                        CreatedAt = created,
                        UpdatedAt = created,
                        SearchText = $"b-{i:d7} generated case {i}",
                    };
                    caseRows.Add(entity);
                    if (random.NextDouble() < 0.4 && Micro(created.AddMinutes(random.Next(10, 600))) is var reply && reply < now)
                    {
                        entity.FirstResponseAt = reply;
                        entity.UpdatedAt = reply;
                        timeline.Add(new TimelineEntry { CaseId = entity.Id, Kind = TimelineKind.OutboundMessage, IsPublic = true, Body = "We are on it.", AuthorName = "Agent", CreatedAt = reply });
                        if (random.NextDouble() < 0.3 && Micro(reply.AddMinutes(random.Next(30, 900))) is var inbound && inbound < now)
                        {
                            entity.UpdatedAt = inbound;
                            timeline.Add(new TimelineEntry { CaseId = entity.Id, Kind = TimelineKind.InboundMessage, IsPublic = true, Body = "Any news?", AuthorName = "Customer", CreatedAt = inbound });
                        }
                    }

                    if (random.NextDouble() < 0.15 && Micro(created.AddMinutes(random.Next(20, 900))) is var paused && paused < now && paused > entity.UpdatedAt)
                    {
                        audit.Add(new AuditEntry { EntityType = nameof(Case), EntityId = entity.Id, Field = "statusId", OldValue = open.ToString(), NewValue = waiting.ToString(), ActorName = "Agent", At = paused });
                        entity.StatusId = waiting;
                        entity.UpdatedAt = paused;
                        if (random.NextDouble() < 0.5 && Micro(paused.AddMinutes(random.Next(30, 600))) is var resumed && resumed < now)
                        {
                            audit.Add(new AuditEntry { EntityType = nameof(Case), EntityId = entity.Id, Field = "statusId", OldValue = waiting.ToString(), NewValue = open.ToString(), ActorName = "Agent", At = resumed });
                            entity.StatusId = open;
                            entity.UpdatedAt = resumed;
                        }
                    }
                }

                await BulkInsert.InsertAsync(db, caseRows);
                await BulkInsert.InsertAsync(db, timeline);
                await BulkInsert.InsertAsync(db, audit);
                Console.WriteLine($"  wrote {cases:N0} cases, {timeline.Count:N0} messages, {audit.Count:N0} status changes ({clock.Elapsed.TotalSeconds:F0} s)");

                SlaRecalculations.Enqueue(db, "bench data", null, null, now);
                await db.SaveChangesAsync();
            }

            var done = await services.GetRequiredService<SlaRecalculations>().RunPendingAsync();
            Console.WriteLine($"  SLA instances for {done:N0} cases ({clock.Elapsed.TotalSeconds:F0} s)");
            await using (var db = await factory.CreateDbContextAsync())
            {
                var nowUtc = Now.UtcDateTime;
                await db.Set<SlaTimer>().Where(t => t.FiredAt == null && t.DueAt < nowUtc).ExecuteUpdateAsync(s => s.SetProperty(t => t.FiredAt, t => t.DueAt));
                await db.Set<ReportDirtyCase>().ExecuteDeleteAsync();
            }
        }

        await RenameAsync(building, name);
        Console.WriteLine($"Generated {name} in {clock.Elapsed.TotalSeconds:F0} s");
    }

    public static string SweepDatabase(int instances) => $"sweep-{instances}";

    /// <summary>
    /// <paramref name="instances"/> open instances (first response and resolution of half as many open cases), each with
    /// its warning, breach and breach+1 timers all due after <see cref="Now"/> (nothing due), written with plain SQL.
    /// </summary>
    public static async Task EnsureSweepAsync(int instances)
    {
        var name = SweepDatabase(instances);
        if (await ExistsAsync(name))
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        var building = name + "-building";
        await DropAsync(building);
        using (var services = Services(building))
        {
            await DatabaseSetup.MigrateAsync(services);
            var factory = services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>();
            await using var db = await factory.CreateDbContextAsync();
            var (open, _, contact) = await SeedAsync(db);
            var policy = await db.SlaPolicies.Select(p => p.Id).FirstAsync();
            var calendar = await db.Calendars.Select(c => c.Id).FirstAsync();
            var now = Now.UtcDateTime;
            var cases = instances / 2;
            var random = new Random(7);
            var created = new DateTime[cases];
            var caseIds = new Guid[cases];
            for (var i = 0; i < cases; i++)
            {
                created[i] = Micro(now.AddSeconds(-random.Next(1, 3 * 86400)));
                caseIds[i] = Guid.CreateVersion7();
            }

            await BulkInsert.InsertAsync(db, Enumerable.Range(0, cases).Select(i => new Case
            {
                Id = caseIds[i],
                Number = $"S-{i:D7}",
                Subject = $"Generated case {i}",
                StatusId = open,
                ContactId = contact,
                CreatedAt = created[i],
                UpdatedAt = created[i],
                SearchText = $"s-{i:d7} generated case {i}",
            }));
            Console.WriteLine($"  wrote {cases:N0} cases ({clock.Elapsed.TotalSeconds:F0} s)");

            // Due instants spread over the next 30 days, so "nothing due" is true now and stays true for the benchmark.
            var rows = Enumerable.Range(0, instances).Select(i =>
            {
                var c = i / 2;
                var due = Micro(now.AddSeconds(600 + random.Next(30 * 86400)));
                return new SlaInstance
                {
                    CaseId = caseIds[c],
                    PolicyId = policy,
                    PolicyVersion = 0,
                    Metric = i % 2 == 0 ? SlaMetric.FirstResponse : SlaMetric.Resolution,
                    Cycle = 1,
                    State = SlaState.InProgress,
                    IsOpen = true,
                    StartedAt = created[c],
                    TargetSeconds = i % 2 == 0 ? 4 * 3600 : 24 * 3600,
                    DueAt = due,
                    WarnAt = Micro(due.AddMinutes(-30)),
                    CalendarId = calendar,
                    CalendarVersion = 0,
                    AppliedAt = created[c],
                    ComputedAt = now,
                };
            }).ToList();
            await BulkInsert.InsertAsync(db, rows);
            Console.WriteLine($"  wrote {instances:N0} instances ({clock.Elapsed.TotalSeconds:F0} s)");
            await BulkInsert.InsertAsync(db, rows.SelectMany(r => new[]
            {
                new SlaTimer { InstanceId = r.Id, CaseId = r.CaseId, Level = "warning", DueAt = r.WarnAt!.Value },
                new SlaTimer { InstanceId = r.Id, CaseId = r.CaseId, Level = "breach", DueAt = r.DueAt!.Value },
                new SlaTimer { InstanceId = r.Id, CaseId = r.CaseId, Level = "breach+1", DueAt = Micro(r.DueAt!.Value.AddHours(1)) },
            }));
            Console.WriteLine($"  wrote {3 * instances:N0} timers ({clock.Elapsed.TotalSeconds:F0} s)");
            if (db.IsPostgres)
            {
                await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE");
            }
        }

        await RenameAsync(building, name);
        Console.WriteLine($"Generated {name} in {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static async Task RenameAsync(string from, string to)
    {
        if (Postgres is null)
        {
            await CloneAsync(from, to);
            await DropAsync(from);
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection($"{Postgres};Database=postgres");
        await admin.OpenAsync();
        await using var command = admin.CreateCommand();
        command.CommandText = $"ALTER DATABASE \"{PgDatabase(from)}\" RENAME TO \"{PgDatabase(to)}\"";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Whole microseconds, as the app stores instants (PostgreSQL keeps microseconds).</summary>
    private static DateTime Micro(DateTime utc) => new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);

    public static string Format(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>"Now" stays where the data was generated, so every run sees the same due instants.</summary>
    public sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
