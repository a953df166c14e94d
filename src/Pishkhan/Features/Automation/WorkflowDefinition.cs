using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pishkhan.Features.Automation;

/// <summary>
/// What a workflow does, as stored (JSON) in a <see cref="WorkflowVersion"/>: one trigger, an optional condition tree
/// and the steps. Steps run in order; a step's named outcome may jump elsewhere (<see cref="StepDefinition.On"/>), and
/// <see cref="StepDefinition.Next"/> (a step id or <c>end</c>) replaces "the following step".
/// </summary>
public sealed record WorkflowDefinition
{
    /// <summary><c>background</c> (the default: after commit, from the outbox) or <c>realtime</c> (inside the change's transaction; see <see cref="WorkflowModes"/>).</summary>
    public string? Mode { get; init; }

    [JsonIgnore]
    public bool IsRealtime => Mode == WorkflowModes.Realtime;

    public TriggerDefinition? Trigger { get; init; }
    public ConditionNode? Conditions { get; init; }
    public List<StepDefinition>? Steps { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static WorkflowDefinition FromJson(string json) => JsonSerializer.Deserialize<WorkflowDefinition>(json, Json)!;
}

/// <summary>
/// Where a workflow runs. A real-time one (a validation rule, قاعدهٔ اعتبارسنجی) runs inside the transaction of the case
/// change that triggers it, against the proposed values, and may reject the change; it may only use steps that touch
/// nothing outside the database (<see cref="RealtimeSteps"/>) and the triggers of a save (<see cref="RealtimeTriggers"/>).
/// </summary>
public static class WorkflowModes
{
    public const string Background = "background";
    public const string Realtime = "realtime";

    public static readonly IReadOnlyList<string> All = [Background, Realtime];

    public static readonly IReadOnlyList<string> RealtimeTriggers = [TriggerTypes.Created, TriggerTypes.Updated, TriggerTypes.StatusChanged, TriggerTypes.Assigned];

    public static readonly IReadOnlyList<string> RealtimeSteps = [StepTypes.SetField, StepTypes.AddTag, StepTypes.RemoveTag, StepTypes.Reject];
}

/// <summary>Trigger types; see docs/automation.md for each one's options.</summary>
public static class TriggerTypes
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string StatusChanged = "statusChanged";
    public const string Assigned = "assigned";
    public const string Deleted = "deleted";
    public const string SlaWarning = "slaWarning";
    public const string SlaBreached = "slaBreached";
    public const string MessageReceived = "messageReceived";
    public const string Scheduled = "scheduled";
    public const string Relative = "relative";

    /// <summary>The customer answered (or changed) the case's satisfaction survey; the rating is <c>satisfaction.rating</c>.</summary>
    public const string SatisfactionRated = "satisfactionRated";

    public static readonly IReadOnlyList<string> All = [Created, Updated, StatusChanged, Assigned, Deleted, SlaWarning, SlaBreached, MessageReceived, Scheduled, Relative, SatisfactionRated];
}

public sealed record TriggerDefinition
{
    public string? Type { get; init; }

    /// <summary><c>updated</c>: only when one of these fields changed (none: any field).</summary>
    public List<string>? Fields { get; init; }

    /// <summary><c>updated</c> / <c>statusChanged</c>: the (first) field's value before and after must equal these.</summary>
    public string? From { get; init; }

    public string? To { get; init; }

    /// <summary><c>scheduled</c>: a five-field cron expression, evaluated in the calendar's time zone.</summary>
    public string? Cron { get; init; }

    /// <summary><c>scheduled</c> / <c>relative</c>: the calendar (id); none is the default calendar.</summary>
    public Guid? CalendarId { get; init; }

    /// <summary><c>scheduled</c>: fire only while the calendar is open.</summary>
    public bool OnlyWhileOpen { get; init; }

    /// <summary><c>relative</c>: the date field, e.g. <c>createdAt</c>.</summary>
    public string? Field { get; init; }

    /// <summary><c>relative</c>: how long after (negative: before) the field's value.</summary>
    public DurationDefinition? Offset { get; init; }

    /// <summary>Let the workflow's own changes trigger it again (off by default: loop protection).</summary>
    public bool IncludeOwnChanges { get; init; }
}

/// <summary>A length of time: wall-clock parts and business parts (counted on <see cref="CalendarId"/> or the default calendar).</summary>
public sealed record DurationDefinition
{
    public int Minutes { get; init; }
    public int Hours { get; init; }
    public int Days { get; init; }
    public int BusinessMinutes { get; init; }
    public int BusinessHours { get; init; }
    public Guid? CalendarId { get; init; }

    [JsonIgnore]
    public bool IsBusiness => BusinessMinutes != 0 || BusinessHours != 0;

    [JsonIgnore]
    public TimeSpan WallClock => TimeSpan.FromMinutes(Minutes) + TimeSpan.FromHours(Hours) + TimeSpan.FromDays(Days);

    [JsonIgnore]
    public TimeSpan Business => TimeSpan.FromMinutes(BusinessMinutes) + TimeSpan.FromHours(BusinessHours);
}

/// <summary>
/// A node of a condition tree: exactly one of <c>all</c>, <c>any</c>, <c>not</c>, a comparison (<c>field</c>, <c>op</c>,
/// <c>value</c>) or a calendar check (<c>calendar</c>: an id or <c>default</c>, <c>is</c>: <c>open</c> / <c>closed</c>).
/// </summary>
public sealed record ConditionNode
{
    public List<ConditionNode>? All { get; init; }
    public List<ConditionNode>? Any { get; init; }
    public ConditionNode? Not { get; init; }
    public string? Field { get; init; }
    public string? Op { get; init; }
    public JsonElement? Value { get; init; }
    public string? Calendar { get; init; }
    public string? Is { get; init; }

    private ConditionNode(ConditionNode original)
    {
        // A copy (with { ... }) compiles its own constants: the cache below is not copied.
        All = original.All;
        Any = original.Any;
        Not = original.Not;
        Field = original.Field;
        Op = original.Op;
        Value = original.Value;
        Calendar = original.Calendar;
        Is = original.Is;
    }

    public ConditionNode()
    {
    }

    private ConditionConstant? _constant;

    /// <summary>
    /// <see cref="Value"/> read once (text, number, date or "now ± offset", list): definitions are cached per version, so
    /// evaluating a condition does not parse its value again. Built on first use; a race builds the same value twice.
    /// </summary>
    internal ConditionConstant Constant => _constant ??= ConditionConstant.Of(Value);
}

/// <summary>Step types; see docs/automation.md for their options and outcomes.</summary>
public static class StepTypes
{
    public const string SetField = "setField";
    public const string AddTag = "addTag";
    public const string RemoveTag = "removeTag";
    public const string Assign = "assign";
    public const string Notify = "notify";
    public const string CreateTask = "createTask";
    public const string Webhook = "webhook";
    public const string Wait = "wait";
    public const string Approval = "approval";
    public const string CreateRecord = "createRecord";
    public const string Reply = "reply";
    public const string Sms = "sms";
    public const string SendEmail = "sendEmail";

    /// <summary>Real-time workflows only: refuse the change with <see cref="StepDefinition.Message"/>.</summary>
    public const string Reject = "reject";

    public static readonly IReadOnlyList<string> All = [SetField, AddTag, RemoveTag, Assign, Notify, CreateTask, Webhook, Wait, Approval, CreateRecord, Reply, Sms, SendEmail, Reject];

    /// <summary>The outcomes each type can end with ("ok" is the plain one and follows <c>next</c>).</summary>
    public static IReadOnlyList<string> OutcomesOf(string type) => type switch
    {
        Webhook => ["ok", "failed"],
        Wait => ["ok", "timeout"],
        Approval => ["approved", "rejected", "timeout"],
        _ => ["ok"],
    };
}

public sealed record StepDefinition
{
    public string? Id { get; init; }
    public string? Type { get; init; }

    /// <summary>The step after an "ok" (or any outcome without its own <see cref="On"/> entry): a step id or <c>end</c>.</summary>
    public string? Next { get; init; }

    /// <summary>Outcome name → step id (or <c>end</c>).</summary>
    public Dictionary<string, string>? On { get; init; }

    // setField / addTag / removeTag
    public string? Field { get; init; }
    public JsonElement? Value { get; init; }
    public string? Tag { get; init; }

    // assign / notify / approval
    public Guid? UserId { get; init; }
    public Guid? TeamId { get; init; }
    public Guid? QueueId { get; init; }
    public List<Guid>? UserIds { get; init; }

    /// <summary>notify: <c>owner</c>, <c>teamLeads</c>; approval: a role (<c>supervisor</c>, <c>admin</c>).</summary>
    public string? To { get; init; }
    public string? Role { get; init; }

    // notify / createTask / reply / sms / createRecord: Liquid templates over the record
    public string? Title { get; init; }
    public string? Body { get; init; }

    // createTask: due after a duration, or at the calendar's next opening
    public DurationDefinition? DueIn { get; init; }
    public bool DueAtNextOpening { get; init; }

    // webhook
    public string? Url { get; init; }
    public JsonElement? Payload { get; init; }
    public string? Secret { get; init; }
    public int? MaxAttempts { get; init; }
    public int? BackoffSeconds { get; init; }

    // wait: a duration, until a date field, or until a condition; each with an optional timeout
    public DurationDefinition? Duration { get; init; }
    public string? UntilField { get; init; }
    public ConditionNode? Until { get; init; }
    public DurationDefinition? Timeout { get; init; }

    // sendEmail: an email template's key, and optionally the language (else the contact's)
    public string? Template { get; init; }
    public string? Language { get; init; }

    // createRecord
    public string? RecordType { get; init; }
    public string? Subject { get; init; }

    /// <summary>reject: what the person (or API client) making the change is told, in Persian and English.</summary>
    public LocalizedMessage? Message { get; init; }
}

/// <summary>A text in both languages of the product.</summary>
public sealed record LocalizedMessage
{
    public string? Fa { get; init; }
    public string? En { get; init; }

    /// <summary>The Persian or English text (falling back to the other when one is empty).</summary>
    public string For(bool persian) => (persian ? Fa : En) is { Length: > 0 } text ? text : (persian ? En : Fa) ?? "";
}
