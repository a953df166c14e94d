using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Auditing;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Calendars;

/// <summary>The body of a calendar assignment; <c>calendarId: null</c> means "follow the default calendar".</summary>
public sealed record CalendarAssignmentRequest(Guid? CalendarId);

/// <summary>A user or team and the calendar it works by (null: the default).</summary>
public sealed record CalendarAssignmentDto(Guid Id, string Name, Guid? CalendarId);

/// <summary>
/// Gives a team or a user its own calendar, or sends it back to the default. Users and teams are not audited
/// records as a whole (a user row holds password hashes and lockout counters), so the change is written to the
/// audit history here, in the same save.
/// </summary>
public sealed class AssignCalendar(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock)
{
    public async Task<Outcome<CalendarAssignmentDto>> ForTeamAsync(Guid teamId, CalendarAssignmentRequest request, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Id == teamId, ct);
        if (team is null)
        {
            return new Outcome<CalendarAssignmentDto>.NotFound();
        }

        if (await CheckAsync(db, request, ct) is { } errors)
        {
            return errors;
        }

        var before = team.CalendarId;
        team.CalendarId = request.CalendarId;
        await SaveAsync(db, nameof(Team), team.Id, before, request.CalendarId, actor, ct);
        return new CalendarAssignmentDto(team.Id, team.Name, team.CalendarId);
    }

    public async Task<Outcome<CalendarAssignmentDto>> ForUserAsync(Guid userId, CalendarAssignmentRequest request, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return new Outcome<CalendarAssignmentDto>.NotFound();
        }

        if (await CheckAsync(db, request, ct) is { } errors)
        {
            return errors;
        }

        var before = user.CalendarId;
        user.CalendarId = request.CalendarId;
        await SaveAsync(db, nameof(AppUser), user.Id, before, request.CalendarId, actor, ct);
        return new CalendarAssignmentDto(user.Id, user.DisplayName, user.CalendarId);
    }

    private static async Task<FieldErrors?> CheckAsync(PishkhanDbContext db, CalendarAssignmentRequest request, CancellationToken ct)
    {
        if (request.CalendarId is not { } id || await db.Calendars.AnyAsync(c => c.Id == id, ct))
        {
            return null;
        }

        var errors = new FieldErrors();
        errors.Add("calendarId", $"No calendar has the id '{id}'.");
        return errors;
    }

    private async Task SaveAsync(PishkhanDbContext db, string entityType, Guid id, Guid? before, Guid? after, Actor actor, CancellationToken ct)
    {
        if (before == after)
        {
            return;
        }

        db.AuditEntries.Add(new AuditEntry
        {
            EntityType = entityType,
            EntityId = id,
            Field = "calendarId",
            OldValue = before?.ToString(),
            NewValue = after?.ToString(),
            ActorUserId = actor.UserId,
            ActorApiKeyId = actor.ApiKeyId,
            ActorName = actor.Name,
            At = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
    }
}
