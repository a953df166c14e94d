using Microsoft.EntityFrameworkCore;
using Pishkhan.Platform.Data;

namespace Pishkhan.Platform.Auditing;

public sealed record AuditEntryDto(string Field, string? OldValue, string? NewValue, string ActorName, DateTime At);

/// <summary>Reads the audit history of any audited record.</summary>
public static class AuditQueries
{
    public static Task<List<AuditEntryDto>> ForAsync(PishkhanDbContext db, string entityType, Guid id, CancellationToken ct) =>
        db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == entityType && a.EntityId == id)
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Select(a => new AuditEntryDto(a.Field, a.OldValue, a.NewValue, a.ActorName, a.At))
            .ToListAsync(ct);
}
