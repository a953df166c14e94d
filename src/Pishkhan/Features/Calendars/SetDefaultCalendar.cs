using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Calendars;

/// <summary>Makes one calendar the default, which every user and team without a calendar of its own follows.</summary>
public sealed class SetDefaultCalendar(IDbContextFactory<PishkhanDbContext> dbFactory, CalendarResolver resolver, TimeProvider clock)
{
    public async Task<Outcome<CalendarDto>> HandleAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var calendar = await db.Calendars.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (calendar is null)
        {
            return new Outcome<CalendarDto>.NotFound();
        }

        if (calendar.IsDefault)
        {
            return CalendarDto.From(calendar);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var previous = await db.Calendars.Where(c => c.IsDefault).ToListAsync(ct);
        foreach (var old in previous)
        {
            old.IsDefault = false;
            old.Version++;
            old.UpdatedAt = now;
        }

        // Clear the old default first: the unique index allows one default at a time, statement by statement.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
            calendar.IsDefault = true;
            calendar.Version++;
            calendar.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new Outcome<CalendarDto>.Conflict("The default calendar was changed by someone else at the same moment; reload and try again.");
        }

        foreach (var old in previous)
        {
            resolver.Invalidate(old.Id);
        }

        resolver.Invalidate(calendar.Id);
        return CalendarDto.From(calendar);
    }
}
