using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Contacts;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Automation;

/// <summary>
/// Reads a record as a <see cref="RecordSnapshot"/> for conditions and templates. One method per record type; contacts
/// and accounts plug in here (and in <see cref="RecordSchema"/>) when workflows reach them.
/// </summary>
public static class RecordAccess
{
    public static Task<RecordSnapshot?> LoadAsync(PishkhanDbContext db, string recordType, Guid id, CancellationToken ct) => recordType switch
    {
        "case" => CaseAsync(db, id, ct),
        _ => Task.FromResult<RecordSnapshot?>(null),
    };

    private static async Task<RecordSnapshot?> CaseAsync(PishkhanDbContext db, Guid id, CancellationToken ct)
    {
        var c = await db.Cases.AsNoTracking().Where(x => x.Id == id).Select(x => new
        {
            Case = x,
            StatusName = x.Status!.Name,
            StatusCategory = x.Status.Category,
            ContactName = x.Contact!.Name,
            ContactLanguage = x.Contact.Language,
            AccountName = x.Account == null ? null : x.Account.Name,
            AccountTier = x.Account == null ? null : x.Account.Tier,
        }).FirstOrDefaultAsync(ct);
        if (c is null)
        {
            return null;
        }

        var survey = await db.Set<Satisfaction.SatisfactionSurvey>().AsNoTracking().Where(s => s.CaseId == id).Select(s => new { s.Rating, s.Comment }).FirstOrDefaultAsync(ct);
        var channels = await db.ContactChannels.AsNoTracking().Where(ch => ch.ContactId == c.Case.ContactId).OrderBy(ch => ch.Id).ToListAsync(ct);
        var e = c.Case;
        var values = new Dictionary<string, object?>
        {
            ["number"] = e.Number,
            ["subject"] = e.Subject,
            ["description"] = e.Description,
            ["channel"] = RecordSchema.Name(e.Channel),
            ["priority"] = RecordSchema.Name(e.Priority),
            ["urgency"] = RecordSchema.Name(e.Urgency),
            ["impact"] = RecordSchema.Name(e.Impact),
            ["status"] = c.StatusName,
            ["statusCategory"] = RecordSchema.Name(c.StatusCategory),
            ["product"] = e.Product,
            ["tags"] = (IReadOnlyList<string>)e.Tags,
            ["ownerId"] = e.OwnerId?.ToString(),
            ["teamId"] = e.TeamId?.ToString(),
            ["queueId"] = e.QueueId?.ToString(),
            ["categoryId"] = e.CategoryId?.ToString(),
            ["createdAt"] = e.CreatedAt,
            ["updatedAt"] = e.UpdatedAt,
            ["firstResponseAt"] = e.FirstResponseAt,
            ["resolvedAt"] = e.ResolvedAt,
            ["closedAt"] = e.ClosedAt,
            ["contact.name"] = c.ContactName,
            ["contact.email"] = channels.FirstOrDefault(ch => ch.Kind == ContactChannelKind.Email)?.Value,
            ["contact.phone"] = channels.FirstOrDefault(ch => ch.Kind == ContactChannelKind.Phone)?.Value,
            ["account.name"] = c.AccountName,
            ["account.tier"] = c.AccountTier,
            ["satisfaction.rating"] = survey?.Rating is { } rating ? (decimal)rating : null,
            ["satisfaction.comment"] = survey?.Comment,
        };
        foreach (var (key, value) in e.CustomFields)
        {
            values[RecordSchema.CustomPrefix + key] = value;
        }

        return new RecordSnapshot("case", e.Id, values, c.ContactLanguage is { } language && language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en" : "fa");
    }
}
