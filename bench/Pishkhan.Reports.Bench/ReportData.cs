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
                : $"{postgres};Database=pishkhan_s7reports_bench_{cases}",
        };
        var services = new ServiceCollection()
            .AddLogging(l =>
            {
                l.SetMinimumLevel(LogLevel.Warning);
                if (Environment.GetEnvironmentVariable("PISHKHAN_BENCH_SQL") is not null)
                {
                    // Prints every SQL statement (to check the plans with EXPLAIN): docs/benchmarks.md.
                    l.AddSimpleConsole().AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Information);
                }
            })
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
        var migration = Stopwatch.StartNew();
        await DatabaseSetup.MigrateAsync(services);
        if (migration.Elapsed > TimeSpan.FromSeconds(2))
        {
            Console.WriteLine($"Migrations applied in {migration.Elapsed.TotalSeconds:F1} s");
        }

        var factory = services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            if (await db.Set<ReportCase>().CountAsync() >= cases)
            {
                await BuildDailyRollupAsync(services);
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

        // Two years of cases; 2% still open (50% of the last two weeks'), ten timeline entries each. Written as multi-row
        // INSERT statements (literals made by EF's own type mappings, so both providers get their formats), bypassing the
        // change tracker and the interceptors: the report rows are written here directly.
        var start = Now.UtcDateTime.AddDays(-730);
        var zone = NodaTime.DateTimeZoneProviders.Tzdb["Asia/Tehran"];
        var timelinePerCase = TimelinePerCase;
        await using (var db = await factory.CreateDbContextAsync())
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            if (db.Database.IsSqlite())
            {
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;";
                await pragma.ExecuteNonQueryAsync();
            }

            var inserts = new Dictionary<Type, RowWriter>
            {
                [typeof(Case)] = new(db, typeof(Case)),
                [typeof(ReportCase)] = new(db, typeof(ReportCase)),
                [typeof(SlaInstance)] = new(db, typeof(SlaInstance)),
                [typeof(TimelineEntry)] = new(db, typeof(TimelineEntry)),
            };
            const int chunk = 10_000;
            for (var done = 0; done < cases; done += chunk)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                for (var i = done; i < Math.Min(cases, done + chunk); i++)
                {
                    var created = Micro(start.AddSeconds(730.0 * 86400 * i / cases).AddMinutes(random.Next(0, 30)));
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
                        SearchText = $"b-{i} generated",
                    };
                    await inserts[typeof(Case)].AddAsync(c, transaction);
                    var local = NodaTime.Instant.FromDateTimeUtc(created).InZone(zone);
                    await inserts[typeof(ReportCase)].AddAsync(new ReportCase
                    {
                        CaseId = c.Id,
                        CreatedAt = created,
                        CreatedDay = ReportRefresher.DayNumber(local.Date),
                        CreatedHour = local.Hour,
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
                        FirstResponseCalendarMicros = (firstResponse - created).Ticks / 10,
                        ResolutionCalendarMicros = resolvedAt is { } r2 ? (r2 - created).Ticks / 10 : null,
                        Exchanges = random.Next(1, 12),
                        Reopens = random.NextDouble() < 0.05 ? 1 : 0,
                        CaseUpdatedAt = c.UpdatedAt,
                        ComputedAt = Now.UtcDateTime,
                    }, transaction);
                    foreach (var metric in new[] { SlaMetric.FirstResponse, SlaMetric.Resolution })
                    {
                        var due = created.AddHours(metric == SlaMetric.FirstResponse ? 4 : 48);
                        var achieved = metric == SlaMetric.FirstResponse ? firstResponse : resolvedAt;
                        var breached = (achieved ?? Now.UtcDateTime) > due ? due : (DateTime?)null;
                        await inserts[typeof(SlaInstance)].AddAsync(new SlaInstance
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
                        }, transaction);
                    }

                    // A customer message, replies, notes and events: what a case's timeline holds (reports never read it;
                    // it is here so the tables have the issue's size).
                    for (var t = 0; t < timelinePerCase; t++)
                    {
                        var kind = t == 0 ? TimelineKind.InboundMessage : (TimelineKind)(1 + (t % 4));
                        await inserts[typeof(TimelineEntry)].AddAsync(new TimelineEntry
                        {
                            CaseId = c.Id,
                            Kind = kind,
                            IsPublic = kind is TimelineKind.InboundMessage or TimelineKind.OutboundMessage,
                            Body = kind == TimelineKind.Event ? "" : "Generated message body for the benchmark.",
                            AuthorUserId = kind is TimelineKind.OutboundMessage or TimelineKind.Note ? owner : null,
                            AuthorContactId = kind == TimelineKind.InboundMessage ? contact : null,
                            AuthorName = kind == TimelineKind.InboundMessage ? "Customer" : "Agent",
                            CreatedAt = t == 0 ? created : firstResponse.AddMinutes(t * 7),
                        }, transaction);
                    }

                    if (inserts[typeof(Case)].Rows == 200 || i == Math.Min(cases, done + chunk) - 1)
                    {
                        // Parents first (the foreign keys are checked per statement).
                        foreach (var w in inserts.Values)
                        {
                            await w.FlushAsync(transaction);
                        }
                    }
                }

                await transaction.CommitAsync();
                if ((done / chunk) % 10 == 9)
                {
                    Console.WriteLine($"  {done + chunk:N0} cases in {clock.Elapsed.TotalSeconds:F0} s");
                }
            }
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            // The setup rows' saves left change marks; the generator wrote the report rows itself.
            await db.Set<ReportDirtyCase>().ExecuteDeleteAsync();
            if (!db.Database.IsSqlite())
            {
                // Index-only scans need the visibility map (autovacuum would get there in time).
                await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE");
            }
            else
            {
                await db.Database.ExecuteSqlRawAsync("ANALYZE");
            }
        }

        await BuildDailyRollupAsync(services);
        Console.WriteLine($"Generated {cases:N0} cases, {cases:N0} report rows, {2 * cases:N0} SLA instances and {(long)timelinePerCase * cases:N0} timeline entries in {clock.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>
    /// Builds the daily roll-up the way a running Pishkhan does after the migration that adds it (the refresher marks
    /// every day and recomputes them), timed; then refreshes the planner's statistics for the new table and indexes.
    /// Nothing happens when it is already built.
    /// </summary>
    private static async Task BuildDailyRollupAsync(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        if (await db.Set<ReportState>().AnyAsync(s => s.DaysBuiltAt != null) && !await db.Set<ReportDirtyDay>().AnyAsync())
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        await services.GetRequiredService<ReportRefresher>().CatchUpAsync(int.MaxValue, Timeout.InfiniteTimeSpan);
        var built = clock.Elapsed;
        await db.Database.ExecuteSqlRawAsync(db.Database.IsSqlite() ? "ANALYZE \"ReportDays\"" : "VACUUM ANALYZE \"ReportDays\"");
        await db.Database.ExecuteSqlRawAsync("ANALYZE \"ReportCases\"");
        Console.WriteLine($"Daily roll-up built in {built.TotalSeconds:F1} s ({await db.Set<ReportDay>().CountAsync():N0} rows), statistics refreshed in {(clock.Elapsed - built).TotalSeconds:F1} s");
    }

    /// <summary>Timeline entries per generated case (10: the issue's 10,000,000 for 1,000,000 cases).</summary>
    public static int TimelinePerCase => int.TryParse(Environment.GetEnvironmentVariable("PISHKHAN_BENCH_TIMELINE"), out var n) ? n : 10;

    private static DateTime Micro(DateTime t) => new(t.Ticks - (t.Ticks % 10), DateTimeKind.Utc);

    /// <summary>
    /// Multi-row INSERTs of one entity type's mapped columns, each value written as a literal by its EF type mapping
    /// (Guid as upper-case text on SQLite and uuid on PostgreSQL, enums as numbers, JSON columns as JSON, …).
    /// </summary>
    private sealed class RowWriter
    {
        private readonly System.Data.Common.DbConnection _connection;
        private readonly (Microsoft.EntityFrameworkCore.Metadata.IProperty Property, Microsoft.EntityFrameworkCore.Storage.RelationalTypeMapping Mapping)[] _columns;
        private readonly string _head;
        private readonly System.Text.StringBuilder _sql = new();
        private int _rows;

        public RowWriter(PishkhanDbContext db, Type type)
        {
            _connection = db.Database.GetDbConnection();
            var entity = db.Model.FindEntityType(type)!;
            var table = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            _columns = [.. entity.GetProperties()
                .Where(p => p.GetComputedColumnSql() is null && !(p.ValueGenerated == Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.OnAdd && p.IsKey() && p.ClrType != typeof(Guid)))
                .Where(p => p.PropertyInfo is not null || p.FieldInfo is not null)
                .Select(p => (p, (Microsoft.EntityFrameworkCore.Storage.RelationalTypeMapping)p.GetRelationalTypeMapping()))];
            _head = $"INSERT INTO \"{entity.GetTableName()}\" ({string.Join(", ", _columns.Select(c => $"\"{c.Property.GetColumnName(table)}\""))}) VALUES ";
        }

        public async Task AddAsync(object row, System.Data.Common.DbTransaction transaction)
        {
            _sql.Append(_rows == 0 ? _head : ",").Append('(');
            for (var i = 0; i < _columns.Length; i++)
            {
                var (property, mapping) = _columns[i];
                if (i > 0)
                {
                    _sql.Append(',');
                }

                _sql.Append(mapping.GenerateSqlLiteral(property.GetGetter().GetClrValueUsingContainingEntity(row)));
            }

            _sql.Append(')');
            _rows++;
            await Task.CompletedTask;
        }

        public int Rows => _rows;

        public async Task FlushAsync(System.Data.Common.DbTransaction transaction)
        {
            if (_rows == 0)
            {
                return;
            }

            await using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = _sql.ToString();
            await command.ExecuteNonQueryAsync();
            _sql.Clear();
            _rows = 0;
        }
    }

    /// <summary>"Now" stays where the data was generated, so every run reads the same periods.</summary>
    public sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
