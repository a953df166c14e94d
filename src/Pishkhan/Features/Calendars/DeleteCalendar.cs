using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Calendars;

/// <summary>
/// Deletes a calendar nobody uses. The default calendar, and one that users or teams still reference, are refused
/// with a conflict that says what to do first.
/// </summary>
public sealed class DeleteCalendar(IDbContextFactory<PishkhanDbContext> dbFactory, CalendarResolver resolver)
{
    /// <summary>The most names one refusal lists before it says "and N more".</summary>
    private const int NamesShown = 10;

    public async Task<Outcome<Guid>> DeleteAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var calendar = await db.Calendars.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (calendar is null)
        {
            return new Outcome<Guid>.NotFound();
        }

        if (calendar.IsDefault)
        {
            return new Outcome<Guid>.Conflict($"'{calendar.Name}' is the default calendar; make another calendar the default before deleting it.");
        }

        var usage = await GetCalendars.UsageAsync(db, id, ct);
        if (usage.Any)
        {
            return new Outcome<Guid>.Conflict($"'{calendar.Name}' is still used by {Describe(usage)}. Give them another calendar (or the default) first.");
        }

        db.Calendars.Remove(calendar);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A user or team was pointed at it between the check and the delete; the foreign key refused it.
            return new Outcome<Guid>.Conflict($"'{calendar.Name}' was just given to a user or team; reload and try again.");
        }

        resolver.Invalidate(id);
        return id;
    }

    internal static string Describe(CalendarUsage usage)
    {
        var parts = new List<string>();
        if (usage.Users.Count > 0)
        {
            parts.Add($"{(usage.Users.Count == 1 ? "user" : "users")} {Names(usage.Users)}");
        }

        if (usage.Teams.Count > 0)
        {
            parts.Add($"{(usage.Teams.Count == 1 ? "team" : "teams")} {Names(usage.Teams)}");
        }

        return string.Join(" and ", parts);
    }

    private static string Names(IReadOnlyList<CalendarUserRef> refs)
    {
        var shown = string.Join(", ", refs.Take(NamesShown).Select(r => $"'{r.Name}'"));
        return refs.Count > NamesShown ? $"{shown} and {refs.Count - NamesShown} more" : shown;
    }
}
