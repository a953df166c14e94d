using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Pishkhan.Platform.Data;

namespace Pishkhan.Sla.Bench;

/// <summary>
/// Writes generated entities with plain SQL, bypassing change tracking: the column list, names and value conversions
/// come from the EF model, so the rows are exactly what the app would have stored. SQLite: one prepared single-row
/// INSERT reused inside one transaction; PostgreSQL: multi-row INSERTs of up to 1,000 rows.
/// </summary>
public static class BulkInsert
{
    public static async Task InsertAsync<T>(PishkhanDbContext db, IEnumerable<T> rows)
        where T : class
    {
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var table = entityType.GetTableName()!;
        var properties = entityType.GetProperties()
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd && p.ClrType != typeof(Guid)))
            .ToList();
        var store = StoreObjectIdentifier.Table(table, entityType.GetSchema());
        var columns = string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(store)}\""));
        var mappings = properties.Select(p => (RelationalTypeMapping)p.GetRelationalTypeMapping()).ToList();

        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync();
        var perCommand = db.IsPostgres ? Math.Max(1, 30_000 / properties.Count) : 1;
        var chunk = new List<T>(perCommand);
        DbCommand? prepared = null;
        foreach (var row in rows)
        {
            chunk.Add(row);
            if (chunk.Count == perCommand)
            {
                prepared = await WriteAsync(chunk, prepared);
                chunk.Clear();
            }
        }

        if (chunk.Count > 0)
        {
            await WriteAsync(chunk, null);
        }

        await transaction.CommitAsync();
        if (prepared is not null)
        {
            await prepared.DisposeAsync();
        }

        async Task<DbCommand?> WriteAsync(List<T> batch, DbCommand? reuse)
        {
            if (reuse is not null && batch.Count == 1)
            {
                for (var i = 0; i < properties.Count; i++)
                {
                    reuse.Parameters[i].Value = Value(i, batch[0]);
                }

                await reuse.ExecuteNonQueryAsync();
                return reuse;
            }

            var command = connection.CreateCommand();
            command.Transaction = transaction;
            var values = new List<string>(batch.Count);
            var n = 0;
            foreach (var row in batch)
            {
                var names = new List<string>(properties.Count);
                for (var i = 0; i < properties.Count; i++)
                {
                    var name = $"@p{n++}";
                    names.Add(name);
                    command.Parameters.Add(mappings[i].CreateParameter(command, name, properties[i].GetGetter().GetClrValue(row), properties[i].IsNullable));
                }

                values.Add($"({string.Join(", ", names)})");
            }

            command.CommandText = $"INSERT INTO \"{table}\" ({columns}) VALUES {string.Join(", ", values)}";
            await command.ExecuteNonQueryAsync();
            if (batch.Count == 1 && !db.IsPostgres)
            {
                await command.PrepareAsync();
                return command;
            }

            await command.DisposeAsync();
            return null;
        }

        object? Value(int i, T row)
        {
            var value = properties[i].GetGetter().GetClrValue(row);
            var converter = mappings[i].Converter;
            return (converter is null ? value : converter.ConvertToProvider(value)) ?? DBNull.Value;
        }
    }
}
