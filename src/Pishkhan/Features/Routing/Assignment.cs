using Pishkhan.Features.Cases;

namespace Pishkhan.Features.Routing;

/// <summary>How a queue chooses among the available agents who have the skills a case needs.</summary>
public enum AssignmentStrategy
{
    /// <summary>The agent whose last assignment is oldest (never assigned first); ties by id.</summary>
    RoundRobin = 1,

    /// <summary>The lowest load as a share of capacity; ties as round robin.</summary>
    LeastLoaded = 2,

    /// <summary>The highest total proficiency in the required skills; ties as least loaded.</summary>
    MostSkilled = 3,
}

/// <summary>Whether an agent takes work now; kept across refreshes and restarts.</summary>
public enum Presence
{
    Offline = 0,
    Away = 1,
    Online = 2,
}

/// <summary>A skill a queue requires, e.g. <c>language:fa</c> at level 3 or above (levels are 1–5).</summary>
public sealed record SkillRequirement(string Skill, int MinLevel);

/// <summary>
/// An agent as routing sees them at one instant. <see cref="Load"/> is the weight of their active cases (see
/// <see cref="CaseWeights"/>); <see cref="InShift"/> comes from their shift calendar.
/// </summary>
public sealed record AgentSnapshot(
    Guid Id,
    Presence Presence,
    bool InShift,
    int Capacity,
    int Load,
    IReadOnlyDictionary<string, int> Skills,
    DateTime? LastAssignedAt);

/// <summary>How much of an agent's capacity a case takes: 1 each, or by priority when the queue weighs them.</summary>
public static class CaseWeights
{
    /// <summary>With weighting: Critical 3, High 2, Medium and Low 1.</summary>
    public static int Of(Priority priority, bool weighted) => !weighted ? 1 : priority switch
    {
        Priority.Critical => 3,
        Priority.High => 2,
        _ => 1,
    };
}

/// <summary>Chooses the agent for one case; pure, so the same inputs always give the same agent.</summary>
public static class AgentPicker
{
    /// <summary>Online, inside the shift, and with room for a case of this weight.</summary>
    public static bool IsAvailable(AgentSnapshot agent, int caseWeight) =>
        agent.Presence == Presence.Online && agent.InShift && agent.Load + caseWeight <= agent.Capacity;

    public static bool HasSkills(AgentSnapshot agent, IReadOnlyList<SkillRequirement> required)
    {
        foreach (var need in required)
        {
            if (!agent.Skills.TryGetValue(need.Skill, out var level) || level < need.MinLevel)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The agent to take a case of <paramref name="caseWeight"/>, or null when nobody can (it waits in the queue).</summary>
    public static AgentSnapshot? Choose(
        AssignmentStrategy strategy, IReadOnlyList<SkillRequirement> required, int caseWeight, IReadOnlyList<AgentSnapshot> agents)
    {
        AgentSnapshot? best = null;
        foreach (var agent in agents)
        {
            if (!IsAvailable(agent, caseWeight) || !HasSkills(agent, required))
            {
                continue;
            }

            if (best is null || Better(strategy, required, agent, best))
            {
                best = agent;
            }
        }

        return best;
    }

    private static bool Better(AssignmentStrategy strategy, IReadOnlyList<SkillRequirement> required, AgentSnapshot a, AgentSnapshot b)
    {
        if (strategy == AssignmentStrategy.MostSkilled)
        {
            var skill = SkillScore(a, required).CompareTo(SkillScore(b, required));
            if (skill != 0)
            {
                return skill > 0;
            }
        }

        if (strategy is AssignmentStrategy.LeastLoaded or AssignmentStrategy.MostSkilled)
        {
            // a.Load / a.Capacity < b.Load / b.Capacity, without division (capacities are at least 1).
            var share = ((long)a.Load * b.Capacity).CompareTo((long)b.Load * a.Capacity);
            if (share != 0)
            {
                return share < 0;
            }
        }

        var last = Nullable.Compare(a.LastAssignedAt, b.LastAssignedAt);
        return last != 0 ? last < 0 : a.Id.CompareTo(b.Id) < 0;
    }

    private static int SkillScore(AgentSnapshot agent, IReadOnlyList<SkillRequirement> required)
    {
        if (required.Count == 0)
        {
            return agent.Skills.Values.Sum();
        }

        var score = 0;
        foreach (var need in required)
        {
            score += agent.Skills.GetValueOrDefault(need.Skill);
        }

        return score;
    }
}

/// <summary>A routing rule ready to evaluate: conditions compiled once, when the rules are loaded.</summary>
public sealed record CompiledRoutingRule(Guid Id, string Name, Guid QueueId, Func<CaseFacts, bool> Matches);

/// <summary>Sends a case to a queue: the first rule (by position) whose conditions all hold, else the default queue.</summary>
public static class QueueRouter
{
    public static (Guid QueueId, Guid? RuleId) Choose(CaseFacts facts, IReadOnlyList<CompiledRoutingRule> rules, Guid defaultQueueId)
    {
        foreach (var rule in rules)
        {
            if (rule.Matches(facts))
            {
                return (rule.QueueId, rule.Id);
            }
        }

        return (defaultQueueId, null);
    }
}
