using Pishkhan.Features.Identity;

namespace Pishkhan.Features.Routing;

/// <summary>
/// A line of work that cases wait in until an agent takes them (صف). Agents of the queue are the active members of
/// its teams who have an <see cref="AgentProfile"/>; the queue's strategy chooses among the available ones.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A support queue is the domain's word; this is a record, not a collection.")]
public sealed class WorkQueue
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public AssignmentStrategy Strategy { get; set; } = AssignmentStrategy.RoundRobin;

    /// <summary>Skills an agent needs to take this queue's cases, e.g. language:fa at level 3 or above.</summary>
    public List<SkillRequirement> RequiredSkills { get; set; } = [];

    /// <summary>When true a case uses capacity by priority (Critical 3, High 2, else 1); otherwise each case counts 1.</summary>
    public bool WeighByPriority { get; set; }

    /// <summary>
    /// Business minutes (on the owner's shift calendar) an assignee has to accept or answer before the case goes back
    /// to the queue; null never takes it back.
    /// </summary>
    public int? ReassignAfterMinutes { get; set; }

    /// <summary>After this many returns to the queue the case is escalated to a supervisor instead of going round again.</summary>
    public int MaxHops { get; set; } = 3;

    /// <summary>Catches every case that no routing rule sends elsewhere; exactly one queue is the default.</summary>
    public bool IsDefault { get; set; }

    public List<QueueTeam> Teams { get; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>A team whose members work a queue.</summary>
public sealed class QueueTeam
{
    public Guid QueueId { get; set; }
    public WorkQueue? Queue { get; set; }
    public Guid TeamId { get; set; }
    public Team? Team { get; set; }
}

/// <summary>Sends matching cases to a queue; rules are tried by <see cref="Position"/> and the first match wins.</summary>
public sealed class RoutingRule
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public int Position { get; set; }
    public bool IsActive { get; set; } = true;
    public List<RoutingCondition> Conditions { get; set; } = [];
    public Guid QueueId { get; set; }
    public WorkQueue? Queue { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>How an agent takes work: skills with proficiency 1–5, capacity, presence; their shift is their user calendar.</summary>
public sealed class AgentProfile
{
    public Guid UserId { get; set; }
    public AppUser? User { get; set; }
    public Dictionary<string, int> Skills { get; set; } = [];

    /// <summary>The most active cases (or weight, when a queue weighs by priority) this agent holds at once.</summary>
    public int Capacity { get; set; } = 5;

    public Presence Presence { get; set; } = Presence.Offline;
    public DateTime? PresenceChangedAt { get; set; }

    /// <summary>Round robin's memory: the agent whose last assignment is oldest goes next.</summary>
    public DateTime? LastAssignedAt { get; set; }
}
