using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Calendars;

/// <summary>
/// Creates a calendar or replaces an existing one's name, description and definition (with the version last read).
/// Nothing is stored unless the whole definition is valid.
/// </summary>
public sealed class SaveCalendar(IDbContextFactory<PishkhanDbContext> dbFactory, CalendarResolver resolver, TimeProvider clock)
{
    public async Task<Outcome<CalendarDto>> SaveAsync(Guid? id, CalendarRequest request, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        WorkCalendar? calendar = null;
        if (id is { } existingId && (calendar = await db.Calendars.FirstOrDefaultAsync(c => c.Id == existingId, ct)) is null)
        {
            return new Outcome<CalendarDto>.NotFound();
        }

        var errors = new FieldErrors();
        var name = request.Name?.Trim();
        errors.Required("name", name);
        errors.MaxLength("name", name, WorkCalendarRules.NameMaxLength);
        errors.MaxLength("description", request.Description?.Trim(), WorkCalendarRules.DescriptionMaxLength);
        if (!string.IsNullOrEmpty(name))
        {
            // An installation has a handful of calendars; comparing in memory treats "Tehran" and "tehran" as one name on both providers.
            var others = await db.Calendars.AsNoTracking().Where(c => c.Id != (id ?? Guid.Empty)).Select(c => c.Name).ToListAsync(ct);
            var clash = others.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            if (clash is not null)
            {
                errors.Add("name", $"A calendar named '{clash}' already exists; calendar names are unique.");
            }
        }

        WorkCalendarRules.ValidateDefinition(errors, request.Definition);
        if (id is not null && request.Version is null)
        {
            errors.Add("version", "'version' is required: send the version you last read.");
        }

        if (errors.Any)
        {
            return errors;
        }

        if (calendar is not null && calendar.Version != request.Version)
        {
            return new Outcome<CalendarDto>.Conflict(
                $"Calendar '{calendar.Name}' was changed by someone else (your version {request.Version}, current {calendar.Version}). Reload it and apply your change again.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var json = request.Definition!.ToJson();
        if (calendar is null)
        {
            calendar = new WorkCalendar
            {
                Name = name!,
                Definition = json,
                CreatedAt = now,
                IsDefault = !await db.Calendars.AnyAsync(c => c.IsDefault, ct),
            };
            db.Calendars.Add(calendar);
        }

        calendar.Name = name!;
        calendar.Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        calendar.Definition = json;
        if (db.Entry(calendar).State == EntityState.Added || db.ChangeTracker.HasChanges())
        {
            calendar.UpdatedAt = now;
            if (db.Entry(calendar).State != EntityState.Added)
            {
                calendar.Version++;
            }
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Outcome<CalendarDto>.Conflict($"Calendar '{calendar.Name}' was changed by someone else while you were saving. Reload it and apply your change again.");
        }
        catch (DbUpdateException)
        {
            // The unique index caught a name another admin took between our check and our save.
            return new Outcome<CalendarDto>.Conflict($"A calendar named '{calendar.Name}' was created by someone else just now; choose another name.");
        }

        resolver.Invalidate(calendar.Id);
        return CalendarDto.From(calendar);
    }
}
