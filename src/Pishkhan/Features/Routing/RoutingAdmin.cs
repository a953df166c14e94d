using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Routing;

public sealed record QueueRequest(
    string? Name,
    string? Description = null,
    string? Strategy = null,
    List<SkillRequirement>? RequiredSkills = null,
    bool WeighByPriority = false,
    int? ReassignAfterMinutes = null,
    int? MaxHops = null,
    List<Guid>? TeamIds = null,
    bool IsDefault = false,
    int? Version = null);

public sealed record QueueDto(
    Guid Id, string Name, string Description, AssignmentStrategy Strategy, IReadOnlyList<SkillRequirement> RequiredSkills,
    bool WeighByPriority, int? ReassignAfterMinutes, int MaxHops, IReadOnlyList<Guid> TeamIds, bool IsDefault, int Version);

public sealed record RoutingRuleRequest(string? Name, int? Position, List<RoutingCondition>? Conditions, Guid? QueueId, bool IsActive = true, int? Version = null);

public sealed record RoutingRuleDto(Guid Id, string Name, int Position, bool IsActive, IReadOnlyList<RoutingCondition> Conditions, Guid QueueId, int Version);

public sealed record AgentProfileRequest(Dictionary<string, int>? Skills, int? Capacity);

public sealed record AgentProfileDto(Guid UserId, IReadOnlyDictionary<string, int> Skills, int Capacity, Presence Presence, DateTime? LastAssignedAt);

/// <summary>Queues, routing rules and agent profiles: validated so that a rule or queue never names something unknown.</summary>
public sealed partial class RoutingAdmin(IDbContextFactory<PishkhanDbContext> dbFactory, RoutingService router, RoutingSignals signals, TimeProvider clock)
{
    public const int MaxSkillLevel = 5;

    public async Task<IReadOnlyList<QueueDto>> QueuesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var queues = await db.Queues.AsNoTracking().Include(q => q.Teams).OrderByDescending(q => q.IsDefault).ThenBy(q => q.Name).ToListAsync(ct);
        return queues.Select(ToDto).ToList();
    }

    public async Task<Outcome<QueueDto>> SaveQueueAsync(Guid? id, QueueRequest request, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        WorkQueue? queue = null;
        if (id is { } existing && (queue = await db.Queues.Include(q => q.Teams).FirstOrDefaultAsync(q => q.Id == existing, ct)) is null)
        {
            return new Outcome<QueueDto>.NotFound();
        }

        var errors = new FieldErrors();
        errors.Required("name", request.Name);
        errors.MaxLength("name", request.Name?.Trim(), 100);
        errors.MaxLength("description", request.Description, 1000);
        var strategy = AssignmentStrategy.RoundRobin;
        if (!string.IsNullOrWhiteSpace(request.Strategy) && !CaseRules.TryParse(request.Strategy, out strategy))
        {
            errors.Add("strategy", $"'{request.Strategy}' is not a valid strategy; use one of: {CaseRules.Allowed<AssignmentStrategy>()}.");
        }

        var skills = request.RequiredSkills ?? [];
        for (var i = 0; i < skills.Count; i++)
        {
            CheckSkill(errors, $"requiredSkills[{i}]", skills[i]?.Skill, skills[i]?.MinLevel ?? 0);
        }

        if (request.ReassignAfterMinutes is < 1 or > 100_000)
        {
            errors.Add("reassignAfterMinutes", "Must be between 1 and 100000 business minutes, or null to never take a case back.");
        }

        if (request.MaxHops is < 0 or > 100)
        {
            errors.Add("maxHops", "Must be between 0 and 100.");
        }

        var teamIds = (request.TeamIds ?? []).Distinct().ToList();
        var knownTeams = await db.Teams.Where(t => teamIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
        foreach (var unknown in teamIds.Except(knownTeams))
        {
            errors.Add("teamIds", $"No team has the id '{unknown}'.");
        }

        var name = request.Name?.Trim() ?? "";
        if (name.Length > 0 && await db.Queues.AnyAsync(q => q.Name == name && q.Id != id, ct))
        {
            errors.Add("name", $"A queue named '{name}' already exists.");
        }

        if (queue is not null && request.Version is null)
        {
            errors.Add("version", "'version' is required when changing a queue.");
        }

        if (queue is { IsDefault: true } && !request.IsDefault)
        {
            errors.Add("isDefault", "One queue must be the default; make another queue the default instead.");
        }

        if (errors.Any)
        {
            return errors;
        }

        if (queue is not null && queue.Version != request.Version)
        {
            return new Outcome<QueueDto>.Conflict($"Queue '{queue.Name}' was changed by someone else (your version {request.Version}, current {queue.Version}).");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (queue is null)
        {
            queue = new WorkQueue { Name = name, CreatedAt = now };
            db.Queues.Add(queue);
        }
        else
        {
            queue.Version++;
        }

        queue.Name = name;
        queue.Description = request.Description?.Trim() ?? "";
        queue.Strategy = strategy;
        queue.RequiredSkills = skills.Select(s => new SkillRequirement(s.Skill.Trim().ToLowerInvariant(), s.MinLevel)).ToList();
        queue.WeighByPriority = request.WeighByPriority;
        queue.ReassignAfterMinutes = request.ReassignAfterMinutes;
        queue.MaxHops = request.MaxHops ?? 3;
        queue.UpdatedAt = now;
        queue.Teams.RemoveAll(t => !teamIds.Contains(t.TeamId));
        foreach (var teamId in teamIds.Where(t => queue.Teams.All(qt => qt.TeamId != t)))
        {
            var link = new QueueTeam { QueueId = queue.Id, TeamId = teamId };
            queue.Teams.Add(link);
            db.QueueTeams.Add(link);
        }

        if (request.IsDefault && !queue.IsDefault)
        {
            await db.Queues.Where(q => q.IsDefault && q.Id != queue.Id).ExecuteUpdateAsync(s => s.SetProperty(q => q.IsDefault, false), ct);
            queue.IsDefault = true;
        }

        await db.SaveChangesAsync(ct);
        router.ForgetRules();
        return new Outcome<QueueDto>.Ok(ToDto(queue));
    }

    public async Task<Outcome<bool>> DeleteQueueAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var queue = await db.Queues.FirstOrDefaultAsync(q => q.Id == id, ct);
        if (queue is null)
        {
            return new Outcome<bool>.NotFound();
        }

        if (queue.IsDefault)
        {
            return new Outcome<bool>.Conflict("The default queue cannot be deleted; make another queue the default first.");
        }

        var rules = await db.RoutingRules.Where(r => r.QueueId == id).Select(r => r.Name).ToListAsync(ct);
        if (rules.Count > 0)
        {
            return new Outcome<bool>.Conflict($"Routing rules still send cases to this queue: {string.Join(", ", rules)}.");
        }

        var waiting = await db.Cases.CountAsync(c => c.QueueId == id && c.Status!.Category < StatusCategory.Resolved, ct);
        if (waiting > 0)
        {
            return new Outcome<bool>.Conflict($"{waiting} open cases are in this queue; move or resolve them first.");
        }

        await db.Cases.Where(c => c.QueueId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.QueueId, (Guid?)null), ct);
        db.Queues.Remove(queue);
        await db.SaveChangesAsync(ct);
        router.ForgetRules();
        return new Outcome<bool>.Ok(true);
    }

    public async Task<IReadOnlyList<RoutingRuleDto>> RulesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rules = await db.RoutingRules.AsNoTracking().OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
        return rules.Select(ToDto).ToList();
    }

    public async Task<Outcome<RoutingRuleDto>> SaveRuleAsync(Guid? id, RoutingRuleRequest request, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        RoutingRule? rule = null;
        if (id is { } existing && (rule = await db.RoutingRules.FirstOrDefaultAsync(r => r.Id == existing, ct)) is null)
        {
            return new Outcome<RoutingRuleDto>.NotFound();
        }

        var errors = new FieldErrors();
        errors.Required("name", request.Name);
        errors.MaxLength("name", request.Name?.Trim(), 200);
        if (request.QueueId is null)
        {
            errors.Add("queueId", "'queueId' is required.");
        }
        else if (!await db.Queues.AnyAsync(q => q.Id == request.QueueId, ct))
        {
            errors.Add("queueId", $"No queue has the id '{request.QueueId}'.");
        }

        var known = new KnownReferences(
            (await db.Categories.Select(c => c.Id).ToListAsync(ct)).ToHashSet(),
            (await db.Teams.Select(t => t.Id).ToListAsync(ct)).ToHashSet());
        RoutingConditions.Compile(request.Conditions, "conditions", known, errors);
        if (rule is not null && request.Version is null)
        {
            errors.Add("version", "'version' is required when changing a rule.");
        }

        if (errors.Any)
        {
            return errors;
        }

        if (rule is not null && rule.Version != request.Version)
        {
            return new Outcome<RoutingRuleDto>.Conflict($"Rule '{rule.Name}' was changed by someone else (your version {request.Version}, current {rule.Version}).");
        }

        if (rule is null)
        {
            rule = new RoutingRule { Name = "" };
            db.RoutingRules.Add(rule);
            rule.Position = request.Position ?? (await db.RoutingRules.MaxAsync(r => (int?)r.Position, ct) ?? 0) + 10;
        }
        else
        {
            rule.Version++;
            rule.Position = request.Position ?? rule.Position;
        }

        rule.Name = request.Name!.Trim();
        rule.IsActive = request.IsActive;
        rule.QueueId = request.QueueId!.Value;
        rule.Conditions = request.Conditions?.Select(c => c with { Field = c.Field.Trim(), Operator = c.Operator.Trim() }).ToList() ?? [];
        rule.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        router.ForgetRules();
        return new Outcome<RoutingRuleDto>.Ok(ToDto(rule));
    }

    public async Task<bool> DeleteRuleAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var deleted = await db.RoutingRules.Where(r => r.Id == id).ExecuteDeleteAsync(ct) > 0;
        router.ForgetRules();
        return deleted;
    }

    public async Task<AgentProfileDto?> ProfileAsync(Guid userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Users.AnyAsync(u => u.Id == userId, ct))
        {
            return null;
        }

        var profile = await db.AgentProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, ct) ?? new AgentProfile { UserId = userId };
        return ToDto(profile);
    }

    /// <summary>The saved routing profiles of active users: only they are routed cases.</summary>
    public async Task<IReadOnlyList<AgentProfileDto>> ProfilesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var profiles = await db.AgentProfiles.AsNoTracking().Where(p => p.User!.IsActive).ToListAsync(ct);
        return profiles.Select(ToDto).ToList();
    }

    /// <summary>The profile a user starts from before one is saved for them.</summary>
    public static AgentProfileDto DefaultProfile(Guid userId) => ToDto(new AgentProfile { UserId = userId });

    public async Task<Outcome<AgentProfileDto>> SaveProfileAsync(Guid userId, AgentProfileRequest request, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Users.AnyAsync(u => u.Id == userId, ct))
        {
            return new Outcome<AgentProfileDto>.NotFound();
        }

        var errors = new FieldErrors();
        foreach (var (skill, level) in request.Skills ?? [])
        {
            CheckSkill(errors, $"skills.{skill}", skill, level);
        }

        if (request.Capacity is < 1 or > 1000)
        {
            errors.Add("capacity", "Must be between 1 and 1000.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var profile = await db.AgentProfiles.FirstOrDefaultAsync(p => p.UserId == userId, ct);
        if (profile is null)
        {
            db.AgentProfiles.Add(profile = new AgentProfile { UserId = userId });
        }

        if (request.Skills is not null)
        {
            profile.Skills = request.Skills.ToDictionary(s => s.Key.Trim().ToLowerInvariant(), s => s.Value);
        }

        profile.Capacity = request.Capacity ?? profile.Capacity;
        await db.SaveChangesAsync(ct);
        signals.AgentAvailable(userId); // more capacity or new skills may fit waiting cases
        return new Outcome<AgentProfileDto>.Ok(ToDto(profile));
    }

    /// <summary>Skills read <c>kind:value</c> (language:fa, product:crm) or a single word; levels are 1–5.</summary>
    private static void CheckSkill(FieldErrors errors, string path, string? skill, int level)
    {
        if (string.IsNullOrWhiteSpace(skill) || !SkillName().IsMatch(skill.Trim()))
        {
            errors.Add(path, $"'{skill}' is not a valid skill; use letters, digits and dashes, optionally as kind:value (e.g. language:fa).");
        }

        if (level is < 1 or > MaxSkillLevel)
        {
            errors.Add(path, $"The level must be between 1 and {MaxSkillLevel}.");
        }
    }

    [GeneratedRegex(@"^[\p{L}\p{N}_-]{1,40}(:[\p{L}\p{N}_.-]{1,60})?$")]
    private static partial Regex SkillName();

    private static QueueDto ToDto(WorkQueue q) => new(
        q.Id, q.Name, q.Description, q.Strategy, q.RequiredSkills, q.WeighByPriority, q.ReassignAfterMinutes, q.MaxHops,
        q.Teams.Select(t => t.TeamId).ToList(), q.IsDefault, q.Version);

    private static RoutingRuleDto ToDto(RoutingRule r) => new(r.Id, r.Name, r.Position, r.IsActive, r.Conditions, r.QueueId, r.Version);

    private static AgentProfileDto ToDto(AgentProfile p) => new(p.UserId, p.Skills, p.Capacity, p.Presence, p.LastAssignedAt);
}
