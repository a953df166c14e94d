using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Pishkhan.Platform.Data;

/// <summary>
/// A per-connection SQLite setting, run once per SQLite handle when a connection opens: pooled connections keep their
/// handle, and with it the setting, so reopening one costs nothing.
/// </summary>
internal sealed class SqlitePragma(string sql)
{
    private readonly ConditionalWeakTable<object, object> _applied = new();

    /// <summary>Applies the setting to a SQLite connection that does not have it yet; true when it ran now.</summary>
    public bool ApplyTo(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } sqlite || _applied.TryGetValue(handle, out _))
        {
            return false;
        }

        using var command = sqlite.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        _applied.AddOrUpdate(handle, this);
        return true;
    }
}
