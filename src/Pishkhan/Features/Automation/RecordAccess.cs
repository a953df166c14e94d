using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Automation;

/// <summary>
/// Reads a record as a <see cref="RecordSnapshot"/> for conditions and templates. One method per record type; contacts
/// and accounts plug in here (and in <see cref="RecordSchema"/>) when workflows reach them.
/// </summary>
public static class RecordAccess
{
    /// <summary>What a "set field" did: the value before, or why it could not; for <c>status</c> the status named and whether it changed.</summary>
    public readonly record struct FieldWrite(string? Before, string? Error = null, CaseStatus? Status = null, bool StatusChanged = false);

    /// <summary>
    /// Sets one settable case field (subject, product, priority, status, a custom field) from its text, as background and
    /// real-time automation both do; the caller saves. A priority or status that does not parse changes nothing.
    /// </summary>
    public static async Task<FieldWrite> SetCaseFieldAsync(PishkhanDbContext db, Case entity, string field, string? value, DateTime now, CancellationToken ct)
    {
        switch (field)
        {
            case "subject":
                var subject = entity.Subject;
                entity.Subject = (value ?? "").Trim();
                return new FieldWrite(subject);
            case "product":
                var product = entity.Product;
                entity.Product = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
                return new FieldWrite(product);
            case "priority":
                if (!CaseRules.TryParse<Priority>(value, out var priority))
                {
                    return new FieldWrite(null, $"'{value}' is not a priority.");
                }

                var before = RecordSchema.Name(entity.Priority);
                entity.Priority = priority;
                entity.PriorityOverridden = true;
                return new FieldWrite(before);
            case "status":
                var statuses = await db.CaseStatuses.ToListAsync(ct); // tracked: the case's navigation may point at one
                var status = statuses.FirstOrDefault(x => string.Equals(x.Name, value, StringComparison.OrdinalIgnoreCase) || x.NameFa == value);
                if (status is null)
                {
                    return new FieldWrite(null, $"No status is named '{value}'.");
                }

                var was = statuses.FirstOrDefault(x => x.Id == entity.StatusId)?.Name;
                var changed = status.Id != entity.StatusId;
                if (changed)
                {
                    UpdateCase.ApplyStatus(entity, status, now);
                }

                return new FieldWrite(was, null, status, changed);
            default:
                return new FieldWrite(SetCustomField(entity, field[RecordSchema.CustomPrefix.Length..], value));
        }
    }

    /// <summary>Sets (or, with null, removes) one custom field of a case as a new dictionary, so the change is tracked; returns the value before.</summary>
    public static string? SetCustomField(Case entity, string key, string? value)
    {
        var before = entity.CustomFields.GetValueOrDefault(key);
        var copy = new Dictionary<string, string>(entity.CustomFields);
        if (value is null)
        {
            copy.Remove(key);
        }
        else
        {
            copy[key] = value;
        }

        entity.CustomFields = copy;
        return before;
    }

    public static Task<RecordSnapshot?> LoadAsync(PishkhanDbContext db, string recordType, Guid id, CancellationToken ct) => recordType switch
    {
        "case" => CaseAsync(db, id, ct),
        _ => Task.FromResult<RecordSnapshot?>(null),
    };

    private static async Task<RecordSnapshot?> CaseAsync(PishkhanDbContext db, Guid id, CancellationToken ct) =>
        (await LoadCasesAsync(db, [id], ct)).GetValueOrDefault(id);

    /// <summary>Many cases at once (three queries in all), by id; a case that does not exist is not in the answer.</summary>
    public static async Task<Dictionary<Guid, RecordSnapshot>> LoadCasesAsync(PishkhanDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var list = ids.ToList();
        var rows = await db.Cases.AsNoTracking().Where(x => list.Contains(x.Id)).Select(x => new
        {
            Case = x,
            StatusName = x.Status!.Name,
            StatusCategory = x.Status.Category,
            ContactName = x.Contact!.Name,
            ContactLanguage = x.Contact.Language,
            AccountName = x.Account == null ? null : x.Account.Name,
            AccountTier = x.Account == null ? null : x.Account.Tier,
        }).ToListAsync(ct);
        var contactIds = rows.Select(r => r.Case.ContactId).Distinct().ToList();
        var channels = (await db.ContactChannels.AsNoTracking().Where(ch => contactIds.Contains(ch.ContactId)).OrderBy(ch => ch.Id).ToListAsync(ct))
            .ToLookup(ch => ch.ContactId);
        var surveys = (await db.Set<Satisfaction.SatisfactionSurvey>().AsNoTracking().Where(s => list.Contains(s.CaseId)).Select(s => new { s.CaseId, s.Rating, s.Comment }).ToListAsync(ct))
            .GroupBy(s => s.CaseId).ToDictionary(g => g.Key, g => g.First());
        return rows.ToDictionary(r => r.Case.Id, r =>
        {
            var survey = surveys.GetValueOrDefault(r.Case.Id);
            return Snapshot(r.Case, r.StatusName, r.StatusCategory, r.ContactName, r.ContactLanguage, r.AccountName, r.AccountTier, [.. channels[r.Case.ContactId]], survey?.Rating, survey?.Comment);
        });
    }

    /// <summary>
    /// A case as it is about to be saved (the proposed values of a tracked entity, not what the database holds), for a
    /// real-time workflow's conditions. Its status, contact and account are read by id.
    /// </summary>
    public static async Task<RecordSnapshot> ProposedCaseAsync(PishkhanDbContext db, Case e, CancellationToken ct)
    {
        var status = e.Status?.Id == e.StatusId ? e.Status : await db.CaseStatuses.AsNoTracking().FirstOrDefaultAsync(s => s.Id == e.StatusId, ct);
        var contact = await db.Contacts.AsNoTracking().Where(x => x.Id == e.ContactId).Select(x => new { x.Name, x.Language }).FirstOrDefaultAsync(ct);
        var account = e.AccountId is { } accountId ? await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => new { a.Name, a.Tier }).FirstOrDefaultAsync(ct) : null;
        return await SnapshotAsync(db, e, status?.Name, status?.Category ?? default, contact?.Name, contact?.Language, account?.Name, account?.Tier, ct);
    }

    private static async Task<RecordSnapshot> SnapshotAsync(
        PishkhanDbContext db, Case e, string? statusName, StatusCategory statusCategory, string? contactName, string? contactLanguage, string? accountName, string? accountTier, CancellationToken ct)
    {
        var channels = await db.ContactChannels.AsNoTracking().Where(ch => ch.ContactId == e.ContactId).OrderBy(ch => ch.Id).ToListAsync(ct);
        var survey = await db.Set<Satisfaction.SatisfactionSurvey>().AsNoTracking().Where(s => s.CaseId == e.Id).Select(s => new { s.Rating, s.Comment }).FirstOrDefaultAsync(ct);
        return Snapshot(e, statusName, statusCategory, contactName, contactLanguage, accountName, accountTier, channels, survey?.Rating, survey?.Comment);
    }

    private static RecordSnapshot Snapshot(
        Case e, string? statusName, StatusCategory statusCategory, string? contactName, string? contactLanguage, string? accountName, string? accountTier,
        List<ContactChannel> channels, int? rating, string? comment)
    {
        var values = new Dictionary<string, object?>
        {
            ["contact.name"] = contactName,
            ["contact.email"] = channels.FirstOrDefault(ch => ch.Kind == ContactChannelKind.Email)?.Value,
            ["contact.phone"] = channels.FirstOrDefault(ch => ch.Kind == ContactChannelKind.Phone)?.Value,
            ["account.name"] = accountName,
            ["account.tier"] = accountTier,
            ["satisfaction.rating"] = rating is { } r ? (decimal)r : null,
            ["satisfaction.comment"] = comment,
        };
        SetCaseValues(values, e, statusName, statusCategory);
        return new RecordSnapshot("case", e.Id, values, contactLanguage is { } language && language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en" : "fa");
    }

    /// <summary>
    /// <paramref name="record"/> with the case's own fields as the tracked <paramref name="e"/> holds them now (after a
    /// step changed it, for the run's next step); its contact, account and survey stay as read (steps do not change them).
    /// </summary>
    public static RecordSnapshot Refreshed(RecordSnapshot record, Case e)
    {
        var values = record.Values.Where(v => !v.Key.StartsWith(RecordSchema.CustomPrefix, StringComparison.Ordinal)).ToDictionary();
        var (statusName, statusCategory) = e.Status is { } status && status.Id == e.StatusId
            ? (status.Name, status.Category)
            : (record.Get("status") as string, Enum.TryParse<StatusCategory>(record.Get("statusCategory") as string, ignoreCase: true, out var category) ? category : default);
        SetCaseValues(values, e, statusName, statusCategory);
        return record with { Values = values };
    }

    private static void SetCaseValues(Dictionary<string, object?> values, Case e, string? statusName, StatusCategory statusCategory)
    {
        values["number"] = e.Number;
        values["subject"] = e.Subject;
        values["description"] = e.Description;
        values["channel"] = RecordSchema.Name(e.Channel);
        values["priority"] = RecordSchema.Name(e.Priority);
        values["urgency"] = RecordSchema.Name(e.Urgency);
        values["impact"] = RecordSchema.Name(e.Impact);
        values["status"] = statusName;
        values["statusCategory"] = RecordSchema.Name(statusCategory);
        values["product"] = e.Product;
        values["tags"] = (IReadOnlyList<string>)[.. e.Tags];
        values["ownerId"] = e.OwnerId?.ToString();
        values["teamId"] = e.TeamId?.ToString();
        values["queueId"] = e.QueueId?.ToString();
        values["categoryId"] = e.CategoryId?.ToString();
        values["createdAt"] = e.CreatedAt;
        values["updatedAt"] = e.UpdatedAt;
        values["firstResponseAt"] = e.FirstResponseAt;
        values["resolvedAt"] = e.ResolvedAt;
        values["closedAt"] = e.ClosedAt;
        foreach (var (key, value) in e.CustomFields)
        {
            values[RecordSchema.CustomPrefix + key] = value;
        }
    }
}
