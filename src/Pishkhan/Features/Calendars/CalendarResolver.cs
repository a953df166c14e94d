using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Calendars;

/// <summary>A compiled calendar and the stored record it came from (name and version, for logs and SLA records).</summary>
public sealed record ResolvedCalendar(Guid Id, string Name, int Version, DateTimeZone Zone, BusinessCalendar Calendar);

/// <summary>
/// Finds the business calendar that applies to a calendar id, a user or a team (their own, else the default) and
/// hands back a compiled <see cref="BusinessCalendar"/>, cached by id and version. Each call asks the database only
/// for the calendar's id and version, so an edit made on another node is seen at once; the definition is parsed and
/// compiled again only when the version moved. A compiled calendar is immutable and thread-safe, so SLA and
/// routing code can share the instance and keep it for the length of a batch.
/// </summary>
public sealed class CalendarResolver(IDbContextFactory<PishkhanDbContext> dbFactory)
{
    private readonly ConcurrentDictionary<Guid, ResolvedCalendar> _compiled = new();

    /// <summary>The calendar with this id, or the default when <paramref name="calendarId"/> is null; null for an unknown id.</summary>
    public async Task<ResolvedCalendar?> ForCalendarAsync(Guid? calendarId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ResolveAsync(db, calendarId, ct);
    }

    /// <summary>
    /// The calendar with this id, else the default (for an unknown id or none), read through a context the caller already
    /// has open: no context of its own per call. Null only when there is no calendar at all.
    /// </summary>
    public async Task<ResolvedCalendar?> ForCalendarOrDefaultAsync(PishkhanDbContext db, Guid? calendarId, CancellationToken ct = default) =>
        (calendarId is null ? null : await ResolveAsync(db, calendarId, ct)) ?? await ResolveAsync(db, null, ct);

    /// <summary>The default calendar.</summary>
    /// <exception cref="InvalidOperationException">There is no calendar at all (startup seeds one, so this is a broken database).</exception>
    public async Task<ResolvedCalendar> DefaultAsync(CancellationToken ct = default) =>
        await ForCalendarAsync(null, ct) ?? throw new InvalidOperationException("There is no default calendar.");

    /// <summary>The user's calendar, or the default when the user has none; null for an unknown user.</summary>
    public async Task<ResolvedCalendar?> ForUserAsync(Guid userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.CalendarId }).FirstOrDefaultAsync(ct);
        return user is null ? null : await ResolveAsync(db, user.CalendarId, ct);
    }

    /// <summary>The team's calendar, or the default when the team has none; null for an unknown team.</summary>
    public async Task<ResolvedCalendar?> ForTeamAsync(Guid teamId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var team = await db.Teams.AsNoTracking().Where(t => t.Id == teamId).Select(t => new { t.CalendarId }).FirstOrDefaultAsync(ct);
        return team is null ? null : await ResolveAsync(db, team.CalendarId, ct);
    }

    /// <summary>Forgets a compiled calendar (after an edit, a delete or a change of default on this node).</summary>
    public void Invalidate(Guid calendarId) => _compiled.TryRemove(calendarId, out _);

    private async Task<ResolvedCalendar?> ResolveAsync(PishkhanDbContext db, Guid? calendarId, CancellationToken ct)
    {
        var query = db.Calendars.AsNoTracking();
        query = calendarId is { } id ? query.Where(c => c.Id == id) : query.Where(c => c.IsDefault);
        var stamp = await query.Select(c => new { c.Id, c.Version }).FirstOrDefaultAsync(ct);
        if (stamp is null)
        {
            return null;
        }

        if (_compiled.TryGetValue(stamp.Id, out var cached) && cached.Version == stamp.Version)
        {
            return cached;
        }

        var row = await db.Calendars.AsNoTracking().Where(c => c.Id == stamp.Id)
            .Select(c => new { c.Name, c.Version, c.Definition }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        var definition = CalendarDefinition.FromJson(row.Definition);
        var resolved = new ResolvedCalendar(stamp.Id, row.Name, row.Version, DateTimeZoneProviders.Tzdb[definition.Zone.Trim()], BusinessCalendar.Create(definition));
        _compiled.AddOrUpdate(stamp.Id, resolved, (_, existing) => existing.Version > resolved.Version ? existing : resolved);
        return resolved;
    }
}
