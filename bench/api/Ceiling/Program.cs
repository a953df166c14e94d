using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

// The storage ceiling for creating cases: per case, one IMMEDIATE transaction (what EF Core's
// BeginTransactionAsync issues on SQLite) with the counter upsert and raw INSERTs of the same rows the app stored for
// one case of the API run: its Cases row, and every row of every table that refers to it (timeline entries, SLA
// instances and timers, automation events, report rows, ...) or to those rows (their audit entries), copied from the
// newest case in the source file with fresh ids and a fresh number. On a copy of the app's migrated database, with the
// app's connection settings (WAL from the file, default synchronous, foreign keys on as EF Core turns them on,
// Default Timeout=30). No HTTP, no EF Core, no validation reads. The copied case is the newest one that routing and the
// report worker have finished with, so rows written later (the report row) or updated later (the queue) are written
// once, in their final form; report marks (ReportDirtyCases/Days), which the app writes and deletes again, are not.
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
    $"source {options.Source}: case {seed.CaseId} copied, {seed.ExistingCases} cases; rows per case: {seed.Describe()}"));

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

/// <summary>
/// The rows of one case of the API run: the newest case, every row of any table with an id column holding its id, and every
/// row holding one of those rows' ids (their audit entries). Integer keys are left to SQLite; text ids become fresh ones.
/// </summary>
internal sealed record Seed(Guid CaseId, long ExistingCases, IReadOnlyList<TemplateRow> Rows)
{
    public string Describe() => string.Join(", ", Rows.GroupBy(r => r.Table).Select(g => $"{g.Key} {g.Count()}")) + $" ({Rows.Count} rows)";

    public static Seed Read(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        // The newest case the background work (routing, reports) has finished with; the very newest may not be yet.
        var caseId = Scalar(connection, """
            SELECT "Id" FROM "Cases" AS c
            WHERE "QueueId" IS NOT NULL AND EXISTS (SELECT 1 FROM "ReportCases" AS r WHERE r."CaseId" = c."Id")
            ORDER BY "CreatedAt" DESC LIMIT 1
            """) ?? Scalar(connection, """SELECT "Id" FROM "Cases" ORDER BY "CreatedAt" DESC LIMIT 1""");
        if (caseId is null)
        {
            throw new InvalidOperationException("The source database needs a case made through the API (run bench/api/run.sh first).");
        }

        var tables = new List<(string Name, List<(string Name, string Type, bool IntegerKey)> Columns)>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = """SELECT "name" FROM sqlite_master WHERE "type" = 'table' AND "name" NOT LIKE 'sqlite_%' AND "name" NOT IN ('__EFMigrationsHistory', 'CaseNumberCounters', 'ReportDirtyCases', 'ReportDirtyDays') ORDER BY "name" """;
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add((reader.GetString(0), []));
            }
        }

        foreach (var (name, columns) in tables)
        {
            using var info = connection.CreateCommand();
            info.CommandText = $"PRAGMA table_info(\"{name}\")";
            using var reader = info.ExecuteReader();
            while (reader.Read())
            {
                var type = reader.GetString(2);
                columns.Add((reader.GetString(1), type, reader.GetInt32(5) == 1 && type.Equals("INTEGER", StringComparison.OrdinalIgnoreCase)));
            }
        }

        // Pass 1: rows that hold the case id; pass 2: rows that hold an id of a pass-1 row (audit entries of SLA instances).
        var rows = new List<TemplateRow>();
        var ids = new HashSet<string> { caseId };
        for (var pass = 0; pass < 2; pass++)
        {
            var wanted = ids.ToList();
            foreach (var (name, columns) in tables)
            {
                var idColumns = columns.Where(c => c.Type.Equals("TEXT", StringComparison.OrdinalIgnoreCase) && c.Name.EndsWith("Id", StringComparison.Ordinal)).Select(c => c.Name).ToList();
                if (idColumns.Count == 0)
                {
                    continue;
                }

                using var select = connection.CreateCommand();
                var parameters = string.Join(", ", wanted.Select((_, i) => $"@i{i}"));
                select.CommandText = $"SELECT * FROM \"{name}\" WHERE " + string.Join(" OR ", idColumns.Select(c => $"\"{c}\" IN ({parameters})"));
                for (var i = 0; i < wanted.Count; i++)
                {
                    select.Parameters.AddWithValue($"@i{i}", wanted[i]);
                }

                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    var values = new Dictionary<string, object?>();
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        var column = columns.First(c => c.Name == reader.GetName(i));
                        if (!column.IntegerKey)
                        {
                            values[column.Name] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                        }
                    }

                    var row = new TemplateRow(name, values);
                    if (rows.Any(r => r.Table == row.Table && r.Key == row.Key))
                    {
                        continue;
                    }

                    rows.Add(row);
                    if (values.TryGetValue("Id", out var id) && id is string text)
                    {
                        ids.Add(text);
                    }
                }
            }
        }

        // Parents first, as the foreign keys want them: the case, then rows without ids of others, then the rest.
        var ordered = rows.OrderBy(r => r.Table == "Cases" ? 0 : r.Table == "AuditEntries" ? 3 : r.Values.ContainsKey("InstanceId") ? 2 : 1).ToList();
        var count = Convert.ToInt64(Scalar(connection, """SELECT count(*) FROM "Cases" """), CultureInfo.InvariantCulture);
        return new Seed(Guid.Parse(caseId), count, ordered);
    }

    private static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
    }
}

/// <summary>One stored row to copy: its table and its column values (integer keys left out).</summary>
internal sealed record TemplateRow(string Table, IReadOnlyDictionary<string, object?> Values)
{
    public string Key => string.Join("|", Values.Select(v => $"{v.Key}={v.Value}"));
}

/// <summary>One writer: its own connection and prepared commands, one IMMEDIATE transaction per case.</summary>
internal sealed class CaseWriter : IDisposable
{
    private const int JalaliYear = 1405;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _counter;
    private readonly List<(SqliteCommand Command, TemplateRow Row)> _inserts = [];
    private readonly Seed _seed;

    public CaseWriter(string connectionString, Seed seed, int? busyTimeoutMs)
    {
        _seed = seed;
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
        foreach (var row in seed.Rows)
        {
            var columns = row.Values.Keys.ToList();
            _inserts.Add((Command(
                $"INSERT INTO \"{row.Table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))});",
                columns.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"@p{i}")).ToArray()), row));
        }
    }

    public void WriteOne()
    {
        // Fresh ids for every copied row's own id; references among the copied rows follow them.
        var fresh = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in _seed.Rows)
        {
            if (row.Values.TryGetValue("Id", out var id) && id is string text)
            {
                fresh[text] = Guid.CreateVersion7().ToString().ToUpperInvariant();
            }
        }

        using var transaction = _connection.BeginTransaction(); // BEGIN IMMEDIATE, as EF Core's BeginTransactionAsync
        _counter.Transaction = transaction;
        _counter.Parameters[0].Value = JalaliYear;
        var value = Convert.ToInt64(_counter.ExecuteScalar(), CultureInfo.InvariantCulture);
        var number = string.Create(CultureInfo.InvariantCulture, $"{JalaliYear}-{value:000000}");
        foreach (var (command, row) in _inserts)
        {
            command.Transaction = transaction;
            var i = 0;
            foreach (var (column, original) in row.Values)
            {
                command.Parameters[i++].Value = column == "Number" && row.Table == "Cases" ? number
                    : original is string text && fresh.TryGetValue(text, out var replaced) ? replaced
                    : original ?? DBNull.Value;
            }

            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public void Dispose()
    {
        _counter.Dispose();
        foreach (var (command, _) in _inserts)
        {
            command.Dispose();
        }

        _connection.Dispose();
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
