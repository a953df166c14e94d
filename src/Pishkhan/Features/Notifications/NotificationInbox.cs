using Microsoft.EntityFrameworkCore;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Notifications;

public sealed record NotificationDto(Guid Id, Guid? CaseId, string? CaseNumber, string Title, string Body, string Source, DateTime At, DateTime? ReadAt);

public sealed record NotificationPage(IReadOnlyList<NotificationDto> Items, int Total, int Unread, int Page, int PageSize);

/// <summary>
/// A user's own in-app notifications (the bell in the app bar): newest first, only those already due (a notification
/// held until the calendar opens appears then, dated when it became due), read one by one or all at once.
/// Nobody reads or marks another user's notifications: every call is scoped by the caller's user id.
/// </summary>
public sealed class NotificationInbox(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxPageSize = 100;

    public async Task<Outcome<NotificationPage>> ListAsync(Guid userId, bool unreadOnly = false, int page = 1, int pageSize = 20, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        Paging.Validate(errors, page, pageSize);
        if (pageSize > MaxPageSize)
        {
            errors.Add("pageSize", $"'pageSize' is at most {MaxPageSize}.");
        }

        if (errors.Any)
        {
            return errors;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var due = Due(db, userId);
        var unread = await due.CountAsync(n => n.ReadAt == null, ct);
        var query = unreadOnly ? due.Where(n => n.ReadAt == null) : due;
        var total = unreadOnly ? unread : await query.CountAsync(ct);
        var items = await query.OrderByDescending(n => n.DeliverAfter).ThenByDescending(n => n.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(n => new NotificationDto(n.Id, n.CaseId, db.Cases.Where(c => c.Id == n.CaseId).Select(c => c.Number).FirstOrDefault(),
                n.Title, n.Body, n.Source, n.DeliverAfter > n.CreatedAt ? n.DeliverAfter : n.CreatedAt, n.ReadAt))
            .ToListAsync(ct);
        return new NotificationPage(items, total, unread, page, pageSize);
    }

    public async Task<int> UnreadCountAsync(Guid userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Due(db, userId).CountAsync(n => n.ReadAt == null, ct);
    }

    /// <summary>Marks one of the user's notifications read (again is fine); another user's or an unknown id is not found.</summary>
    public async Task<Outcome<NotificationDto>> MarkReadAsync(Guid userId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var n = await db.Notifications.FirstOrDefaultAsync(n => n.Id == id && n.UserId == userId && n.DeliverAfter <= now, ct);
        if (n is null)
        {
            return new Outcome<NotificationDto>.NotFound();
        }

        n.ReadAt ??= now;
        await db.SaveChangesAsync(ct);
        var number = n.CaseId is { } caseId ? await db.Cases.Where(c => c.Id == caseId).Select(c => c.Number).FirstOrDefaultAsync(ct) : null;
        return new NotificationDto(n.Id, n.CaseId, number, n.Title, n.Body, n.Source, n.DeliverAfter > n.CreatedAt ? n.DeliverAfter : n.CreatedAt, n.ReadAt);
    }

    /// <summary>Marks every due unread notification of the user read; answers how many changed.</summary>
    public async Task<int> MarkAllReadAsync(Guid userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Notifications.Where(n => n.UserId == userId && n.DeliverAfter <= now && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }

    private IQueryable<Notification> Due(PishkhanDbContext db, Guid userId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.Notifications.AsNoTracking().Where(n => n.UserId == userId && n.DeliverAfter <= now);
    }
}
