using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Sla;

/// <summary>A policy as the API sends it. <c>version</c> is required to replace one; <c>position</c> null appends it.</summary>
public sealed record SlaPolicyRequest(
    string? Name,
    string? Description = null,
    int? Position = null,
    bool? IsActive = null,
    Guid? CalendarId = null,
    bool? Is24x7 = null,
    bool? HoldNotificationsUntilOpen = null,
    SlaConditions? Conditions = null,
    List<SlaTargetRow>? Targets = null,
    List<Guid>? PauseStatusIds = null,
    List<SlaEscalationLevel>? Escalations = null,
    int? Version = null)
{
    public const int NameMaxLength = 200;
    public const int DescriptionMaxLength = 1000;
}

public sealed record SlaPolicyDto(
    Guid Id,
    string Name,
    string? Description,
    int Position,
    bool IsActive,
    Guid? CalendarId,
    bool Is24x7,
    bool HoldNotificationsUntilOpen,
    SlaConditions Conditions,
    IReadOnlyList<SlaTargetRow> Targets,
    IReadOnlyList<Guid>? PauseStatusIds,
    IReadOnlyList<SlaEscalationLevel> Escalations,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int Version)
{
    public static SlaPolicyDto From(SlaPolicy p)
    {
        var r = p.ToRules();
        return new(p.Id, p.Name, p.Description, p.Position, p.IsActive, p.CalendarId, p.Is24x7, p.HoldNotificationsUntilOpen,
            r.Conditions, r.Targets, r.PauseStatusIds, r.Escalations, p.CreatedAt, p.UpdatedAt, p.Version);
    }
}

public sealed record SlaReorderRequest(List<Guid>? Ids);

/// <summary>
/// Creates, replaces, deletes and reorders SLA policies. Every problem is named before anything is written; a saved change
/// queues a background recalculation of the open cases, because a policy edit can change both which policy applies
/// and the due instants of the one that does.
/// </summary>
public sealed class SaveSlaPolicy(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock, SlaEngine engine)
{
    public async Task<IReadOnlyList<SlaPolicyDto>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Set<SlaPolicy>().AsNoTracking().OrderBy(p => p.Position).ThenBy(p => p.Name).ToListAsync(ct);
        return [.. rows.Select(SlaPolicyDto.From)];
    }

    public async Task<SlaPolicyDto?> ByIdAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<SlaPolicy>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        return row is null ? null : SlaPolicyDto.From(row);
    }

    public async Task<Outcome<SlaPolicyDto>> SaveAsync(Guid? id, SlaPolicyRequest request, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var policies = db.Set<SlaPolicy>();
        SlaPolicy? policy = null;
        if (id is { } existingId && (policy = await policies.FirstOrDefaultAsync(p => p.Id == existingId, ct)) is null)
        {
            return new Outcome<SlaPolicyDto>.NotFound();
        }

        var errors = await ValidateAsync(db, id, request, ct);
        if (id is not null && request.Version is null)
        {
            errors.Add("version", "'version' is required: send the version you last read.");
        }

        if (errors.Any)
        {
            return errors;
        }

        if (policy is not null && policy.Version != request.Version)
        {
            return new Outcome<SlaPolicyDto>.Conflict(
                $"SLA policy '{policy.Name}' was changed by someone else (your version {request.Version}, current {policy.Version}). Reload it and apply your change again.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var ordered = await policies.Where(p => p.Id != (id ?? Guid.Empty)).OrderBy(p => p.Position).ThenBy(p => p.Name).ToListAsync(ct);
        if (policy is null)
        {
            policy = new SlaPolicy { Name = "", CreatedAt = now };
            policies.Add(policy);
        }
        else
        {
            policy.Version++;
        }

        policy.Name = request.Name!.Trim();
        policy.Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        policy.IsActive = request.IsActive ?? true;
        policy.Is24x7 = request.Is24x7 ?? false;
        policy.CalendarId = policy.Is24x7 ? null : request.CalendarId;
        policy.HoldNotificationsUntilOpen = request.HoldNotificationsUntilOpen ?? false;
        policy.Conditions = JsonSerializer.Serialize(request.Conditions ?? new SlaConditions(), SlaPolicy.JsonOptions);
        policy.Targets = JsonSerializer.Serialize(request.Targets ?? [], SlaPolicy.JsonOptions);
        policy.PauseStatusIds = request.PauseStatusIds is null ? null : JsonSerializer.Serialize(request.PauseStatusIds.Distinct(), SlaPolicy.JsonOptions);
        policy.Escalations = JsonSerializer.Serialize(request.Escalations ?? [], SlaPolicy.JsonOptions);
        policy.UpdatedAt = now;

        var at = Math.Clamp((request.Position ?? DefaultPosition(ordered, policy)) - 1, 0, ordered.Count);
        ordered.Insert(at, policy);
        Renumber(ordered);
        SlaRecalculations.Enqueue(db, $"policy '{policy.Name}' saved", null, policy.Id, now);
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            engine.ForgetSetup();
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Outcome<SlaPolicyDto>.Conflict($"SLA policy '{policy.Name}' was changed by someone else while you were saving. Reload it and apply your change again.");
        }

        return SlaPolicyDto.From(policy);
    }

    public async Task<Outcome<Guid>> DeleteAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var policy = await db.Set<SlaPolicy>().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null)
        {
            return new Outcome<Guid>.NotFound();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Remove(policy);
        Renumber(await db.Set<SlaPolicy>().Where(p => p.Id != id).OrderBy(p => p.Position).ThenBy(p => p.Name).ToListAsync(ct));
        SlaRecalculations.Enqueue(db, $"policy '{policy.Name}' deleted", null, id, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        engine.ForgetSetup();
        return id;
    }

    public async Task<Outcome<IReadOnlyList<SlaPolicyDto>>> ReorderAsync(SlaReorderRequest request, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var all = await db.Set<SlaPolicy>().ToListAsync(ct);
        var ids = request.Ids ?? [];
        var errors = new FieldErrors();
        if (ids.Count != ids.Distinct().Count())
        {
            errors.Add("ids", "Each policy may appear only once.");
        }

        foreach (var unknown in ids.Except(all.Select(p => p.Id)))
        {
            errors.Add("ids", $"No SLA policy has the id '{unknown}'.");
        }

        foreach (var missing in all.Where(p => !ids.Contains(p.Id)))
        {
            errors.Add("ids", $"Policy '{missing.Name}' ({missing.Id}) is missing: send every policy id in the new order.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var ordered = ids.Select(id => all.First(p => p.Id == id)).ToList();
        Renumber(ordered);
        SlaRecalculations.Enqueue(db, "policies reordered", null, null, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        engine.ForgetSetup();
        return ordered.Select(SlaPolicyDto.From).ToList();
    }

    /// <summary>
    /// Where a policy goes when the request names no position: a new policy with conditions goes just before the
    /// fallback policies (those without conditions) at the end, so it can match at all; an edited one keeps its place;
    /// a new fallback goes last.
    /// </summary>
    private static int DefaultPosition(List<SlaPolicy> others, SlaPolicy policy)
    {
        if (policy.Position > 0)
        {
            return policy.Position;
        }

        if (policy.ToRules().Conditions.IsEmpty)
        {
            return others.Count + 1;
        }

        var at = others.Count;
        while (at > 0 && others[at - 1].ToRules().Conditions.IsEmpty)
        {
            at--;
        }

        return at + 1;
    }

    /// <summary>API messages are English with ASCII digits whatever the request's culture.</summary>
    private static string Invariant(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);

    private static void Renumber(List<SlaPolicy> ordered)
    {
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Position != i + 1)
            {
                ordered[i].Position = i + 1;
            }
        }
    }

    internal static async Task<FieldErrors> ValidateAsync(PishkhanDbContext db, Guid? id, SlaPolicyRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = request.Name?.Trim();
        errors.Required("name", name);
        errors.MaxLength("name", name, SlaPolicyRequest.NameMaxLength);
        errors.MaxLength("description", request.Description?.Trim(), SlaPolicyRequest.DescriptionMaxLength);
        if (!string.IsNullOrEmpty(name))
        {
            var others = await db.Set<SlaPolicy>().AsNoTracking().Where(p => p.Id != (id ?? Guid.Empty)).Select(p => p.Name).ToListAsync(ct);
            if (others.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) is { } clash)
            {
                errors.Add("name", $"An SLA policy named '{clash}' already exists; policy names are unique.");
            }
        }

        if (request.Position is < 1)
        {
            errors.Add("position", "'position' starts at 1.");
        }

        if (request.Is24x7 == true && request.CalendarId is not null)
        {
            errors.Add("calendarId", "A 24×7 policy has no calendar: leave 'calendarId' null or set 'is24x7' to false.");
        }
        else if (request.CalendarId is { } calendarId && !await db.Calendars.AnyAsync(c => c.Id == calendarId, ct))
        {
            errors.Add("calendarId", $"No calendar has the id '{calendarId}'.");
        }

        var targets = request.Targets ?? [];
        if (targets.Count == 0)
        {
            errors.Add("targets", "A policy needs at least one target (a priority, a metric and minutes).");
        }

        var seen = new HashSet<(Priority, SlaMetric)>();
        for (var i = 0; i < targets.Count; i++)
        {
            var t = targets[i];
            var field = $"targets[{i}]";
            if (t is null)
            {
                errors.Add(field, "A target cannot be null.");
                continue;
            }

            if (!Enum.IsDefined(t.Priority))
            {
                errors.Add($"{field}.priority", $"'{t.Priority}' is not a priority.");
            }

            if (!Enum.IsDefined(t.Metric))
            {
                errors.Add($"{field}.metric", $"'{t.Metric}' is not a metric.");
            }

            if (!seen.Add((t.Priority, t.Metric)))
            {
                errors.Add(field, $"There is already a {t.Metric} target for {t.Priority} priority.");
            }

            if (t.Minutes <= 0)
            {
                errors.Add($"{field}.minutes", Invariant($"The target must be a positive number of business minutes (got {t.Minutes})."));
            }

            if (t.WarnMinutesBefore is not null && t.WarnPercent is not null)
            {
                errors.Add(field, "Give the warning point either as 'warnMinutesBefore' or as 'warnPercent', not both.");
            }

            if (t.WarnMinutesBefore is { } before && (before <= 0 || before >= t.Minutes))
            {
                errors.Add($"{field}.warnMinutesBefore", before <= 0
                    ? Invariant($"The warning point must be a positive number of minutes before the deadline (got {before}).")
                    : Invariant($"The warning point ({before} min before) is beyond its target of {t.Minutes} min."));
            }

            if (t.WarnPercent is { } percent && percent is <= 0 or >= 100)
            {
                errors.Add($"{field}.warnPercent", Invariant($"The warning point must be between 1 and 99 percent of the target (got {percent})."));
            }
        }

        if (request.PauseStatusIds is { } pauses)
        {
            var known = await db.CaseStatuses.AsNoTracking().Select(s => s.Id).ToListAsync(ct);
            for (var i = 0; i < pauses.Count; i++)
            {
                if (!known.Contains(pauses[i]))
                {
                    errors.Add($"pauseStatusIds[{i}]", $"No status has the id '{pauses[i]}'.");
                }
            }
        }

        var conditions = request.Conditions ?? new SlaConditions();
        var categories = conditions.CategoryIds.Count == 0 ? [] : await db.Categories.AsNoTracking().Select(c => c.Id).ToListAsync(ct);
        for (var i = 0; i < conditions.CategoryIds.Count; i++)
        {
            if (!categories.Contains(conditions.CategoryIds[i]))
            {
                errors.Add($"conditions.categoryIds[{i}]", $"No category has the id '{conditions.CategoryIds[i]}'.");
            }
        }

        var teams = await db.Teams.AsNoTracking().Select(t => t.Id).ToListAsync(ct);
        for (var i = 0; i < conditions.TeamIds.Count; i++)
        {
            if (!teams.Contains(conditions.TeamIds[i]))
            {
                errors.Add($"conditions.teamIds[{i}]", $"No team has the id '{conditions.TeamIds[i]}'.");
            }
        }

        var levels = request.Escalations ?? [];
        var users = levels.SelectMany(l => l?.Actions ?? []).Any(a => a?.UserId is not null)
            ? await db.Users.AsNoTracking().Where(u => u.IsActive).Select(u => u.Id).ToListAsync(ct)
            : [];
        for (var i = 0; i < levels.Count; i++)
        {
            var level = levels[i];
            var field = $"escalations[{i}]";
            if (level is null)
            {
                errors.Add(field, "A level cannot be null.");
                continue;
            }

            if (!Enum.IsDefined(level.Trigger))
            {
                errors.Add($"{field}.trigger", "'trigger' must be one of: warning, breach, afterBreach.");
            }

            if (level.Trigger == SlaLevelTrigger.AfterBreach && level.AfterBreachMinutes is not > 0)
            {
                errors.Add($"{field}.afterBreachMinutes", "An after-breach level needs a positive number of business minutes after the breach.");
            }

            if (level.Trigger != SlaLevelTrigger.AfterBreach && level.AfterBreachMinutes is not null)
            {
                errors.Add($"{field}.afterBreachMinutes", "Only an 'afterBreach' level has minutes after the breach.");
            }

            if (level.Actions is not { Count: > 0 })
            {
                errors.Add($"{field}.actions", "A level needs at least one action.");
                continue;
            }

            for (var j = 0; j < level.Actions.Count; j++)
            {
                var a = level.Actions[j];
                var af = $"{field}.actions[{j}]";
                switch (a?.Kind)
                {
                    case null:
                        errors.Add(af, "An action cannot be null.");
                        break;
                    case SlaActionKind.NotifyUser or SlaActionKind.ReassignToUser when a.UserId is not { } userId || !users.Contains(userId):
                        errors.Add($"{af}.userId", a.UserId is null ? "This action needs a 'userId'." : $"No active user has the id '{a.UserId}'.");
                        break;
                    case SlaActionKind.ReassignToTeam when a.TeamId is not { } teamId || !teams.Contains(teamId):
                        errors.Add($"{af}.teamId", a.TeamId is null ? "This action needs a 'teamId'." : $"No team has the id '{a.TeamId}'.");
                        break;
                    case SlaActionKind.AddTag when string.IsNullOrWhiteSpace(a.Tag) || a.Tag.Trim().Length > 50:
                        errors.Add($"{af}.tag", "This action needs a 'tag' of 1 to 50 characters.");
                        break;
                    case SlaActionKind.CreateTask when string.IsNullOrWhiteSpace(a.Title) || a.Title.Trim().Length > 300:
                        errors.Add($"{af}.title", "This action needs a 'title' of 1 to 300 characters.");
                        break;
                    case var kind when !Enum.IsDefined(kind.Value):
                        errors.Add($"{af}.kind", $"'{kind}' is not an action.");
                        break;
                }
            }
        }

        return errors;
    }
}
