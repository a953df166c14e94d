using Microsoft.EntityFrameworkCore;
using Pishkhan.Calendar;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Calendars;

/// <summary>
/// The calendar a new installation starts with, so that every time-based feature has working hours from the first
/// request: Tehran, Saturday to Wednesday 08:00–17:00 with a 12:00–13:00 break, Thursday 08:00–13:00, and the
/// shipped Iranian official holidays. Admins edit it like any other.
/// </summary>
internal static class DefaultCalendar
{
    public const string Name = "Tehran office hours";
    public const string Description = "ساعات کاری دفتر تهران — شنبه تا چهارشنبه ۸ تا ۱۷ (ناهار ۱۲ تا ۱۳)، پنجشنبه ۸ تا ۱۳، با تعطیلات رسمی ایران";

    public static async Task EnsureAsync(PishkhanDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Calendars.AnyAsync(c => c.IsDefault, ct))
        {
            return;
        }

        // Calendars but no default (restored from a partial backup, edited by hand): the oldest becomes the default.
        if (await db.Calendars.OrderBy(c => c.CreatedAt).FirstOrDefaultAsync(ct) is { } oldest)
        {
            oldest.IsDefault = true;
            await db.SaveChangesAsync(ct);
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.Calendars.Add(new WorkCalendar
        {
            Name = Name,
            Description = Description,
            Definition = IranianHolidays.TehranDefaultDefinition().ToJson(),
            IsDefault = true,
            CreatedAt = now,
            UpdatedAt = now,
        });
        await db.SaveChangesAsync(ct);
    }
}
