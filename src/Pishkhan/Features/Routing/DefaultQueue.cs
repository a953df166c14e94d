using Microsoft.EntityFrameworkCore;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Routing;

/// <summary>
/// The queue every case lands in until admins write routing rules: round robin, no required skills. Admins add the
/// teams that work it (the demo data adds its three).
/// </summary>
internal static class DefaultQueue
{
    public const string Name = "General";

    public static async Task EnsureAsync(PishkhanDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Queues.AnyAsync(q => q.IsDefault, ct))
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.Queues.Add(new WorkQueue
        {
            Name = await db.Queues.AnyAsync(q => q.Name == Name, ct) ? $"{Name} ({now:yyyyMMddHHmmss})" : Name,
            Description = "صف عمومی — همه درخواست‌هایی که قاعده‌ای به صف دیگری نفرستد",
            IsDefault = true,
            CreatedAt = now,
            UpdatedAt = now,
        });
        await db.SaveChangesAsync(ct);
    }
}
