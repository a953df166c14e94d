using System.Text.Json;
using System.Text.Json.Serialization;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Auditing;

namespace Pishkhan.Features.Sla;

/// <summary>
/// An SLA policy as admins edit it. Policies are checked in <see cref="Position"/> order and the first whose conditions
/// all match the case applies; a policy without conditions matches every case, so it is the fallback (put it last).
/// Conditions, targets, pause statuses and the escalation ladder are stored as JSON text (like a calendar's definition):
/// they are always read and written whole, and every change is in the audit history.
/// </summary>
public sealed class SlaPolicy : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>1-based order: the first matching active policy wins.</summary>
    public int Position { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>The business calendar; null means the default calendar (whichever is default when the clock runs).</summary>
    public Guid? CalendarId { get; set; }

    /// <summary>Round the clock (UTC, every day 00:00–24:00) instead of a business calendar; then <see cref="CalendarId"/> is null.</summary>
    public bool Is24x7 { get; set; }

    /// <summary>Notifications raised while the calendar is closed wait until it opens (no 3 a.m. messages).</summary>
    public bool HoldNotificationsUntilOpen { get; set; }

    /// <summary>JSON of <see cref="SlaConditions"/>.</summary>
    public string Conditions { get; set; } = "{}";

    /// <summary>JSON array of <see cref="SlaTargetRow"/>.</summary>
    public string Targets { get; set; } = "[]";

    /// <summary>JSON array of status ids that pause the clock; null means every status in the Waiting category.</summary>
    public string? PauseStatusIds { get; set; }

    /// <summary>JSON array of <see cref="SlaEscalationLevel"/>.</summary>
    public string Escalations { get; set; } = "[]";

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public SlaPolicyRules ToRules() => new(
        Id,
        Name,
        Position,
        IsActive,
        CalendarId,
        Is24x7,
        HoldNotificationsUntilOpen,
        JsonSerializer.Deserialize<SlaConditions>(Conditions, JsonOptions) ?? new SlaConditions(),
        JsonSerializer.Deserialize<List<SlaTargetRow>>(Targets, JsonOptions) ?? [],
        PauseStatusIds is null ? null : JsonSerializer.Deserialize<List<Guid>>(PauseStatusIds, JsonOptions),
        JsonSerializer.Deserialize<List<SlaEscalationLevel>>(Escalations, JsonOptions) ?? [],
        Version);
}

/// <summary>
/// What a case must have for a policy to apply. Every non-empty list must match (AND across fields); within a list any
/// value may match (OR). A category matches the case's category or any of its ancestors; products, tiers and tags
/// compare case-insensitively.
/// </summary>
public sealed record SlaConditions
{
    public IReadOnlyList<Priority> Priorities { get; init; } = [];
    public IReadOnlyList<Guid> CategoryIds { get; init; } = [];
    public IReadOnlyList<CaseChannel> Channels { get; init; } = [];
    public IReadOnlyList<string> Products { get; init; } = [];
    public IReadOnlyList<string> AccountTiers { get; init; } = [];
    public IReadOnlyList<string> ContactTags { get; init; } = [];
    public IReadOnlyList<Guid> TeamIds { get; init; } = [];

    [JsonIgnore]
    public bool IsEmpty => Priorities.Count + CategoryIds.Count + Channels.Count + Products.Count + AccountTiers.Count + ContactTags.Count + TeamIds.Count == 0;
}

/// <summary>
/// One cell of the priority × metric grid: the target in business minutes and its warning point, either minutes before
/// the deadline or a percentage of the target elapsed (neither: 80%).
/// </summary>
public sealed record SlaTargetRow(Priority Priority, SlaMetric Metric, int Minutes, int? WarnMinutesBefore = null, int? WarnPercent = null);

public enum SlaLevelTrigger
{
    /// <summary>When the warning point is reached.</summary>
    Warning = 1,

    /// <summary>When the target is breached.</summary>
    Breach = 2,

    /// <summary><see cref="SlaEscalationLevel.AfterBreachMinutes"/> business minutes after the breach.</summary>
    AfterBreach = 3,
}

/// <summary>One rung of the escalation ladder: when, for which metrics (empty: all), and what to do.</summary>
public sealed record SlaEscalationLevel(SlaLevelTrigger Trigger, IReadOnlyList<SlaAction> Actions, int? AfterBreachMinutes = null)
{
    public IReadOnlyList<SlaMetric> Metrics { get; init; } = [];

    public bool AppliesTo(SlaMetric metric) => Metrics.Count == 0 || Metrics.Contains(metric);
}

public enum SlaActionKind
{
    NotifyOwner = 1,
    NotifyTeamLead = 2,
    NotifyUser = 3,
    ReassignToUser = 4,
    ReassignToTeam = 5,
    RaisePriority = 6,
    AddTag = 7,
    CreateTask = 8,
}

/// <summary>One escalation action; <see cref="UserId"/>, <see cref="TeamId"/>, <see cref="Tag"/> or <see cref="Title"/> as its kind needs.</summary>
public sealed record SlaAction(SlaActionKind Kind, Guid? UserId = null, Guid? TeamId = null, string? Tag = null, string? Title = null);

/// <summary>A policy read from its record, JSON parsed: what selection, the clock and the sweeper work with.</summary>
public sealed record SlaPolicyRules(
    Guid Id,
    string Name,
    int Position,
    bool IsActive,
    Guid? CalendarId,
    bool Is24x7,
    bool HoldNotificationsUntilOpen,
    SlaConditions Conditions,
    IReadOnlyList<SlaTargetRow> Targets,
    IReadOnlyList<Guid>? PauseStatusIds,
    IReadOnlyList<SlaEscalationLevel> Escalations,
    int Version)
{
    /// <summary>The breach + N offsets, in order, that the ladder has for a metric.</summary>
    public IReadOnlyList<int> AfterBreachMinutes(SlaMetric metric) =>
        [.. Escalations.Where(e => e.Trigger == SlaLevelTrigger.AfterBreach && e.AppliesTo(metric) && e.AfterBreachMinutes > 0)
            .Select(e => e.AfterBreachMinutes!.Value).Distinct().Order()];
}
