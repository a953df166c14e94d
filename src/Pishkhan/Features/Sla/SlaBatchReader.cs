using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Sla;

/// <summary>
/// Reads a recalculation batch's rows with plain SQL and a data reader, in the context's current transaction
/// when there is one: the columns named, of the rows whose key is in the batch, made into entities by the model's own
/// type mappings and conversions (<see cref="MappedTable.Materializer{T}"/>). EF Core's query pipeline (translation,
/// parameter handling, its materializer and buffering) cost more than the rows themselves here.
/// </summary>
internal static class SlaBatchReader
{
    /// <summary>Keys named in one <c>IN (…)</c> list (SQLite allows 32,766 parameters a statement).</summary>
    private const int KeysPerStatement = 1000;

    /// <summary>
    /// The rows of <typeparamref name="T"/> whose <paramref name="keyProperty"/> is one of <paramref name="keys"/> (and that
    /// pass <paramref name="filter"/>, which gets a function writing "column = parameter" for a property and a value),
    /// with only <paramref name="properties"/> set (null: every mapped property); in the database's order within each
    /// chunk of keys.
    /// </summary>
    public static async Task<List<T>> ReadAsync<T>(
        PishkhanDbContext db, IReadOnlyList<string>? properties, string keyProperty, IReadOnlyCollection<Guid> keys, Func<Func<string, object, string>, string>? filter, CancellationToken ct)
        where T : class
    {
        var table = MappedTable.Of<T>(db);
        properties ??= [.. table.Columns.Select(c => c.Property.Name)];
        var materialize = table.Materializer<T>(properties);
        var key = table.Column(keyProperty);
        var columns = string.Join(", ", properties.Select(p => table.Column(p).Quoted));
        var rows = new List<T>();
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        try
        {
            foreach (var chunk in keys.Chunk(KeysPerStatement))
            {
                await using var command = connection.CreateCommand();
                command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
                var where = $"{key.Quoted} IN ({string.Join(", ", chunk.Select(id => key.Parameter(command, id)))})";
                if (filter is not null)
                {
                    where += $" AND {filter((property, value) => $"{table.Column(property).Quoted} = {table.Column(property).Parameter(command, value)}")}";
                }

                command.CommandText = $"SELECT {columns} FROM {table.Quoted} WHERE {where}";
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    rows.Add(materialize(reader));
                }
            }
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }

        return rows;
    }
}
