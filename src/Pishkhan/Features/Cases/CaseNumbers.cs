using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NodaTime;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Cases;

/// <summary>
/// Case numbers are the Jalali year (in Tehran) and a counter within it: <c>1405-000123</c>. The counter is
/// bumped with one upsert statement inside the creating transaction, so numbers never repeat, on both providers.
/// </summary>
internal static class CaseNumbers
{
    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Tehran"];

    public static int JalaliYear(DateTime utc) =>
        Instant.FromDateTimeUtc(utc).InZone(Zone).Date.WithCalendar(CalendarSystem.PersianAstronomical).Year;

    public static string Format(int year, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{year}-{sequence:000000}");

    public static async Task<string> NextAsync(PishkhanDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        var year = JalaliYear(nowUtc);
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = """
            INSERT INTO "CaseNumberCounters" ("Year", "Value") VALUES (@year, 1)
            ON CONFLICT ("Year") DO UPDATE SET "Value" = "CaseNumberCounters"."Value" + 1
            RETURNING "Value"
            """;
        AddParameter(command, "@year", year);
        var value = Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        return Format(year, value);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
