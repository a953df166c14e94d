using Microsoft.EntityFrameworkCore;
using Pishkhan.Calendar;
using Pishkhan.Platform.Auditing;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Calendars;

/// <summary>Reads calendars: the list (default first), one with its definition, who uses it, and its history.</summary>
public sealed class GetCalendars(IDbContextFactory<PishkhanDbContext> dbFactory)
{
    public async Task<IReadOnlyList<CalendarSummaryDto>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Calendars.AsNoTracking()
            .OrderByDescending(c => c.IsDefault).ThenBy(c => c.Name)
            .Select(c => new
            {
                Calendar = c,
                Users = db.Users.Count(u => u.CalendarId == c.Id),
                Teams = db.Teams.Count(t => t.CalendarId == c.Id),
            })
            .ToListAsync(ct);
        return rows.Select(r =>
        {
            var definition = CalendarDefinition.FromJson(r.Calendar.Definition);
            return new CalendarSummaryDto(
                r.Calendar.Id, r.Calendar.Name, r.Calendar.Description, r.Calendar.IsDefault, definition.Zone,
                definition.Holidays.Count, r.Users, r.Teams, r.Calendar.UpdatedAt, r.Calendar.Version);
        }).ToList();
    }

    public async Task<CalendarDto?> ByIdAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var calendar = await db.Calendars.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        return calendar is null ? null : CalendarDto.From(calendar);
    }

    public async Task<CalendarUsage?> UsageAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Calendars.AnyAsync(c => c.Id == id, ct) ? await UsageAsync(db, id, ct) : null;
    }

    public async Task<IReadOnlyList<AuditEntryDto>?> AuditAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Calendars.AnyAsync(c => c.Id == id, ct) ? await AuditQueries.ForAsync(db, nameof(WorkCalendar), id, ct) : null;
    }

    internal static async Task<CalendarUsage> UsageAsync(PishkhanDbContext db, Guid id, CancellationToken ct)
    {
        var users = await db.Users.AsNoTracking().Where(u => u.CalendarId == id).OrderBy(u => u.DisplayName)
            .Select(u => new CalendarUserRef(u.Id, u.DisplayName)).ToListAsync(ct);
        var teams = await db.Teams.AsNoTracking().Where(t => t.CalendarId == id).OrderBy(t => t.Name)
            .Select(t => new CalendarUserRef(t.Id, t.Name)).ToListAsync(ct);
        return new CalendarUsage(users, teams);
    }
}
