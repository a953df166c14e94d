using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Pishkhan.Platform.Data;

/// <summary>
/// Rows written with plain SQL instead of through EF Core's change tracker, whose per-row work (change detection,
/// ordering commands by foreign keys, one command per row) rows that need none of it should not pay for: what a save
/// only ever inserts — audit entries, outbox events, report marks, workflow log lines (see
/// <see cref="PishkhanDbContext.Append"/>) — and the workflow runs a batch advances (their state, under their version).
/// SQLite: one prepared single-row statement per table, reused for its rows. PostgreSQL: multi-row
/// <c>INSERT … VALUES</c> in chunks, prepared single-row updates. Column names and value conversions come from the EF
/// model (<see cref="MappedTable"/>), so the rows are exactly what <c>SaveChanges</c> would have written.
/// </summary>
public static class UntrackedRows
{
    /// <summary>The most parameters one PostgreSQL statement gets (the protocol allows 65,535).</summary>
    internal const int MaxParameters = 30_000;

    /// <summary>Inserts <paramref name="rows"/> (of any mapped types, each type's rows in their order) in <paramref name="db"/>'s current transaction.</summary>
    public static async Task InsertAsync(PishkhanDbContext db, IReadOnlyList<object> rows, CancellationToken ct = default)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("Appended rows are written in a transaction.");
        foreach (var group in rows.GroupBy(r => r.GetType()))
        {
            await InsertAsync(db, transaction, MappedTable.Of(group.Key, db), [.. group], ct);
        }
    }

    /// <summary>Inserts rows of one type in <paramref name="transaction"/>.</summary>
    public static async Task InsertAsync<T>(PishkhanDbContext db, DbTransaction transaction, IReadOnlyList<T> rows, CancellationToken ct = default)
        where T : class
    {
        if (rows.Count > 0)
        {
            await InsertAsync(db, transaction, MappedTable.Of<T>(db), rows, ct);
        }
    }

    private static async Task InsertAsync<T>(PishkhanDbContext db, DbTransaction transaction, MappedTable table, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        var columns = table.InsertColumns;
        var columnList = string.Join(", ", columns.Select(c => c.Quoted));
        if (!db.IsPostgres)
        {
            await using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO {table.Quoted} ({columnList}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
            await ExecuteEachAsync(command, rows, columns, ct);
            return;
        }

        foreach (var chunk in rows.Chunk(Math.Max(1, MaxParameters / columns.Count)))
        {
            await using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            var values = new StringBuilder();
            foreach (var row in chunk)
            {
                values.Append(values.Length == 0 ? "(" : ", (");
                values.AppendJoin(", ", columns.Select(c => c.Parameter(command, c.Get(row))));
                values.Append(')');
            }

            command.CommandText = $"INSERT INTO {table.Quoted} ({columnList}) VALUES {values}";
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// Runs <paramref name="command"/>, a single-row statement whose parameters <c>@p0…</c> are <paramref name="columns"/>'
    /// values in that order, once per row: prepared once (SQLite compiles it once), then only the values change. Answers
    /// the rows it changed in all.
    /// </summary>
    internal static async Task<int> ExecuteEachAsync<T>(DbCommand command, IReadOnlyList<T> rows, IReadOnlyList<MappedColumn> columns, CancellationToken ct)
        where T : class
    {
        var changed = 0;
        for (var r = 0; r < rows.Count; r++)
        {
            if (r == 0)
            {
                foreach (var column in columns)
                {
                    column.Parameter(command, column.Get(rows[0]));
                }

                await command.PrepareAsync(ct);
            }
            else
            {
                for (var i = 0; i < columns.Count; i++)
                {
                    command.Parameters[i].Value = columns[i].ToProvider(columns[i].Get(rows[r]));
                }
            }

            changed += await command.ExecuteNonQueryAsync(ct);
        }

        return changed;
    }

    /// <summary>
    /// Writes <paramref name="properties"/> of rows that are not tracked (by key, in <paramref name="db"/>'s current
    /// transaction), each only where its <paramref name="token"/> column still holds the value read — EF's optimistic
    /// check, without its change tracker. A row changed or deleted meanwhile fails the whole call with a
    /// <see cref="DbUpdateConcurrencyException"/>, as <c>SaveChanges</c> would.
    /// </summary>
    public static async Task UpdateAsync<T>(PishkhanDbContext db, IReadOnlyList<(T Row, object Read)> rows, IReadOnlyList<string> properties, string token, CancellationToken ct = default)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("Untracked rows are updated in a transaction.");
        var table = MappedTable.Of<T>(db);
        var set = properties.Select(table.Column).ToList();
        var guard = table.Column(token);
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"UPDATE {table.Quoted} SET {string.Join(", ", set.Select((c, i) => $"{c.Quoted} = @p{i}"))} "
            + $"WHERE {table.Key.Quoted} = @p{set.Count} AND {guard.Quoted} = @p{set.Count + 1}";
        foreach (var column in set.Append(table.Key))
        {
            column.Parameter(command, column.Get(rows[0].Row));
        }

        guard.Parameter(command, rows[0].Read);
        await command.PrepareAsync(ct);
        foreach (var (row, read) in rows)
        {
            for (var i = 0; i < set.Count; i++)
            {
                command.Parameters[i].Value = set[i].ToProvider(set[i].Get(row));
            }

            command.Parameters[set.Count].Value = table.Key.ToProvider(table.Key.Get(row));
            command.Parameters[set.Count + 1].Value = guard.ToProvider(read);
            if (await command.ExecuteNonQueryAsync(ct) != 1)
            {
                throw new DbUpdateConcurrencyException($"A row of {table.Quoted} changed or was deleted since it was read.");
            }
        }
    }
}
