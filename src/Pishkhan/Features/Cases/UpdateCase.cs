using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Cases;

/// <summary>A field that a change either sets (possibly to null) or leaves alone.</summary>
public readonly record struct Optional<T>(bool IsSet, T Value);

public static class Optional
{
    public static Optional<T> Of<T>(T value) => new(true, value);
}

/// <summary>
/// The fields an edit changes. <see cref="Version"/> is the version the editor saw; if the case moved on since,
/// the edit is refused with a conflict rather than silently overwriting someone else's change.
/// </summary>
public sealed record CaseChanges
{
    public int Version { get; init; }
    public Optional<string> Subject { get; init; }
    public Optional<string> Description { get; init; }
    public Optional<CaseChannel> Channel { get; init; }
    public Optional<Guid?> CategoryId { get; init; }
    public Optional<string?> Product { get; init; }
    public Optional<Level> Urgency { get; init; }
    public Optional<Level> Impact { get; init; }
    public Optional<Priority> Priority { get; init; }
    public Optional<Guid> StatusId { get; init; }
    public Optional<Guid?> OwnerId { get; init; }
    public Optional<Guid?> TeamId { get; init; }
    public Optional<List<string>> Tags { get; init; }
    public Optional<Dictionary<string, string>> CustomFields { get; init; }

    /// <summary>
    /// Reads a JSON merge-patch body: a property that is absent is unchanged, <c>null</c> clears it. Every
    /// unknown property and every value of the wrong type is named.
    /// </summary>
    public static Outcome<CaseChanges> FromJson(JsonElement body)
    {
        var errors = new FieldErrors();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "The body must be a JSON object.");
            return errors;
        }

        var changes = new CaseChanges();
        var sawVersion = false;
        foreach (var property in body.EnumerateObject())
        {
            var v = property.Value;
            switch (property.Name)
            {
                case "version":
                    sawVersion = v.TryGetInt32(out var version) || Fail(errors, "version", "an integer");
                    changes = changes with { Version = version };
                    break;
                case "subject":
                    changes = changes with { Subject = Optional.Of<string>(Text(errors, "subject", v, nullable: false) ?? "") };
                    break;
                case "description":
                    changes = changes with { Description = Optional.Of<string>(Text(errors, "description", v, nullable: true) ?? "") };
                    break;
                case "product":
                    changes = changes with { Product = Optional.Of<string?>(Text(errors, "product", v, nullable: true)) };
                    break;
                case "channel":
                    changes = changes with { Channel = Optional.Of<CaseChannel>(Enum<CaseChannel>(errors, "channel", v)) };
                    break;
                case "urgency":
                    changes = changes with { Urgency = Optional.Of<Level>(Enum<Level>(errors, "urgency", v)) };
                    break;
                case "impact":
                    changes = changes with { Impact = Optional.Of<Level>(Enum<Level>(errors, "impact", v)) };
                    break;
                case "priority":
                    changes = changes with { Priority = Optional.Of<Priority>(Enum<Priority>(errors, "priority", v)) };
                    break;
                case "statusId":
                    changes = changes with { StatusId = Optional.Of<Guid>(Id(errors, "statusId", v, nullable: false) ?? Guid.Empty) };
                    break;
                case "categoryId":
                    changes = changes with { CategoryId = Optional.Of<Guid?>(Id(errors, "categoryId", v, nullable: true)) };
                    break;
                case "ownerId":
                    changes = changes with { OwnerId = Optional.Of<Guid?>(Id(errors, "ownerId", v, nullable: true)) };
                    break;
                case "teamId":
                    changes = changes with { TeamId = Optional.Of<Guid?>(Id(errors, "teamId", v, nullable: true)) };
                    break;
                case "tags":
                    changes = changes with { Tags = Optional.Of<List<string>>(Read<List<string>>(errors, "tags", v, "an array of strings") ?? []) };
                    break;
                case "customFields":
                    changes = changes with { CustomFields = Optional.Of<Dictionary<string, string>>(Read<Dictionary<string, string>>(errors, "customFields", v, "an object of string values") ?? []) };
                    break;
                default:
                    errors.Add(property.Name, $"'{property.Name}' is not a field of a case that can be changed.");
                    break;
            }
        }

        if (!sawVersion && !errors.ToDictionary().ContainsKey("version"))
        {
            errors.Add("version", "'version' is required: send the version you last read, so a stale edit can be detected.");
        }

        return errors.Any ? errors : changes;
    }

    private static bool Fail(FieldErrors errors, string field, string expected)
    {
        errors.Add(field, $"'{field}' must be {expected}.");
        return false;
    }

    private static string? Text(FieldErrors errors, string field, JsonElement v, bool nullable)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            return v.GetString();
        }

        if (v.ValueKind == JsonValueKind.Null && nullable)
        {
            return null;
        }

        Fail(errors, field, nullable ? "a string or null" : "a string");
        return null;
    }

    private static Guid? Id(FieldErrors errors, string field, JsonElement v, bool nullable)
    {
        if (v.ValueKind == JsonValueKind.String && v.TryGetGuid(out var id))
        {
            return id;
        }

        if (v.ValueKind == JsonValueKind.Null && nullable)
        {
            return null;
        }

        Fail(errors, field, nullable ? "an id or null" : "an id");
        return null;
    }

    private static TEnum Enum<TEnum>(FieldErrors errors, string field, JsonElement v)
        where TEnum : struct, Enum
    {
        if (v.ValueKind == JsonValueKind.String && CaseRules.TryParse<TEnum>(v.GetString(), out var parsed))
        {
            return parsed;
        }

        errors.Add(field, $"'{field}' must be one of: {CaseRules.Allowed<TEnum>()}.");
        return default;
    }

    private static T? Read<T>(FieldErrors errors, string field, JsonElement v, string expected)
        where T : class
    {
        try
        {
            return v.Deserialize<T>();
        }
        catch (JsonException)
        {
            Fail(errors, field, expected);
            return null;
        }
    }
}

/// <summary>
/// Edits a case. Status, owner, team and priority changes also go on the timeline; every field change goes to
/// the audit history. Entering a resolved or closed status stamps the time; leaving it reopens the case.
/// </summary>
public sealed class UpdateCase(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock, Triage.PriorityMatrices matrices, SlaEngine sla, Automation.RealtimeAutomation realtime)
{
    public async Task<Outcome<CaseDto>> HandleAsync(Guid caseId, CaseChanges changes, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var entity = await db.Cases.VisibleTo(db, actor)
            .Include(c => c.Status).Include(c => c.Owner).Include(c => c.Team)
            .FirstOrDefaultAsync(c => c.Id == caseId, ct);
        if (entity is null)
        {
            return new Outcome<CaseDto>.NotFound();
        }

        var errors = new FieldErrors();
        if (changes.Subject.IsSet)
        {
            errors.Required("subject", changes.Subject.Value);
            errors.MaxLength("subject", changes.Subject.Value?.Trim(), CaseRules.SubjectMaxLength);
        }

        if (changes.Description.IsSet)
        {
            errors.MaxLength("description", changes.Description.Value, CaseRules.DescriptionMaxLength);
        }

        if (changes.Product.IsSet)
        {
            errors.MaxLength("product", changes.Product.Value, 200);
        }

        if (changes.Tags.IsSet)
        {
            CaseRules.ValidateTags(errors, "tags", changes.Tags.Value);
        }

        if (changes.CustomFields.IsSet)
        {
            CaseRules.ValidateCustomFields(errors, "customFields", changes.CustomFields.Value);
        }

        var matrix = await matrices.CurrentAsync(ct);
        var urgency = changes.Urgency.IsSet ? changes.Urgency.Value : entity.Urgency;
        var impact = changes.Impact.IsSet ? changes.Impact.Value : entity.Impact;
        if (changes.Urgency.IsSet && changes.Urgency.Value != entity.Urgency && !matrix.HasUrgency(urgency))
        {
            errors.Add("urgency", $"'{Triage.PriorityMatrix.Key(urgency)}' is not on the priority matrix; use one of: {string.Join(", ", matrix.Urgency.Select(l => Triage.PriorityMatrix.Key(l.Level)))}.");
        }

        if (changes.Impact.IsSet && changes.Impact.Value != entity.Impact && !matrix.HasImpact(impact))
        {
            errors.Add("impact", $"'{Triage.PriorityMatrix.Key(impact)}' is not on the priority matrix; use one of: {string.Join(", ", matrix.Impact.Select(l => Triage.PriorityMatrix.Key(l.Level)))}.");
        }

        var levelsChanged = urgency != entity.Urgency || impact != entity.Impact;
        Priority? requestedPriority = changes.Priority.IsSet ? changes.Priority.Value : null;
        var (priority, priorityOverridden) = Triage.CasePriority.OnUpdate(
            matrix, urgency, impact, entity.Priority, entity.PriorityOverridden, levelsChanged, requestedPriority);
        // Re-sending the priority the case already has, with the same urgency and impact, changes nothing and is allowed.
        if (requestedPriority is { } requested && priorityOverridden && (requested != entity.Priority || levelsChanged) && !Triage.CasePriority.MayOverride(actor))
        {
            errors.Add("priority", $"Only supervisors and admins may override the priority; urgency × impact give '{Triage.PriorityMatrix.Key(matrix.PriorityOf(urgency, impact))}'.");
        }

        CaseStatus? newStatus = null;
        if (changes.StatusId.IsSet)
        {
            newStatus = await db.CaseStatuses.FirstOrDefaultAsync(s => s.Id == changes.StatusId.Value, ct);
            if (newStatus is null)
            {
                errors.Add("statusId", $"No status has the id '{changes.StatusId.Value}'.");
            }
        }

        await CaseReferences.CheckAsync(
            db,
            errors,
            changes.CategoryId.IsSet ? changes.CategoryId.Value : null,
            changes.OwnerId.IsSet ? changes.OwnerId.Value : null,
            changes.TeamId.IsSet ? changes.TeamId.Value : null,
            ct);
        if (errors.Any)
        {
            return errors;
        }

        if (entity.Version != changes.Version)
        {
            return new Outcome<CaseDto>.Conflict(
                $"Case {entity.Number} was changed by someone else (your version {changes.Version}, current {entity.Version}). Reload it and apply your change again.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var events = new List<TimelineEntry>();
        void Event(string field, string? from, string? to)
        {
            if (from != to)
            {
                events.Add(new TimelineEntry
                {
                    CaseId = entity.Id,
                    Kind = TimelineKind.Event,
                    Field = field,
                    OldValue = from,
                    NewValue = to,
                    AuthorUserId = actor.UserId,
                    AuthorName = actor.Name,
                    CreatedAt = now,
                });
            }
        }

        if (changes.Subject.IsSet)
        {
            entity.Subject = (changes.Subject.Value ?? "").Trim();
        }

        if (changes.Description.IsSet)
        {
            entity.Description = (changes.Description.Value ?? "").Trim();
        }

        if (changes.Product.IsSet)
        {
            entity.Product = string.IsNullOrWhiteSpace(changes.Product.Value) ? null : changes.Product.Value.Trim();
        }

        if (changes.Channel.IsSet)
        {
            entity.Channel = changes.Channel.Value;
        }

        if (changes.CategoryId.IsSet)
        {
            entity.CategoryId = changes.CategoryId.Value;
        }

        if (changes.Tags.IsSet)
        {
            entity.Tags = CaseRules.CleanTags(changes.Tags.Value);
        }

        if (changes.CustomFields.IsSet)
        {
            entity.CustomFields = changes.CustomFields.Value;
        }

        var oldPriority = entity.Priority;
        entity.Urgency = urgency;
        entity.Impact = impact;
        entity.Priority = priority;
        entity.PriorityOverridden = priorityOverridden;

        Event("priority", oldPriority.ToString(), entity.Priority.ToString());

        if (newStatus is not null && newStatus.Id != entity.StatusId)
        {
            Event("status", entity.Status!.Name, newStatus.Name);
            ApplyStatus(entity, newStatus, now);
        }

        if (changes.OwnerId.IsSet && changes.OwnerId.Value != entity.OwnerId)
        {
            var newOwner = changes.OwnerId.Value is { } ownerId ? await db.Users.Where(u => u.Id == ownerId).Select(u => u.DisplayName).FirstAsync(ct) : null;
            Event("owner", entity.Owner?.DisplayName, newOwner);
            entity.OwnerId = changes.OwnerId.Value;
        }

        if (changes.TeamId.IsSet && changes.TeamId.Value != entity.TeamId)
        {
            var newTeam = changes.TeamId.Value is { } teamId ? await db.Teams.Where(t => t.Id == teamId).Select(t => t.Name).FirstAsync(ct) : null;
            Event("team", entity.Team?.Name, newTeam);
            entity.TeamId = changes.TeamId.Value;
        }

        entity.SearchText = CreateCase.SearchTextOf(entity);

        // Real-time workflows (validation rules) see the proposed values; they may set fields or refuse the whole edit.
        var verdict = await realtime.ApplyAsync(db, entity, now, ct);
        if (verdict.Rejection is { } rejection)
        {
            await realtime.RecordAsync(verdict, ct);
            return rejection;
        }

        if (db.ChangeTracker.HasChanges())
        {
            entity.Version++;
            entity.UpdatedAt = now;
            db.TimelineEntries.AddRange(events);

            // Status, priority and every field a policy condition reads can move the clocks or choose another policy.
            await sla.ApplyAsync(db, entity, now, ct: ct);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (SlaWriteConflict.IsConflict(e))
        {
            // A stale version, or another writer replayed the case's SLA at the same moment and saved its timers first.
            return new Outcome<CaseDto>.Conflict($"Case {entity.Number} was changed by someone else while you were saving. Reload it and apply your change again.");
        }

        return await db.Cases.AsNoTracking().Where(c => c.Id == entity.Id).Select(CaseDto.Projection).FirstAsync(ct);
    }

    /// <summary>
    /// The customer wrote again (by email or in the portal): the case is with the team again. It moves to the first Open
    /// status, with a status event on the timeline by <paramref name="authorName"/>; not saved.
    /// </summary>
    internal static async Task ReopenForCustomerAsync(PishkhanDbContext db, Case entity, string authorName, Guid? authorContactId, DateTime now, CancellationToken ct)
    {
        var open = await db.CaseStatuses.Where(s => s.Category == StatusCategory.Open).OrderBy(s => s.Position).FirstAsync(ct);
        db.TimelineEntries.Add(new TimelineEntry
        {
            CaseId = entity.Id,
            Kind = TimelineKind.Event,
            Field = "status",
            OldValue = entity.Status?.Name,
            NewValue = open.Name,
            AuthorContactId = authorContactId,
            AuthorName = authorName,
            CreatedAt = now,
        });
        ApplyStatus(entity, open, now);
    }

    internal static void ApplyStatus(Case entity, CaseStatus status, DateTime now)
    {
        entity.StatusId = status.Id;
        entity.Status = status;
        switch (status.Category)
        {
            case StatusCategory.Resolved:
                entity.ResolvedAt ??= now;
                entity.ClosedAt = null;
                break;
            case StatusCategory.Closed:
                entity.ResolvedAt ??= now;
                entity.ClosedAt ??= now;
                break;
            default:
                entity.ResolvedAt = null;
                entity.ClosedAt = null;
                break;
        }
    }
}
