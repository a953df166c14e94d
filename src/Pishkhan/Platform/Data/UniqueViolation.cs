using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Pishkhan.Platform.Data;

/// <summary>Recognises a save refused by one particular unique index, on either provider.</summary>
public static class UniqueViolation
{
    /// <param name="index">The index's name (PostgreSQL reports it as the constraint).</param>
    /// <param name="sqliteColumns">
    /// Its columns as SQLite names them in the error, which names columns, not the index: "EmailMessages.MessageId", or
    /// "SlaTimers.InstanceId, SlaTimers.Level".
    /// </param>
    public static bool On(DbUpdateException e, string index, string sqliteColumns) => e.InnerException switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation && pg.ConstraintName == index,
        SqliteException lite => lite.SqliteExtendedErrorCode == 2067 && lite.Message.Contains(sqliteColumns, StringComparison.Ordinal),
        _ => false,
    };
}
