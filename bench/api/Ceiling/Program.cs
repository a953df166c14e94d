using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

// The storage ceiling for creating cases: per case, one IMMEDIATE transaction (what EF Core's
// BeginTransactionAsync issues on SQLite) with the counter upsert and the Cases, TimelineEntries and
// AuditEntries inserts, exactly the statements and value types the app writes, on a copy of the app's
// migrated database, with the app's connection settings (WAL from the file, default synchronous,
// foreign keys on as EF Core turns them on, Default Timeout=30). No HTTP, no EF Core, no validation reads.
//
// Usage: Ceiling <source pishkhan.db> [--seconds 30] [--writers 1,64] [--busy-timeout-ms N] [--serialize]
//   Each writer count runs against a fresh copy of the source file. --busy-timeout-ms sets SQLite's own
//   busy handler (PRAGMA busy_timeout) in addition to Microsoft.Data.Sqlite's retry loop; the app does not.
//   --serialize makes the writers take turns through one in-process lock, so SQLite never sees two of them
//   contend for its write lock (what a write gate in the app would do); the app does not.
var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Ceiling <source pishkhan.db> [--seconds 30] [--writers 1,64] [--busy-timeout-ms N] [--serialize]");
    return 2;
}

var seed = Seed.Read(options.Source);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"source {options.Source}: contact {seed.ContactId}, status {seed.StatusId}, api key {seed.ApiKeyId}, {seed.ExistingCases} cases"));

foreach (var writers in options.Writers)
{
    var result = Run(options, seed, writers);
    Console.WriteLine(result);
}

return 0;

static RunResult Run(Options options, Seed seed, int writers)
{
    var directory = Directory.CreateTempSubdirectory("pishkhan-ceiling-");
    var path = Path.Combine(directory.FullName, "pishkhan.db");
    File.Copy(options.Source, path);
    foreach (var suffix in new[] { "-wal", "-shm" })
    {
        if (File.Exists(options.Source + suffix))
        {
            File.Copy(options.Source + suffix, path + suffix);
        }
    }

    var connectionString = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30, ForeignKeys = true }.ToString();
    string journal, synchronous;
    using (var probe = new SqliteConnection(connectionString))
    {
        probe.Open();
        journal = Scalar(probe, "PRAGMA journal_mode;");
        synchronous = Scalar(probe, "PRAGMA synchronous;");
    }

    var deadline = TimeSpan.FromSeconds(options.Seconds);
    var counts = new long[writers];
    var latencies = new List<double>[writers];
    var errors = new Exception?[writers];
    using var start = new ManualResetEventSlim();
    var threads = new Thread[writers];
    var clock = new Stopwatch();
    for (var w = 0; w < writers; w++)
    {
        var index = w;
        latencies[index] = new List<double>(1 << 16);
        threads[index] = new Thread(() =>
        {
            try
            {
                using var writer = new CaseWriter(connectionString, seed, options.BusyTimeoutMs);
                start.Wait();
                var ticks = Stopwatch.GetTimestamp();
                while (clock.Elapsed < deadline)
                {
                    if (options.Serialize)
                    {
                        lock (Gate.Instance)
                        {
                            writer.WriteOne();
                        }
                    }
                    else
                    {
                        writer.WriteOne();
                    }
                    var now = Stopwatch.GetTimestamp();
                    latencies[index].Add(Stopwatch.GetElapsedTime(ticks, now).TotalMilliseconds);
                    ticks = now;
                    counts[index]++;
                }
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                errors[index] = e;
            }
        })
        { IsBackground = true, Name = $"writer {index}" };
        threads[index].Start();
    }

    clock.Start();
    start.Set();
    foreach (var thread in threads)
    {
        thread.Join();
    }

    clock.Stop();
    var all = latencies.SelectMany(l => l).Order().ToArray();
    var firstError = errors.FirstOrDefault(e => e is not null);
    string rows;
    using (var check = new SqliteConnection(connectionString))
    {
        check.Open();
        rows = Scalar(check, "SELECT count(*) FROM \"Cases\";");
    }

    directory.Delete(recursive: true);
    return new RunResult(writers, counts.Sum(), clock.Elapsed, Percentile(all, 0.50), Percentile(all, 0.99), Percentile(all, 1.0),
        errors.Count(e => e is not null), firstError?.Message, journal, synchronous, options.BusyTimeoutMs, options.Serialize, rows);
}

static string Scalar(SqliteConnection connection, string sql)
{
    using var command = connection.CreateCommand();
    command.CommandText = sql;
    return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
}

static double Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

/// <summary>The one in-process write lock of <c>--serialize</c>.</summary>
internal static class Gate
{
    public static readonly object Instance = new();
}

internal sealed record Options(string Source, int Seconds, int[] Writers, int? BusyTimeoutMs, bool Serialize)
{
    public static Options? Parse(string[] args)
    {
        if (args.Length == 0 || !File.Exists(args[0]))
        {
            return null;
        }

        var seconds = 30;
        int[] writers = [1, 64];
        int? busy = null;
        var serialize = false;
        for (var i = 1; i < args.Length; i += 2)
        {
            if (args[i] == "--serialize")
            {
                serialize = true;
                i--;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                return null;
            }

            switch (args[i])
            {
                case "--seconds":
                    seconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--writers":
                    writers = args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                    break;
                case "--busy-timeout-ms":
                    busy = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                default:
                    return null;
            }
        }

        return new Options(Path.GetFullPath(args[0]), seconds, writers, busy, serialize);
    }
}

/// <summary>The ids a case refers to, read from the app's database: the bench contact, the default status, the API key.</summary>
internal sealed record Seed(Guid ContactId, Guid StatusId, Guid ApiKeyId, string ApiKeyName, long ExistingCases)
{
    public static Seed Read(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT "Id" FROM "Contacts" ORDER BY "CreatedAt" LIMIT 1),
                   (SELECT "Id" FROM "CaseStatuses" WHERE "IsDefault" ORDER BY "Position" LIMIT 1),
                   (SELECT "Id" FROM "ApiKeys" ORDER BY "CreatedAt" LIMIT 1),
                   (SELECT "Name" FROM "ApiKeys" ORDER BY "CreatedAt" LIMIT 1),
                   (SELECT count(*) FROM "Cases")
            """;
        using var reader = command.ExecuteReader();
        if (!reader.Read() || reader.IsDBNull(0) || reader.IsDBNull(1) || reader.IsDBNull(2))
        {
            throw new InvalidOperationException("The source database needs a contact, a default case status and an API key (run bench/api/run.sh first).");
        }

        return new Seed(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetInt64(4));
    }
}

/// <summary>One writer: its own connection and prepared commands, one IMMEDIATE transaction per case.</summary>
internal sealed class CaseWriter : IDisposable
{
    private const string Subject = "Printer on floor 3 is jammed";
    private const string Description = "The shared printer shows a paper jam error after every second page.";
    private const int JalaliYear = 1405;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _counter;
    private readonly SqliteCommand _insertCase;
    private readonly SqliteCommand _insertTimeline;
    private readonly SqliteCommand _insertAudit;
    private readonly Seed _seed;
    private readonly string _actorName;

    public CaseWriter(string connectionString, Seed seed, int? busyTimeoutMs)
    {
        _seed = seed;
        _actorName = $"API key '{seed.ApiKeyName}'";
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        if (busyTimeoutMs is { } busy)
        {
            using var pragma = _connection.CreateCommand();
            pragma.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {busy};");
            pragma.ExecuteNonQuery();
        }

        _counter = Command("""
            INSERT INTO "CaseNumberCounters" ("Year", "Value") VALUES (@year, 1)
            ON CONFLICT ("Year") DO UPDATE SET "Value" = "CaseNumberCounters"."Value" + 1
            RETURNING "Value"
            """, "@year");
        _insertCase = Command("""
            INSERT INTO "Cases" ("Id", "AccountId", "CategoryId", "Channel", "ClosedAt", "ContactId", "CreatedAt", "CustomFields", "Description", "FirstResponseAt", "Impact", "Number", "OwnerId", "Priority", "Product", "ResolvedAt", "SearchText", "StatusId", "Subject", "Tags", "TeamId", "UpdatedAt", "Urgency", "Version", "RoutingHops")
            VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, @p17, @p18, @p19, @p20, @p21, @p22, @p23, 0);
            """, Names(24));
        _insertTimeline = Command("""
            INSERT INTO "TimelineEntries" ("Id", "AuthorContactId", "AuthorName", "AuthorUserId", "Body", "CaseId", "CreatedAt", "Field", "IsPublic", "Kind", "NewValue", "OldValue", "IsAutomated")
            VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, 0);
            """, Names(12));
        _insertAudit = Command("""
            INSERT INTO "AuditEntries" ("ActorApiKeyId", "ActorName", "ActorUserId", "At", "EntityId", "EntityType", "Field", "NewValue", "OldValue")
            VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8)
            RETURNING "Id";
            """, Names(9));
    }

    public void WriteOne()
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var id = Guid.CreateVersion7();
        using var transaction = _connection.BeginTransaction(); // BEGIN IMMEDIATE, as EF Core's BeginTransactionAsync
        Enlist(transaction);

        _counter.Parameters[0].Value = JalaliYear;
        var value = Convert.ToInt64(_counter.ExecuteScalar(), CultureInfo.InvariantCulture);
        var number = string.Create(CultureInfo.InvariantCulture, $"{JalaliYear}-{value:000000}");

        // The same order EF Core sends them in: audit, case, timeline.
        Set(_insertAudit, _seed.ApiKeyId, _actorName, null, now, id, "Case", "created", null, null);
        _insertAudit.ExecuteScalar();

        Set(_insertCase,
            id, null, null, 7 /* Api */, null, _seed.ContactId, now, "{}", Description, null, 2 /* Medium */, number, null,
            2 /* High */, null, null, $"{number} {Subject} {Description}".ToLowerInvariant(), _seed.StatusId, Subject, "[]", null, now,
            2 /* Medium */, 0);
        _insertCase.ExecuteNonQuery();

        Set(_insertTimeline, Guid.CreateVersion7(), null, _actorName, null, "", id, now, "created", false, 4 /* Event */, number, null);
        _insertTimeline.ExecuteNonQuery();

        transaction.Commit();
    }

    public void Dispose()
    {
        _counter.Dispose();
        _insertCase.Dispose();
        _insertTimeline.Dispose();
        _insertAudit.Dispose();
        _connection.Dispose();
    }

    private void Enlist(SqliteTransaction transaction)
    {
        _counter.Transaction = transaction;
        _insertCase.Transaction = transaction;
        _insertTimeline.Transaction = transaction;
        _insertAudit.Transaction = transaction;
    }

    private SqliteCommand Command(string sql, params string[] names)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static string[] Names(int count) => Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"@p{i}")).ToArray();

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}

internal sealed record RunResult(
    int Writers, long Cases, TimeSpan Elapsed, double P50Ms, double P99Ms, double MaxMs, int FailedWriters, string? FirstError,
    string JournalMode, string Synchronous, int? BusyTimeoutMs, bool Serialized, string RowsAfter)
{
    public double Rate => Cases / Elapsed.TotalSeconds;

    public override string ToString()
    {
        var busy = BusyTimeoutMs?.ToString(CultureInfo.InvariantCulture) ?? "unset";
        var error = FirstError is null ? "" : $" first_error=\"{FirstError}\"";
        return string.Create(CultureInfo.InvariantCulture,
            $"writers={Writers} cases={Cases} seconds={Elapsed.TotalSeconds:F1} rate={Rate:F0}/s p50={P50Ms:F2}ms p99={P99Ms:F2}ms max={MaxMs:F1}ms failed_writers={FailedWriters} journal_mode={JournalMode} synchronous={Synchronous} busy_timeout_ms={busy} serialized={Serialized} cases_in_file={RowsAfter}{error}");
    }
}
