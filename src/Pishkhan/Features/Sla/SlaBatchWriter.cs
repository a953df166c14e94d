using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Sla;

/// <summary>What one replay adds and removes: the engine fills it, and the caller stores it (tracked or in bulk).</summary>
public sealed class SlaWrites
{
    public List<SlaInstance> AddedInstances { get; } = [];
    public List<SlaTimer> AddedTimers { get; } = [];

    /// <summary>Timers that existed before this unit of work (a timer added and removed in it is simply dropped).</summary>
    public List<SlaTimer> RemovedTimers { get; } = [];

    /// <summary>SLA timeline events (applied, paused, resumed, fulfilled, cancelled, recalculated; never warned or breached).</summary>
    public List<TimelineEntry> Events { get; } = [];

    public void Remove(SlaTimer timer)
    {
        if (!AddedTimers.Remove(timer))
        {
            RemovedTimers.Add(timer);
        }
    }
}

/// <summary>
/// A batch of untracked replays (<see cref="SlaEngine.ReplayBatchAsync"/>): the rows as read, the same rows as the
/// replay left them, and what it added and removed. <see cref="SlaBatchWriter"/> stores the difference.
/// </summary>
public sealed class SlaBatchChanges(DateTime now)
{
    private readonly List<(SlaInstance Row, SlaInstance Before)> _instances = [];
    private readonly List<(SlaTimer Timer, DateTime Before)> _timers = [];

    public DateTime Now { get; } = now;

    public SlaWrites Writes { get; } = new();

    /// <summary>Remembers the rows as read, before the replay changes them.</summary>
    internal void Read(IEnumerable<SlaInstance> rows, IEnumerable<SlaTimer> timers)
    {
        foreach (var row in rows)
        {
            _instances.Add((row, row.Snapshot()));
        }

        foreach (var timer in timers)
        {
            _timers.Add((timer, timer.DueAt));
        }
    }

    /// <summary>The id and computed-at stamp of every instance row the replays read.</summary>
    internal IEnumerable<(Guid Id, DateTime ComputedAt)> ReadStamps => _instances.Select(i => (i.Before.Id, i.Before.ComputedAt));

    /// <summary>
    /// The instance columns a replay can change, in the order of <see cref="ChangedColumns"/>' bits: the stamp of the run
    /// (policy version, calendar, calendar version, computed at), then the clock (state, elapsed time, instants).
    /// </summary>
    internal static readonly string[] InstanceColumns =
    [
        nameof(SlaInstance.PolicyVersion), nameof(SlaInstance.CalendarId), nameof(SlaInstance.CalendarVersion), nameof(SlaInstance.ComputedAt),
        nameof(SlaInstance.State), nameof(SlaInstance.IsOpen), nameof(SlaInstance.StartedAt), nameof(SlaInstance.TargetSeconds),
        nameof(SlaInstance.ElapsedSeconds), nameof(SlaInstance.DueAt), nameof(SlaInstance.WarnAt), nameof(SlaInstance.BreachedAt),
        nameof(SlaInstance.AchievedAt), nameof(SlaInstance.AchievedSeconds),
    ];

    private const int StampColumns = 0b1111;

    /// <summary>
    /// Existing instances whose clock changed (state, elapsed time or any instant), grouped by the columns that changed
    /// (bits of <see cref="InstanceColumns"/>): only those are written, so SQLite leaves alone the indexes on the others.
    /// </summary>
    internal Dictionary<int, List<SlaInstance>> ChangedInstances { get; } = [];

    /// <summary>Existing instances whose only change is the stamp of the run, grouped by the stamp columns that changed and the new stamp.</summary>
    internal Dictionary<(int Columns, int PolicyVersion, Guid? CalendarId, int? CalendarVersion, DateTime ComputedAt), List<Guid>> Stamped { get; } = [];

    internal List<SlaTimer> MovedTimers { get; } = [];

    /// <summary>The report days whose SLA figures this batch changes: around the start of each instance it adds, or whose state or start it changes (before and after).</summary>
    internal HashSet<int> ReportDays { get; } = [];

    /// <summary>The names of the columns whose bits are set in <paramref name="columns"/>.</summary>
    internal static string[] Names(int columns) => [.. InstanceColumns.Where((_, i) => (columns & (1 << i)) != 0)];

    /// <summary>Sorts the existing rows into rewritten, stamped or untouched, and the timers into moved or untouched.</summary>
    internal void Classify()
    {
        ChangedInstances.Clear();
        Stamped.Clear();
        MovedTimers.Clear();
        ReportDays.Clear();
        foreach (var added in Writes.AddedInstances)
        {
            ReportDays.UnionWith(Reports.ReportDays.DaysAround(added.StartedAt));
        }

        foreach (var (row, before) in _instances)
        {
            var changed = ChangedColumns(row, before);
            if ((changed & ~StampColumns) != 0)
            {
                if (!ChangedInstances.TryGetValue(changed, out var rows))
                {
                    ChangedInstances[changed] = rows = [];
                }

                rows.Add(row);
                if (row.State != before.State || row.StartedAt != before.StartedAt)
                {
                    ReportDays.UnionWith(Reports.ReportDays.DaysAround(row.StartedAt));
                    ReportDays.UnionWith(Reports.ReportDays.DaysAround(before.StartedAt));
                }
            }
            else if (changed != 0)
            {
                var key = (changed, row.PolicyVersion, row.CalendarId, row.CalendarVersion, row.ComputedAt);
                if (!Stamped.TryGetValue(key, out var ids))
                {
                    Stamped[key] = ids = [];
                }

                ids.Add(row.Id);
            }
        }

        var removed = Writes.RemovedTimers.Select(t => t.Id).ToHashSet();
        MovedTimers.AddRange(_timers.Where(t => t.Timer.DueAt != t.Before && !removed.Contains(t.Timer.Id)).Select(t => t.Timer));
    }

    /// <summary>The bits of <see cref="InstanceColumns"/> whose values differ between <paramref name="row"/> and <paramref name="before"/>.</summary>
    private static int ChangedColumns(SlaInstance row, SlaInstance before) =>
        (row.PolicyVersion != before.PolicyVersion ? 1 << 0 : 0)
        | (row.CalendarId != before.CalendarId ? 1 << 1 : 0)
        | (row.CalendarVersion != before.CalendarVersion ? 1 << 2 : 0)
        | (row.ComputedAt != before.ComputedAt ? 1 << 3 : 0)
        | (row.State != before.State ? 1 << 4 : 0)
        | (row.IsOpen != before.IsOpen ? 1 << 5 : 0)
        | (row.StartedAt != before.StartedAt ? 1 << 6 : 0)
        | (row.TargetSeconds != before.TargetSeconds ? 1 << 7 : 0)
        | (row.ElapsedSeconds != before.ElapsedSeconds ? 1 << 8 : 0)
        | (row.DueAt != before.DueAt ? 1 << 9 : 0)
        | (row.WarnAt != before.WarnAt ? 1 << 10 : 0)
        | (row.BreachedAt != before.BreachedAt ? 1 << 11 : 0)
        | (row.AchievedAt != before.AchievedAt ? 1 << 12 : 0)
        | (row.AchievedSeconds != before.AchievedSeconds ? 1 << 13 : 0);
}

/// <summary>
/// Stores a <see cref="SlaBatchChanges"/> with plain SQL inside the caller's transaction, without change tracking, and
/// with the same guarantees as EF's <c>SaveChanges</c> had: a timer is moved or deleted only while it is unfired
/// (<c>AND "FiredAt" IS NULL</c>), every update and delete must touch exactly the rows it names, and a unique index
/// violation on a timer or instance surfaces as a <see cref="DbUpdateException"/> — so a batch that lost a race with the
/// sweeper or a case edit fails whole (<see cref="SlaWriteConflict.IsConflict"/>) and is replayed again.
/// SQLite: one prepared single-row statement per kind, reused for the batch. PostgreSQL: one statement per kind and
/// chunk (multi-row <c>INSERT … VALUES</c>, <c>UPDATE … FROM (VALUES …)</c>). Column names and value conversions
/// come from the EF model, so the rows are exactly what <c>SaveChanges</c> would have stored.
/// </summary>
/// <remarks>
/// It bypasses the save interceptors, which is right for what it writes: SLA instances and timers are not audited and
/// do not mark report rows, and its timeline events are never the "warned"/"breached" events automation listens to.
/// What the report change marker would have done for SLA instances (mark the days around an instance's start when it
/// is added or its state or start changes, for the daily roll-up) it does itself, in the same transaction.
/// </remarks>
public static class SlaBatchWriter
{
    /// <summary>Rows named in one <c>IN (…)</c> list.</summary>
    private const int IdsPerStatement = 500;

    private const string Unfired = "\"FiredAt\" IS NULL";

    /// <summary>Writes the batch in <paramref name="db"/>'s current transaction (which must be open).</summary>
    public static async Task WriteAsync(PishkhanDbContext db, SlaBatchChanges changes, CancellationToken ct = default)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("The SLA batch writer needs an open transaction.");
        changes.Classify();
        var writes = changes.Writes;
        var writer = new Writer(db, transaction);
        try
        {
            // Timers before instances, as the sweeper takes them (it locks its timer, then writes the case's instances).
            await writer.DeleteAsync<SlaTimer>([.. writes.RemovedTimers.Select(t => t.Id)], Unfired, ct);
            await writer.UpdateAsync(changes.MovedTimers, [nameof(SlaTimer.DueAt)], Unfired, ct);
            await writer.InsertAsync(writes.AddedInstances, ct);
            foreach (var (columns, rows) in changes.ChangedInstances)
            {
                await writer.UpdateAsync(rows, SlaBatchChanges.Names(columns), null, ct);
            }

            foreach (var ((columns, policyVersion, calendarId, calendarVersion, computedAt), ids) in changes.Stamped)
            {
                var stamp = new SlaInstance { PolicyVersion = policyVersion, CalendarId = calendarId, CalendarVersion = calendarVersion, ComputedAt = computedAt };
                await writer.SetAsync(stamp, SlaBatchChanges.Names(columns), ids, null, ct);
            }

            await writer.InsertAsync(writes.AddedTimers, ct);
            await writer.InsertAsync(writes.Events, ct);
        }
        catch (DbException e)
        {
            // As SaveChanges reports it, so SlaWriteConflict recognises a unique violation on the SLA indexes.
            throw new DbUpdateException($"Storing the SLA batch failed: {e.Message}", e);
        }
        finally
        {
            await writer.DisposeAsync();
        }

        // The daily report roll-up recomputes the days whose SLA figures moved (see ReportChangeMarker).
        if (changes.ReportDays.Count > 0)
        {
            db.AddRange(changes.ReportDays.Select(day => new Reports.ReportDirtyDay { Day = day }));
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>
    /// For replays read outside the write transaction (SQLite reads the next batch while this one writes): fails as a
    /// conflict unless <paramref name="cases"/> still have exactly the instance rows the replays read, each with the
    /// computed-at stamp it had then. Every replay of a case (a case edit, the sweeper, this job) stamps each instance of
    /// the case it keeps or cancels, so a replay that committed in between shows here, and the batch is read again.
    /// Call it in the write transaction, before <see cref="WriteAsync"/>.
    /// </summary>
    public static async Task CheckUnchangedAsync(PishkhanDbContext db, SlaBatchChanges changes, IReadOnlyCollection<Guid> cases, CancellationToken ct = default)
    {
        var now = await SlaBatchReader.ReadAsync<SlaInstance>(db, [nameof(SlaInstance.Id), nameof(SlaInstance.ComputedAt)], nameof(SlaInstance.CaseId), cases, null, ct);
        var read = changes.ReadStamps.ToHashSet();
        if (now.Count != read.Count || !now.All(i => read.Contains((i.Id, i.ComputedAt))))
        {
            throw new DbUpdateConcurrencyException("The SLA batch's instances changed after it read them: another writer got there first.");
        }
    }

    private sealed class Writer(PishkhanDbContext db, DbTransaction transaction) : IAsyncDisposable
    {
        private readonly bool _postgres = db.IsPostgres;
        private readonly DbConnection _connection = transaction.Connection!;
        private readonly List<DbCommand> _prepared = [];

        public async ValueTask DisposeAsync()
        {
            foreach (var command in _prepared)
            {
                await command.DisposeAsync();
            }
        }

        public Task InsertAsync<T>(IReadOnlyList<T> rows, CancellationToken ct)
            where T : class => UntrackedRows.InsertAsync(db, transaction, rows, ct);

        /// <summary>Sets <paramref name="properties"/> of each row (by id), where <paramref name="guard"/> holds; every row must be found.</summary>
        public async Task UpdateAsync<T>(IReadOnlyList<T> rows, string[] properties, string? guard, CancellationToken ct)
            where T : class
        {
            if (rows.Count == 0)
            {
                return;
            }

            var table = MappedTable.Of<T>(db);
            var set = properties.Select(table.Column).ToList();
            var where = guard is null ? "" : $" AND {guard}";
            if (!_postgres)
            {
                var all = set.Append(table.Key).ToList();
                var command = Command($"UPDATE {table.Quoted} SET {string.Join(", ", set.Select((c, i) => $"{c.Quoted} = @p{i}"))} WHERE {table.Key.Quoted} = @p{set.Count}{where}");
                Expect(rows.Count, await UntrackedRows.ExecuteEachAsync(command, rows, all, ct), table.Quoted);
                return;
            }

            var changed = 0;
            var chunks = rows.Chunk(Math.Max(1, UntrackedRows.MaxParameters / (set.Count + 1)));
            foreach (var chunk in chunks)
            {
                await using var command = Create();
                var values = new StringBuilder();
                foreach (var row in chunk)
                {
                    // The first row's casts give the VALUES list its column types (a NULL parameter alone has none that fits).
                    var first = values.Length == 0;
                    values.Append(first ? "(" : ", (");
                    values.AppendJoin(", ", set.Prepend(table.Key).Select(c => first ? $"CAST({c.Parameter(command, c.Get(row))} AS {c.StoreType})" : c.Parameter(command, c.Get(row))));
                    values.Append(')');
                }

                command.CommandText = $"UPDATE {table.Quoted} AS t SET {string.Join(", ", set.Select((c, i) => $"{c.Quoted} = v.c{i}"))} "
                    + $"FROM (VALUES {values}) AS v(id, {string.Join(", ", set.Select((_, i) => $"c{i}"))}) WHERE t.{table.Key.Quoted} = v.id{(guard is null ? "" : $" AND t.{guard}")}";
                changed += await command.ExecuteNonQueryAsync(ct);
            }

            Expect(rows.Count, changed, table.Quoted);
        }

        /// <summary>Sets <paramref name="properties"/> to <paramref name="values"/>'s on every row named, where <paramref name="guard"/> holds; every row must be found.</summary>
        public async Task SetAsync<T>(T values, string[] properties, List<Guid> ids, string? guard, CancellationToken ct)
            where T : class
        {
            var table = MappedTable.Of<T>(db);
            var changed = 0;
            foreach (var chunk in ids.Chunk(IdsPerStatement))
            {
                await using var command = Create();
                var set = string.Join(", ", properties.Select(table.Column).Select(c => $"{c.Quoted} = {c.Parameter(command, c.Get(values))}"));
                command.CommandText = $"UPDATE {table.Quoted} SET {set} WHERE {In(command, table, chunk)}{(guard is null ? "" : $" AND {guard}")}";
                changed += await command.ExecuteNonQueryAsync(ct);
            }

            Expect(ids.Count, changed, table.Quoted);
        }

        public async Task DeleteAsync<T>(List<Guid> ids, string? guard, CancellationToken ct)
            where T : class
        {
            var table = MappedTable.Of<T>(db);
            var changed = 0;
            foreach (var chunk in ids.Chunk(IdsPerStatement))
            {
                await using var command = Create();
                command.CommandText = $"DELETE FROM {table.Quoted} WHERE {In(command, table, chunk)}{(guard is null ? "" : $" AND {guard}")}";
                changed += await command.ExecuteNonQueryAsync(ct);
            }

            Expect(ids.Count, changed, table.Quoted);
        }

        private static string In(DbCommand command, MappedTable table, Guid[] ids) =>
            $"{table.Key.Quoted} IN ({string.Join(", ", ids.Select(id => table.Key.Parameter(command, id)))})";

        private static void Expect(int expected, int changed, string table)
        {
            if (changed != expected)
            {
                // The same outcome as EF's optimistic check: a row was deleted, or a timer fired, since the batch read it.
                throw new DbUpdateConcurrencyException($"The SLA batch expected to change {expected} row(s) of {table} but changed {changed}: another writer got there first.");
            }
        }

        private DbCommand Create()
        {
            var command = _connection.CreateCommand();
            command.Transaction = transaction;
            return command;
        }

        private DbCommand Command(string sql)
        {
            var command = Create();
            command.CommandText = sql;
            _prepared.Add(command);
            return command;
        }
    }
}
