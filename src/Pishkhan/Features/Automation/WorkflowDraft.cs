using System.Globalization;
using System.Text.Json;

namespace Pishkhan.Features.Automation;

/// <summary>One amount in one unit, as the builder edits a duration ("4 business hours", "2 days before").</summary>
public sealed class DraftDuration
{
    public static readonly IReadOnlyList<string> Units = ["minutes", "hours", "days", "businessMinutes", "businessHours"];

    public int Amount { get; set; }
    public string Unit { get; set; } = "hours";

    public DurationDefinition? ToDefinition() => Amount == 0 ? null : Unit switch
    {
        "minutes" => new DurationDefinition { Minutes = Amount },
        "days" => new DurationDefinition { Days = Amount },
        "businessMinutes" => new DurationDefinition { BusinessMinutes = Amount },
        "businessHours" => new DurationDefinition { BusinessHours = Amount },
        _ => new DurationDefinition { Hours = Amount },
    };

    /// <summary>The duration as one amount and unit; null when it mixes units or names a calendar (the JSON editor shows those).</summary>
    public static DraftDuration? From(DurationDefinition? d)
    {
        if (d is null)
        {
            return new DraftDuration();
        }

        var parts = new (int Amount, string Unit)[] { (d.Minutes, "minutes"), (d.Hours, "hours"), (d.Days, "days"), (d.BusinessMinutes, "businessMinutes"), (d.BusinessHours, "businessHours") }
            .Where(p => p.Amount != 0).ToList();
        return d.CalendarId is not null || parts.Count > 1 ? null
            : parts.Count == 0 ? new DraftDuration() : new DraftDuration { Amount = parts[0].Amount, Unit = parts[0].Unit };
    }
}

/// <summary>One line of the builder's condition list: a comparison, or a calendar check when <see cref="Calendar"/> is set.</summary>
public sealed class DraftCondition
{
    public string Field { get; set; } = "priority";
    public string Op { get; set; } = Ops.EqualsOp;

    /// <summary>The value as typed; for <c>in</c>, comma-separated. Numbers stay numbers.</summary>
    public string Value { get; set; } = "";

    /// <summary>The value was a number in the definition it came from.</summary>
    public bool Numeric { get; set; }

    /// <summary>"default" or a calendar id: this line is "now the calendar is <see cref="Is"/>".</summary>
    public string? Calendar { get; set; }
    public string Is { get; set; } = "closed";

    public ConditionNode ToNode() => Calendar is { Length: > 0 } calendar
        ? new ConditionNode { Calendar = calendar, Is = Is }
        : new ConditionNode { Field = Field.Trim(), Op = Op, Value = Ops.IsUnary(Op) ? null : ValueElement() };

    private JsonElement ValueElement()
    {
        var text = Value.Trim();
        if (Op == Ops.In)
        {
            return JsonSerializer.SerializeToElement(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        // "greater/less than 3" compares numbers; elsewhere a number stays one only if the definition had it so.
        return (Numeric || Op is Ops.GreaterThan or Ops.LessThan) && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
            ? JsonSerializer.SerializeToElement(number)
            : JsonSerializer.SerializeToElement(text);
    }

    public static DraftCondition? From(ConditionNode node)
    {
        if (node.All is not null || node.Any is not null || node.Not is not null)
        {
            return null;
        }

        if (node.Calendar is not null)
        {
            return new DraftCondition { Calendar = node.Calendar, Is = node.Is ?? "closed" };
        }

        string? value = node.Value switch
        {
            null => "",
            { ValueKind: JsonValueKind.String } v => v.GetString(),
            { ValueKind: JsonValueKind.Number } v => v.GetRawText(),
            { ValueKind: JsonValueKind.True or JsonValueKind.False } v => v.GetRawText(),
            { ValueKind: JsonValueKind.Array } v when v.EnumerateArray().All(e => e.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                => string.Join(", ", v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
            _ => null,
        };
        return value is null ? null : new DraftCondition
        {
            Field = node.Field ?? "",
            Op = node.Op ?? Ops.EqualsOp,
            Value = value,
            Numeric = node.Value?.ValueKind == JsonValueKind.Number,
        };
    }
}

/// <summary>One step of the builder: a type and the few settings of that type; steps run in order (no branches).</summary>
public sealed class DraftStep
{
    /// <summary>The step's id (kept from the definition it came from, so run logs still name it); new steps get one on save.</summary>
    public string Id { get; set; } = "";
    public string Type { get; set; } = StepTypes.AddTag;
    public string Field { get; set; } = "";
    public string Value { get; set; } = "";
    public string Tag { get; set; } = "";

    /// <summary>assign: "user", "team" or "queue", with <see cref="TargetId"/>.</summary>
    public string Target { get; set; } = "queue";
    public string TargetId { get; set; } = "";

    /// <summary>notify: owner or teamLeads; approval: supervisor or admin.</summary>
    public string To { get; set; } = "owner";
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public DraftDuration Duration { get; set; } = new();
    public bool AtNextOpening { get; set; }
    public string Url { get; set; } = "";
    public string Secret { get; set; } = "";
    public string Template { get; set; } = "";
    public string MessageFa { get; set; } = "";
    public string MessageEn { get; set; } = "";

    /// <summary>A text setting as the definition holds it: trimmed, and absent when blank.</summary>
    internal static string? Text(string s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public StepDefinition ToDefinition(string id)
    {
        var step = new StepDefinition { Id = id, Type = Type };
        return Type switch
        {
            StepTypes.SetField => step with { Field = Text(Field), Value = JsonSerializer.SerializeToElement(Value) },
            StepTypes.AddTag or StepTypes.RemoveTag => step with { Tag = Text(Tag) },
            StepTypes.Assign => Guid.TryParse(TargetId, out var target)
                ? Target switch { "user" => step with { UserId = target }, "team" => step with { TeamId = target }, _ => step with { QueueId = target } }
                : step,
            StepTypes.Notify => step with { To = Text(To), Title = Text(Title), Body = Text(Body) },
            StepTypes.Reply or StepTypes.Sms => step with { Body = Text(Body) },
            StepTypes.SendEmail => step with { Template = Text(Template) },
            StepTypes.CreateTask => step with { Title = Text(Title), DueAtNextOpening = AtNextOpening, DueIn = AtNextOpening ? null : Duration.ToDefinition() },
            StepTypes.CreateRecord => step with { RecordType = "case", Subject = Text(Title) },
            StepTypes.Webhook => step with { Url = Text(Url), Secret = Text(Secret) },
            StepTypes.Wait => step with { Duration = Duration.ToDefinition() },
            StepTypes.Approval => step with { Role = Text(To), Timeout = Duration.ToDefinition() },
            StepTypes.Reject => step with { Field = Text(Field), Message = new LocalizedMessage { Fa = Text(MessageFa), En = Text(MessageEn) } },
            _ => step,
        };
    }

    public static DraftStep? From(StepDefinition s)
    {
        if (s.Next is not null || s.On is not null || s.Payload is not null || s.Until is not null || s.UntilField is not null
            || s.UserIds is { Count: > 0 } || s.Language is not null || s.MaxAttempts is not null || s.BackoffSeconds is not null
            || (s.Value is { } v && v.ValueKind != JsonValueKind.String))
        {
            return null; // branches and the rarer settings: the JSON editor shows them
        }

        var duration = DraftDuration.From(s.Type switch { StepTypes.CreateTask => s.DueIn, StepTypes.Approval => s.Timeout, _ => s.Duration });
        if (duration is null || (s.Type != StepTypes.Wait && s.Timeout is not null && s.Type != StepTypes.Approval))
        {
            return null;
        }

        return new DraftStep
        {
            Id = s.Id ?? "",
            Type = s.Type ?? "",
            Field = s.Field ?? "",
            Value = s.Value?.GetString() ?? "",
            Tag = s.Tag ?? "",
            Target = s.UserId is not null ? "user" : s.TeamId is not null ? "team" : "queue",
            TargetId = (s.UserId ?? s.TeamId ?? s.QueueId)?.ToString() ?? "",
            To = s.Type == StepTypes.Approval ? s.Role ?? "supervisor" : s.To ?? "owner",
            Title = (s.Type == StepTypes.CreateRecord ? s.Subject : s.Title) ?? "",
            Body = s.Body ?? "",
            Duration = duration,
            AtNextOpening = s.DueAtNextOpening,
            Url = s.Url ?? "",
            Secret = s.Secret ?? "",
            Template = s.Template ?? "",
            MessageFa = s.Message?.Fa ?? "",
            MessageEn = s.Message?.En ?? "",
        };
    }
}

/// <summary>
/// The visual builder's model of a workflow (سازندهٔ گردش‌کار): a trigger with its few options, a flat list of conditions
/// that must all (or any) hold, and steps that run in order. Pure: it turns into the same <see cref="WorkflowDefinition"/>
/// the JSON editor and the API save (and the same validation names any problem); <see cref="Of"/> gives null for a
/// definition it cannot show faithfully (nested conditions, branches, rarer settings), which stays in the JSON editor.
/// </summary>
public sealed class WorkflowDraft
{
    public string Mode { get; set; } = WorkflowModes.Background;
    public string Trigger { get; set; } = TriggerTypes.Created;

    /// <summary>updated: the fields, comma-separated (none = any).</summary>
    public string Fields { get; set; } = "";
    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public string Cron { get; set; } = "";
    public bool OnlyWhileOpen { get; set; }

    /// <summary>relative: the date field and the offset from it (negative = before).</summary>
    public string DateField { get; set; } = "createdAt";
    public DraftDuration Offset { get; set; } = new();
    public bool IncludeOwnChanges { get; set; }
    public bool MatchAny { get; set; }
    public List<DraftCondition> Conditions { get; } = [];
    public List<DraftStep> Steps { get; } = [];

    public WorkflowDefinition ToDefinition()
    {
        var fields = Fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var trigger = new TriggerDefinition { Type = Trigger, IncludeOwnChanges = IncludeOwnChanges };
        trigger = Trigger switch
        {
            TriggerTypes.Updated => trigger with { Fields = fields.Count == 0 ? null : fields, From = DraftStep.Text(From), To = DraftStep.Text(To) },
            TriggerTypes.StatusChanged => trigger with { From = DraftStep.Text(From), To = DraftStep.Text(To) },
            TriggerTypes.Scheduled => trigger with { Cron = DraftStep.Text(Cron), OnlyWhileOpen = OnlyWhileOpen },
            TriggerTypes.Relative => trigger with { Field = DraftStep.Text(DateField), Offset = Offset.ToDefinition() },
            _ => trigger,
        };
        var nodes = Conditions.Select(c => c.ToNode()).ToList();
        return new WorkflowDefinition
        {
            Mode = Mode == WorkflowModes.Realtime ? WorkflowModes.Realtime : null,
            Trigger = trigger,
            Conditions = nodes.Count == 0 ? null : MatchAny ? new ConditionNode { Any = nodes } : new ConditionNode { All = nodes },
            Steps = [.. Steps.Select((s, i) => s.ToDefinition(s.Id is { Length: > 0 } id ? id.Trim() : NewId(i)))],
        };
    }

    /// <summary>"step3" for the third step, or the next free number when a kept id already says so.</summary>
    private string NewId(int index)
    {
        var n = index + 1;
        while (Steps.Any(s => s.Id == $"step{n.ToString(CultureInfo.InvariantCulture)}"))
        {
            n++;
        }

        return $"step{n.ToString(CultureInfo.InvariantCulture)}";
    }

    public static WorkflowDraft? Of(WorkflowDefinition d)
    {
        var t = d.Trigger ?? new TriggerDefinition { Type = TriggerTypes.Created };
        var offset = DraftDuration.From(t.Offset);
        if (offset is null || t.CalendarId is not null)
        {
            return null;
        }

        var draft = new WorkflowDraft
        {
            Mode = d.IsRealtime ? WorkflowModes.Realtime : WorkflowModes.Background,
            Trigger = t.Type ?? TriggerTypes.Created,
            Fields = string.Join(", ", t.Fields ?? []),
            From = t.From ?? "",
            To = t.To ?? "",
            Cron = t.Cron ?? "",
            OnlyWhileOpen = t.OnlyWhileOpen,
            DateField = t.Field ?? "createdAt",
            Offset = offset,
            IncludeOwnChanges = t.IncludeOwnChanges,
        };

        // Conditions: none, one line, or one all/any list of lines.
        var c = d.Conditions;
        var lines = c is null ? [] : c.All ?? c.Any ?? (c.Not is null ? [c] : null);
        if (lines is null)
        {
            return null;
        }

        draft.MatchAny = c?.Any is not null;
        foreach (var line in lines)
        {
            if (DraftCondition.From(line) is not { } condition)
            {
                return null;
            }

            draft.Conditions.Add(condition);
        }

        // Steps: in order only (no "next"/"on"), each representable.
        foreach (var step in d.Steps ?? [])
        {
            if (DraftStep.From(step) is not { } drafted)
            {
                return null;
            }

            draft.Steps.Add(drafted);
        }

        return draft;
    }
}
