using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Pishkhan.Platform.Data;

/// <summary>
/// Rows that a save only ever inserts — audit entries, outbox events, workflow log lines — written with plain
/// <c>INSERT</c>s in the save's transaction instead of through the change tracker (see
/// <see cref="PishkhanDbContext.Append"/>). EF Core's save costs tens of microseconds per row (change detection,
/// command ordering by foreign keys, one command per row) that rows nobody edits afterwards do not need; a batch of
/// workflow steps writes four such rows for each case it changes.
/// SQLite: one prepared single-row statement per table, reused for its rows. PostgreSQL: multi-row
/// <c>INSERT … VALUES</c> in chunks. Column names and value conversions come from the EF model (<see cref="MappedTable"/>).
/// </summary>
public static class AppendedRows
{
    /// <summary>The most parameters one PostgreSQL statement gets (the protocol allows 65,535).</summary>
    private const int MaxParameters = 30_000;

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
            foreach (var column in columns)
            {
                column.Parameter(command, column.Get(rows[0]));
            }

            await command.PrepareAsync(ct);
            for (var r = 0; r < rows.Count; r++)
            {
                for (var i = 0; r > 0 && i < columns.Count; i++)
                {
                    command.Parameters[i].Value = columns[i].ToProvider(columns[i].Get(rows[r]));
                }

                await command.ExecuteNonQueryAsync(ct);
            }

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
}
