using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;
using Pishkhan.Platform.Idempotency;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Cases;

/// <summary>The fields of a new case. Enumerations are names (e.g. <c>"high"</c>), so a wrong one is named in the error.</summary>
public sealed record CreateCaseRequest(
    string? Subject,
    string? Description,
    Guid? ContactId,
    string? Channel = null,
    Guid? CategoryId = null,
    string? Product = null,
    string? Urgency = null,
    string? Impact = null,
    string? Priority = null,
    Guid? StatusId = null,
    Guid? OwnerId = null,
    Guid? TeamId = null,
    List<string>? Tags = null,
    Dictionary<string, string>? CustomFields = null);

/// <summary>
/// Opens a case: validates every field against the database, numbers it, writes the case, its first timeline
/// entry, its audit rows and (when given) the idempotency record in one transaction.
/// </summary>
public sealed class CreateCase(
    IDbContextFactory<PishkhanDbContext> dbFactory,
    TimeProvider clock,
    Routing.RoutingSignals routing,
    Triage.PriorityMatrices matrices,
    Triage.Intake intake,
    SlaEngine sla,
    Automation.RealtimeAutomation realtime,
    GroupCommit commits)
{
    public async Task<Outcome<CaseDto>> HandleAsync(CreateCaseRequest request, Actor actor, string? idempotencyKey = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        // One connection for the whole request instead of one open and close per statement.
        await db.Database.OpenConnectionAsync(ct);

        if (idempotencyKey is not null)
        {
            var earlier = await ReplayAsync(db, request, actor, idempotencyKey, ct);
            if (earlier is not null)
            {
                return earlier;
            }
        }

        var errors = new FieldErrors();
        var (channel, urgency, impact, priority, priorityOverridden) = CheckFields(errors, request, await matrices.CurrentAsync(ct), actor);

        var contact = request.ContactId is { } contactId
            ? await db.Contacts.AsNoTracking().Where(c => c.Id == contactId)
                .Select(c => new { c.Id, c.Name, c.AccountId, AccountName = c.Account == null ? null : c.Account.Name, AccountTier = c.Account == null ? null : c.Account.Tier }).FirstOrDefaultAsync(ct)
            : null;
        if (request.ContactId is null)
        {
            errors.Add("contactId", "'contactId' is required.");
        }
        else if (contact is null)
        {
            errors.Add("contactId", $"No contact has the id '{request.ContactId}'.");
        }

        var status = request.StatusId is { } statusId
            ? await db.CaseStatuses.AsNoTracking().FirstOrDefaultAsync(s => s.Id == statusId, ct)
            : await db.CaseStatuses.AsNoTracking().OrderBy(s => s.Position).FirstOrDefaultAsync(s => s.IsDefault, ct);
        if (status is null)
        {
            errors.Add("statusId", request.StatusId is null ? "No default status is configured." : $"No status has the id '{request.StatusId}'.");
        }

        var references = await CaseReferences.CheckAsync(db, errors, request.CategoryId, request.OwnerId, request.TeamId, ct);
        if (errors.Any)
        {
            return errors;
        }

        // Categorisation rules, then the classifier, fill in category, product and tags before routing reads them.
        var triage = await intake.CategoriseAsync(db, IntakeOf(request, channel, contact!.Id, contact.AccountTier, priority), ct);
        if (triage.CategoryId != request.CategoryId)
        {
            references = references with
            {
                Category = await db.Categories.AsNoTracking().Where(c => c.Id == triage.CategoryId)
                .Select(c => new CategoryRef(c.Id, c.Name, c.NameFa)).FirstOrDefaultAsync(ct)
            };
        }

        // Whole microseconds, as PostgreSQL stores them, so the answer equals what a later read returns.
        var now = clock.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % 10));
        // Everything that only reads (real-time rules, the SLA's policies and calendars) runs before the transaction: on
        // SQLite a transaction holds the one write turn, so the less it does, the sooner the next request's turn comes.
        // The number is the one thing that needs the transaction; the case is numbered inside it, just before the save.
        var (entity, created, _) = Open(db, request, actor, idempotencyKey, new CaseFields(
            "", channel, urgency, impact, priority, priorityOverridden, status!, contact!.Id, contact.AccountId, triage), now);

        // Real-time workflows (validation rules) see the proposed case; they may set fields or refuse it outright.
        var verdict = await realtime.ApplyAsync(db, entity, now, ct);
        if (verdict.Rejection is { } rejection)
        {
            await realtime.RecordAsync(verdict, ct);
            return rejection;
        }

        await sla.ApplyAsync(db, entity, now, ct: ct);
        try
        {
            // On SQLite, cases created at the same moment share one commit (see GroupCommit).
            await commits.RunAsync(db, async writer =>
            {
                Number(entity, created, await CaseNumbers.NextAsync(writer, now, CancellationToken.None));
                await writer.SaveChangesAsync(CancellationToken.None);
            }, ct);
        }
        catch (DbUpdateException) when (idempotencyKey is not null)
        {
            // A concurrent request with the same key committed first; answer with its case.
            db.ChangeTracker.Clear();
            return await ReplayAsync(db, request, actor, idempotencyKey, ct) ?? throw new InvalidOperationException("Idempotent create failed without a stored result.");
        }

        routing.CaseCreated(entity.Id); // queue and agent are chosen right after, off the request's path
        // Everything the answer shows was read or written above; reading the case back would only repeat it.
        return new CaseDto(
            entity.Id, entity.Number, entity.Subject, entity.Description, entity.Channel, references.Category, entity.Product,
            entity.Urgency, entity.Impact, entity.Priority, new StatusRef(status!.Id, status.Name, status.NameFa, status.Category),
            references.Owner, references.Team, new Ref(contact.Id, contact.Name),
            contact.AccountId is { } accountId ? new Ref(accountId, contact.AccountName!) : null,
            entity.Tags, entity.CustomFields, entity.CreatedAt, entity.UpdatedAt, entity.FirstResponseAt, entity.ResolvedAt,
            entity.ClosedAt, entity.Version, entity.PriorityOverridden);
    }

    /// <summary>
    /// The checks on a new case's own fields that need no database, shared with <see cref="CreateCaseBatch"/>: lengths,
    /// channel, urgency and impact on the matrix' axes, the priority they give (and who may override it), tags and
    /// custom fields.
    /// </summary>
    internal static (CaseChannel Channel, Level Urgency, Level Impact, Priority Priority, bool PriorityOverridden) CheckFields(
        FieldErrors errors, CreateCaseRequest request, Triage.PriorityMatrix matrix, Actor actor)
    {
        errors.Required("subject", request.Subject);
        errors.MaxLength("subject", request.Subject?.Trim(), CaseRules.SubjectMaxLength);
        errors.MaxLength("description", request.Description, CaseRules.DescriptionMaxLength);
        errors.MaxLength("product", request.Product, 200);
        var channel = CaseRules.ParseOrDefault(errors, "channel", request.Channel, CaseChannel.Api);
        var urgency = ParseLevel(errors, "urgency", request.Urgency, matrix.Urgency);
        var impact = ParseLevel(errors, "impact", request.Impact, matrix.Impact);
        Priority? requestedPriority = string.IsNullOrWhiteSpace(request.Priority) ? null : CaseRules.ParseOrDefault(errors, "priority", request.Priority, Priority.Medium);
        var (priority, priorityOverridden) = Triage.CasePriority.OnCreate(matrix, urgency, impact, requestedPriority);
        if (priorityOverridden && !Triage.CasePriority.MayOverride(actor))
        {
            errors.Add("priority", $"Only supervisors and admins may override the priority; urgency × impact give '{Triage.PriorityMatrix.Key(matrix.PriorityOf(urgency, impact))}'.");
        }

        CaseRules.ValidateTags(errors, "tags", request.Tags);
        CaseRules.ValidateCustomFields(errors, "customFields", request.CustomFields);
        return (channel, urgency, impact, priority, priorityOverridden);
    }

    /// <summary>What triage reads of a checked request.</summary>
    internal static Triage.IntakeCase IntakeOf(CreateCaseRequest request, CaseChannel channel, Guid contactId, string? accountTier, Priority priority) => new(
        request.Subject!.Trim(), request.Description?.Trim() ?? "", channel, request.CategoryId,
        string.IsNullOrWhiteSpace(request.Product) ? null : request.Product.Trim(), CaseRules.CleanTags(request.Tags ?? []),
        contactId, accountTier, priority, request.TeamId);

    /// <summary>What a new case is made of once its request is checked and triaged.</summary>
    internal sealed record CaseFields(
        string Number, CaseChannel Channel, Level Urgency, Level Impact, Priority Priority, bool PriorityOverridden,
        CaseStatus Status, Guid ContactId, Guid? AccountId, Triage.IntakeResult Triage);

    /// <summary>
    /// Adds the new case to <paramref name="db"/> with its "created" (and "categorised") timeline entries and, with a
    /// key, its idempotency record; shared with <see cref="CreateCaseBatch"/>. Nothing is saved here.
    /// </summary>
    internal static (Case Case, TimelineEntry Created, IdempotencyRecord? Record) Open(
        PishkhanDbContext db, CreateCaseRequest request, Actor actor, string? idempotencyKey, CaseFields fields, DateTime now)
    {
        var entity = new Case
        {
            Number = fields.Number,
            Subject = request.Subject!.Trim(),
            Description = request.Description?.Trim() ?? "",
            Channel = fields.Channel,
            CategoryId = fields.Triage.CategoryId,
            Product = fields.Triage.Product,
            Urgency = fields.Urgency,
            Impact = fields.Impact,
            Priority = fields.Priority,
            PriorityOverridden = fields.PriorityOverridden,
            StatusId = fields.Status.Id,
            OwnerId = request.OwnerId,
            TeamId = request.TeamId,
            ContactId = fields.ContactId,
            AccountId = fields.AccountId,
            Tags = fields.Triage.Tags.ToList(),
            CustomFields = request.CustomFields ?? [],
            CreatedAt = now,
            UpdatedAt = now,
            ResolvedAt = fields.Status.Category >= StatusCategory.Resolved ? now : null,
            ClosedAt = fields.Status.Category == StatusCategory.Closed ? now : null,
        };
        entity.SearchText = SearchTextOf(entity);
        db.Cases.Add(entity);
        var created = Event("created", entity.Number);
        if (fields.Triage.Explanation is { } explanation)
        {
            Event("categorised", explanation);
        }

        IdempotencyRecord? record = null;
        if (idempotencyKey is not null)
        {
            db.IdempotencyRecords.Add(record = new IdempotencyRecord
            {
                Principal = actor.PrincipalKey,
                Key = idempotencyKey,
                Operation = nameof(CreateCase),
                RequestHash = IdempotencyKey.HashOf(request),
                ResourceId = entity.Id,
                CreatedAt = now,
            });
        }

        return (entity, created, record);

        TimelineEntry Event(string field, string value) => db.TimelineEntries.Add(new TimelineEntry
        {
            CaseId = entity.Id,
            Kind = TimelineKind.Event,
            Field = field,
            NewValue = value,
            AuthorUserId = actor.UserId,
            AuthorName = actor.Name,
            CreatedAt = now,
        }).Entity;
    }

    /// <summary>Gives a case opened without a number (see <see cref="HandleAsync"/>) its number, searchable and on its "created" entry.</summary>
    private static void Number(Case entity, TimelineEntry created, string number)
    {
        entity.Number = number;
        entity.SearchText = SearchTextOf(entity);
        created.NewValue = number;
    }

    internal static string SearchTextOf(Case c) => PersianText.NormalizeForSearch($"{c.Number} {c.Subject} {c.Description}");

    private static async Task<Outcome<CaseDto>?> ReplayAsync(PishkhanDbContext db, CreateCaseRequest request, Actor actor, string key, CancellationToken ct)
    {
        var record = await IdempotencyKey.FindAsync(db, actor.PrincipalKey, key, ct);
        if (record is null)
        {
            return null;
        }

        if (record.Operation != nameof(CreateCase) || record.RequestHash != IdempotencyKey.HashOf(request))
        {
            return new Outcome<CaseDto>.Conflict($"The Idempotency-Key '{key}' was already used with a different request.");
        }

        return await db.Cases.AsNoTracking().Where(c => c.Id == record.ResourceId).Select(CaseDto.Projection).FirstAsync(ct);
    }

    /// <summary>A level must be on the matrix's axis; none given is the axis' middle level.</summary>
    internal static Level ParseLevel(FieldErrors errors, string field, string? value, IReadOnlyList<Triage.MatrixLevel> axis)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Triage.PriorityMatrix.MiddleOf(axis);
        }

        if (CaseRules.TryParse<Level>(value, out var level) && axis.Any(l => l.Level == level))
        {
            return level;
        }

        errors.Add(field, $"'{value}' is not a valid {field}; use one of: {string.Join(", ", axis.Select(l => Triage.PriorityMatrix.Key(l.Level)))}.");
        return Triage.PriorityMatrix.MiddleOf(axis);
    }
}

/// <summary>The optional references of a case, with the names the API shows beside their ids.</summary>
internal sealed record CaseReferenceNames(CategoryRef? Category, Ref? Owner, Ref? Team);

/// <summary>Checks the optional references a case may carry, naming each one that does not exist.</summary>
internal static class CaseReferences
{
    public static async Task<CaseReferenceNames> CheckAsync(
        PishkhanDbContext db, FieldErrors errors, Guid? categoryId, Guid? ownerId, Guid? teamId, CancellationToken ct)
    {
        CategoryRef? categoryRef = null;
        Ref? ownerRef = null, teamRef = null;
        if (categoryId is { } category)
        {
            categoryRef = await db.Categories.AsNoTracking().Where(c => c.Id == category)
                .Select(c => new CategoryRef(c.Id, c.Name, c.NameFa)).FirstOrDefaultAsync(ct);
            if (categoryRef is null)
            {
                errors.Add("categoryId", $"No category has the id '{category}'.");
            }
        }

        if (ownerId is { } owner)
        {
            ownerRef = await db.Users.AsNoTracking().Where(u => u.Id == owner && u.IsActive)
                .Select(u => new Ref(u.Id, u.DisplayName)).FirstOrDefaultAsync(ct);
            if (ownerRef is null)
            {
                errors.Add("ownerId", $"No active user has the id '{owner}'.");
            }
        }

        if (teamId is { } team)
        {
            teamRef = await db.Teams.AsNoTracking().Where(t => t.Id == team).Select(t => new Ref(t.Id, t.Name)).FirstOrDefaultAsync(ct);
            if (teamRef is null)
            {
                errors.Add("teamId", $"No team has the id '{team}'.");
            }
        }

        return new CaseReferenceNames(categoryRef, ownerRef, teamRef);
    }
}
