using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pishkhan.Calendar;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Reports;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Data;

namespace Pishkhan.Reports.Bench;

/// <summary>
/// A database with generated cases, their report rows and SLA instances, made once per size and reused (the file is
/// kept under the temp folder; PISHKHAN_BENCH_POSTGRES selects PostgreSQL instead).
/// </summary>
public static class ReportData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public static ServiceProvider Services(int cases)
    {
        var postgres = Environment.GetEnvironmentVariable("PISHKHAN_BENCH_POSTGRES");
        var directory = Path.Combine(Path.GetTempPath(), "pishkhan-reports-bench");
        Directory.CreateDirectory(directory);
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = postgres is null ? "Sqlite" : "Postgres",
            ["Database:ConnectionString"] = postgres is null
                ? $"Data Source={Path.Combine(directory, $"reports-{cases}.db")}"
                : $"{postgres};Database=pishkhan_reports_bench_{cases}",
        };
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(new FixedClock(Now))
            .AddSingleton<TimeProvider>(sp => sp.GetRequiredService<FixedClock>())
            .AddSingleton<CalendarResolver>()
            .AddReports()
            .AddPishkhanDatabase(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), directory);
        return services.BuildServiceProvider();
    }

    /// <summary>Creates the schema and the data unless a previous run left them.</summary>
    public static async Task EnsureAsync(IServiceProvider services, int cases)
    {
        await DatabaseSetup.MigrateAsync(services);
        var factory = services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            if (await db.Set<ReportCase>().CountAsync() >= cases)
            {
                return;
            }
        }

        var clock = Stopwatch.StartNew();
        var random = new Random(10);
        Guid[] statuses;
        Guid[] teams;
        Guid[] agents;
        Guid[] categories;
        Guid policy;
        Guid contact;
        await using (var db = await factory.CreateDbContextAsync())
        {
            var now = Now.UtcDateTime;
            db.Calendars.Add(new WorkCalendar { Name = "Tehran", Definition = IranianHolidays.TehranDefaultDefinition().ToJson(), IsDefault = true, CreatedAt = now, UpdatedAt = now });
            var open = new CaseStatus { Name = "Open", NameFa = "باز", Category = StatusCategory.Open, Position = 1, IsDefault = true };
            var waiting = new CaseStatus { Name = "Waiting", NameFa = "منتظر", Category = StatusCategory.Waiting, Position = 2 };
            var resolved = new CaseStatus { Name = "Resolved", NameFa = "حل شده", Category = StatusCategory.Resolved, Position = 3 };
            db.CaseStatuses.AddRange(open, waiting, resolved);
            statuses = [open.Id, waiting.Id, resolved.Id];
            var teamRows = Enumerable.Range(1, 5).Select(i => new Team { Name = $"Team {i}" }).ToList();
            db.Teams.AddRange(teamRows);
            teams = [.. teamRows.Select(t => t.Id)];
            var userRows = Enumerable.Range(1, 50).Select(i => new AppUser { UserName = $"agent{i}@bench", Email = $"agent{i}@bench", DisplayName = $"Agent {i}" }).ToList();
            db.Users.AddRange(userRows);
            agents = [.. userRows.Select(u => u.Id)];
            var categoryRows = Enumerable.Range(1, 20).Select(i => new Category { Name = $"Category {i}", NameFa = $"دسته {i}" }).ToList();
            db.Categories.AddRange(categoryRows);
            categories = [.. categoryRows.Select(c => c.Id)];
            var policyRow = new SlaPolicy { Name = "Standard", CreatedAt = now, UpdatedAt = now };
            db.SlaPolicies.Add(policyRow);
            policy = policyRow.Id;
            var contactRow = new Contact { Name = "Customer", CreatedAt = now, UpdatedAt = now };
            db.Contacts.Add(contactRow);
            contact = contactRow.Id;
            await db.SaveChangesAsync();
        }

        // Two years of cases, more on working days and hours; 5% still open.
        var start = Now.UtcDateTime.AddDays(-730);
        const int chunk = 5000;
        for (var done = 0; done < cases; done += chunk)
        {
            await using var db = await factory.CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = done; i < Math.Min(cases, done + chunk); i++)
            {
                var created = start.AddSeconds(730.0 * 86400 * i / cases).AddMinutes(random.Next(0, 30));
                var isOpen = random.NextDouble() < (created > Now.UtcDateTime.AddDays(-14) ? 0.5 : 0.02);
                var firstResponse = created.AddMinutes(random.Next(5, 600));
                var resolvedAt = isOpen ? (DateTime?)null : firstResponse.AddMinutes(random.Next(10, 5000));
                var owner = random.NextDouble() < 0.9 ? agents[random.Next(agents.Length)] : (Guid?)null;
                var team = teams[random.Next(teams.Length)];
                var category = random.NextDouble() < 0.9 ? categories[random.Next(categories.Length)] : (Guid?)null;
                var channel = (CaseChannel)random.Next(1, 8);
                var priority = (Priority)random.Next(1, 5);
                var c = new Case
                {
                    Number = $"B-{i}",
                    Subject = "Generated",
                    Channel = channel,
                    CategoryId = category,
                    Product = $"Product {random.Next(1, 15)}",
                    Priority = priority,
                    StatusId = isOpen ? statuses[random.Next(2)] : statuses[2],
                    OwnerId = owner,
                    TeamId = team,
                    ContactId = contact,
                    CreatedAt = created,
                    UpdatedAt = resolvedAt ?? firstResponse,
                    FirstResponseAt = firstResponse,
                    ResolvedAt = resolvedAt,
                    QueuedAt = owner is null ? created : null,
                };
                db.Cases.Add(c);
                db.Add(new ReportCase
                {
                    CaseId = c.Id,
                    CreatedAt = created,
                    Channel = channel,
                    CategoryId = category,
                    Product = c.Product,
                    Priority = priority,
                    TeamId = team,
                    OwnerId = owner,
                    PolicyId = policy,
                    Status = isOpen ? StatusCategory.Open : StatusCategory.Resolved,
                    FirstResponseAt = firstResponse,
                    ResolvedAt = resolvedAt,
                    FirstResponseBusinessSeconds = (long)(firstResponse - created).TotalSeconds / 3,
                    ResolutionBusinessSeconds = resolvedAt is { } r ? (long)(r - created).TotalSeconds / 3 : null,
                    Exchanges = random.Next(1, 12),
                    Reopens = random.NextDouble() < 0.05 ? 1 : 0,
                    CaseUpdatedAt = c.UpdatedAt,
                    ComputedAt = Now.UtcDateTime,
                });
                foreach (var metric in new[] { SlaMetric.FirstResponse, SlaMetric.Resolution })
                {
                    var due = created.AddHours(metric == SlaMetric.FirstResponse ? 4 : 48);
                    var achieved = metric == SlaMetric.FirstResponse ? firstResponse : resolvedAt;
                    var breached = (achieved ?? Now.UtcDateTime) > due ? due : (DateTime?)null;
                    db.SlaInstances.Add(new SlaInstance
                    {
                        CaseId = c.Id,
                        PolicyId = policy,
                        PolicyVersion = 1,
                        Metric = metric,
                        StartedAt = created,
                        TargetSeconds = 3600,
                        State = achieved is null ? (breached is null ? SlaState.InProgress : SlaState.Breached) : (breached is null ? SlaState.Succeeded : SlaState.Breached),
                        IsOpen = achieved is null,
                        DueAt = due,
                        WarnAt = due.AddHours(-1),
                        BreachedAt = breached,
                        AchievedAt = achieved,
                        AppliedAt = created,
                        ComputedAt = Now.UtcDateTime,
                    });
                }
            }

            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            // The generator wrote the report rows itself; the change marks its saves left are not work to do.
            await db.Set<ReportDirtyCase>().ExecuteDeleteAsync();
        }

        Console.WriteLine($"Generated {cases:N0} cases, {cases:N0} report rows and {2 * cases:N0} SLA instances in {clock.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>"Now" stays where the data was generated, so every run reads the same periods.</summary>
    public sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
