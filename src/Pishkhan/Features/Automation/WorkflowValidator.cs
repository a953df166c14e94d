using System.Text.Json;
using Cronos;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Automation;

/// <summary>
/// Checks a definition without I/O and names every problem by its place (<c>definition.steps[2].field</c>): unknown
/// trigger, step or field, a comparison whose value does not fit the field, a step id used twice or missing, a cycle
/// in the step graph, a template that does not parse, a bad cron expression.
/// </summary>
public static class WorkflowValidator
{
    public const string End = "end";

    public static WorkflowDefinition? Parse(JsonElement? json, FieldErrors errors, string path = "definition")
    {
        if (json is not { ValueKind: JsonValueKind.Object } element)
        {
            errors.Add(path, $"'{path}' is required and must be a JSON object.");
            return null;
        }

        try
        {
            return element.Deserialize<WorkflowDefinition>(WorkflowDefinition.Json);
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? path : path + e.Path.TrimStart('$');
            errors.Add(where, $"'{where}' is not valid: {FirstSentence(e.Message)}");
            return null;
        }
    }

    public static void Validate(WorkflowDefinition definition, RecordSchema schema, FieldErrors errors, string path = "definition")
    {
        if (definition.Mode is { } mode && !WorkflowModes.All.Contains(mode))
        {
            errors.Add($"{path}.mode", $"'{mode}' is not a mode; use one of: {string.Join(", ", WorkflowModes.All)}.");
        }

        ValidateTrigger(definition.Trigger, schema, errors, $"{path}.trigger");
        if (definition.Conditions is { } conditions)
        {
            ValidateCondition(conditions, schema, errors, $"{path}.conditions");
        }

        ValidateSteps(definition.Steps, schema, errors, $"{path}.steps");
        ValidateMode(definition, errors, path);
    }

    /// <summary>
    /// A real-time workflow runs inside the change's transaction: only the triggers of a save, and only steps that do
    /// nothing outside the database and never wait. A reject step only makes sense there.
    /// </summary>
    private static void ValidateMode(WorkflowDefinition definition, FieldErrors errors, string path)
    {
        var steps = definition.Steps ?? [];
        if (!definition.IsRealtime)
        {
            for (var i = 0; i < steps.Count; i++)
            {
                if (steps[i].Type == StepTypes.Reject)
                {
                    errors.Add($"{path}.steps[{i}].type", $"A reject step only works in a real-time workflow (\"mode\": \"{WorkflowModes.Realtime}\"): after the change is saved there is nothing left to reject.");
                }
            }

            return;
        }

        if (definition.Trigger?.Type is { } type && TriggerTypes.All.Contains(type) && !WorkflowModes.RealtimeTriggers.Contains(type))
        {
            errors.Add($"{path}.trigger.type", $"A real-time workflow runs when a change is saved; '{type}' is not such a trigger. Use one of: {string.Join(", ", WorkflowModes.RealtimeTriggers)}, or a background workflow.");
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i].Type is { } stepType && StepTypes.All.Contains(stepType) && !WorkflowModes.RealtimeSteps.Contains(stepType))
            {
                errors.Add($"{path}.steps[{i}].type", $"A real-time workflow runs inside the change's transaction, so a '{stepType}' step cannot be used there (it waits or reaches outside the database); use one of: {string.Join(", ", WorkflowModes.RealtimeSteps)}, or a background workflow.");
            }
        }
    }

    private static void ValidateTrigger(TriggerDefinition? trigger, RecordSchema schema, FieldErrors errors, string path)
    {
        if (trigger?.Type is not { } type)
        {
            errors.Add($"{path}.type", $"'{path}.type' is required; use one of: {string.Join(", ", TriggerTypes.All)}.");
            return;
        }

        if (!TriggerTypes.All.Contains(type))
        {
            errors.Add($"{path}.type", $"'{type}' is not a trigger; use one of: {string.Join(", ", TriggerTypes.All)}.");
            return;
        }

        for (var i = 0; i < (trigger.Fields?.Count ?? 0); i++)
        {
            if (schema.Find(trigger.Fields![i]) is null)
            {
                errors.Add($"{path}.fields[{i}]", $"'{trigger.Fields[i]}' is not a field of a {schema.Type}.");
            }
        }

        switch (type)
        {
            case TriggerTypes.Scheduled:
                if (string.IsNullOrWhiteSpace(trigger.Cron))
                {
                    errors.Add($"{path}.cron", "A scheduled trigger needs 'cron' (five fields, e.g. \"0 9 * * 1-5\").");
                }
                else
                {
                    try
                    {
                        CronExpression.Parse(trigger.Cron);
                    }
                    catch (CronFormatException e)
                    {
                        errors.Add($"{path}.cron", $"'{trigger.Cron}' is not a cron expression: {e.Message}");
                    }
                }

                break;
            case TriggerTypes.Relative:
                if (trigger.Field is null || !schema.IsDateLike(trigger.Field))
                {
                    errors.Add($"{path}.field", $"A relative trigger needs 'field', a date field of a {schema.Type} ({string.Join(", ", schema.Fields.Where(f => f.Value.Kind == FieldKind.Date).Select(f => f.Key))}) or a custom field holding an ISO date.");
                }

                if (trigger.Offset is null)
                {
                    errors.Add($"{path}.offset", "A relative trigger needs 'offset', e.g. { \"businessHours\": 2 } or { \"days\": -7 }.");
                }

                break;
        }
    }

    public static void ValidateCondition(ConditionNode node, RecordSchema schema, FieldErrors errors, string path)
    {
        var kinds = (node.All is null ? 0 : 1) + (node.Any is null ? 0 : 1) + (node.Not is null ? 0 : 1) + (node.Field is null && node.Op is null ? 0 : 1) + (node.Calendar is null ? 0 : 1);
        if (kinds != 1)
        {
            errors.Add(path, "A condition is exactly one of: 'all', 'any', 'not', a comparison ('field', 'op', 'value') or a calendar check ('calendar', 'is').");
            return;
        }

        if (node.All is { } all)
        {
            for (var i = 0; i < all.Count; i++)
            {
                ValidateCondition(all[i], schema, errors, $"{path}.all[{i}]");
            }

            return;
        }

        if (node.Any is { } any)
        {
            for (var i = 0; i < any.Count; i++)
            {
                ValidateCondition(any[i], schema, errors, $"{path}.any[{i}]");
            }

            return;
        }

        if (node.Not is { } not)
        {
            ValidateCondition(not, schema, errors, $"{path}.not");
            return;
        }

        if (node.Calendar is { } calendar)
        {
            if (calendar != ConditionEvaluator.DefaultCalendar && !Guid.TryParse(calendar, out _))
            {
                errors.Add($"{path}.calendar", $"'{calendar}' is neither 'default' nor a calendar id.");
            }

            if (node.Is is not ("open" or "closed"))
            {
                errors.Add($"{path}.is", "'is' must be 'open' or 'closed'.");
            }

            return;
        }

        if (node.Field is null)
        {
            errors.Add($"{path}.field", "'field' is required.");
            return;
        }

        var spec = schema.Find(node.Field);
        if (spec is null)
        {
            errors.Add($"{path}.field", $"'{node.Field}' is not a field of a {schema.Type}.");
            return;
        }

        if (node.Op is null || !Ops.All.Contains(node.Op))
        {
            errors.Add($"{path}.op", $"'{node.Op}' is not an operator; use one of: {string.Join(", ", Ops.All)}.");
            return;
        }

        if (Ops.IsUnary(node.Op))
        {
            return;
        }

        if (node.Value is not { } value || value.ValueKind is JsonValueKind.Undefined)
        {
            errors.Add($"{path}.value", $"'{node.Op}' needs a 'value'.");
            return;
        }

        var mismatch = (node.Op, spec.Kind, value.ValueKind) switch
        {
            (Ops.GreaterThan or Ops.LessThan, FieldKind.Number, JsonValueKind.Number) => null,
            (Ops.GreaterThan or Ops.LessThan, FieldKind.Date, JsonValueKind.String) when ConditionEvaluator.ParseDate(value, NodaTime.Instant.FromUnixTimeTicks(0)) is not null => null,
            (Ops.GreaterThan or Ops.LessThan, FieldKind.Date, _) => "a date (ISO 8601) or 'now', 'now-3d', 'now+2h'",
            (Ops.GreaterThan or Ops.LessThan, _, _) => $"a number or date field; '{node.Field}' is {spec.Kind.ToString().ToLowerInvariant()}",
            (Ops.StartsWith, not (FieldKind.Text or FieldKind.Choice), _) => $"a text field; '{node.Field}' is {spec.Kind.ToString().ToLowerInvariant()}",
            (Ops.StartsWith, _, not JsonValueKind.String) => "a string",
            (Ops.Contains, not (FieldKind.Text or FieldKind.List), _) => $"a text or list field; '{node.Field}' is {spec.Kind.ToString().ToLowerInvariant()}",
            (Ops.Contains, _, not JsonValueKind.String) => "a string",
            (Ops.In, _, not JsonValueKind.Array) => "an array of values",
            (Ops.EqualsOp or Ops.NotEquals, FieldKind.List, not JsonValueKind.Array) => "an array (the whole list); use 'contains' for one item",
            (Ops.EqualsOp or Ops.NotEquals, FieldKind.Number, not JsonValueKind.Number) => "a number",
            (Ops.EqualsOp or Ops.NotEquals, FieldKind.Id, _) when value.ValueKind != JsonValueKind.Null && !value.TryGetGuidSafe() => "an id",
            _ => null,
        };
        if (mismatch is not null)
        {
            errors.Add($"{path}.value", $"'{node.Op}' on '{node.Field}' needs {mismatch}.");
            return;
        }

        if (spec.Choices is { } choices && node.Op is Ops.EqualsOp or Ops.NotEquals or Ops.In or Ops.ChangedTo or Ops.ChangedFrom)
        {
            var values = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
            foreach (var v in values.Where(v => v.ValueKind != JsonValueKind.Null && !choices.Contains(v.ToString(), StringComparer.OrdinalIgnoreCase)))
            {
                errors.Add($"{path}.value", $"'{v}' is not a value of '{node.Field}'; use one of: {string.Join(", ", choices)}.");
            }
        }
    }

    private static bool TryGetGuidSafe(this JsonElement value) => value.ValueKind == JsonValueKind.String && value.TryGetGuid(out _);

    private static void ValidateSteps(List<StepDefinition>? steps, RecordSchema schema, FieldErrors errors, string path)
    {
        if (steps is not { Count: > 0 })
        {
            errors.Add(path, "A workflow needs at least one step.");
            return;
        }

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var id = steps[i].Id;
            if (string.IsNullOrWhiteSpace(id))
            {
                errors.Add($"{path}[{i}].id", "Every step needs an 'id'.");
            }
            else if (id == End)
            {
                errors.Add($"{path}[{i}].id", $"'{End}' is reserved; it means 'stop here'.");
            }
            else if (!ids.TryAdd(id, i))
            {
                errors.Add($"{path}[{i}].id", $"The step id '{id}' is used twice (also at steps[{ids[id]}]).");
            }
        }

        for (var i = 0; i < steps.Count; i++)
        {
            ValidateStep(steps[i], schema, ids, errors, $"{path}[{i}]");
        }

        if (!errors.Any && FindCycle(steps) is { } cycle)
        {
            errors.Add(path, $"The steps form a cycle: {string.Join(" → ", cycle)}. Use a wait step's timeout or an 'end' instead.");
        }
    }

    private static void ValidateStep(StepDefinition step, RecordSchema schema, Dictionary<string, int> ids, FieldErrors errors, string path)
    {
        if (step.Type is null || !StepTypes.All.Contains(step.Type))
        {
            errors.Add($"{path}.type", $"'{step.Type}' is not a step type; use one of: {string.Join(", ", StepTypes.All)}.");
            return;
        }

        if (step.Next is { } next && next != End && !ids.ContainsKey(next))
        {
            errors.Add($"{path}.next", $"No step has the id '{next}'.");
        }

        var outcomes = StepTypes.OutcomesOf(step.Type);
        foreach (var (outcome, target) in step.On ?? [])
        {
            if (!outcomes.Contains(outcome))
            {
                errors.Add($"{path}.on.{outcome}", $"A {step.Type} step has no outcome '{outcome}'; it has: {string.Join(", ", outcomes)}.");
            }
            else if (target != End && !ids.ContainsKey(target))
            {
                errors.Add($"{path}.on.{outcome}", $"No step has the id '{target}'.");
            }
        }

        void Require(string field, object? value)
        {
            if (value is null || value is string s && string.IsNullOrWhiteSpace(s))
            {
                errors.Add($"{path}.{field}", $"A {step.Type} step needs '{field}'.");
            }
        }

        void Template(string field, string? text)
        {
            if (text is not null && !AutomationTemplates.TryParse(text, out var error))
            {
                errors.Add($"{path}.{field}", $"The template does not parse: {error}");
            }
        }

        Template("title", step.Title);
        Template("body", step.Body);
        Template("subject", step.Subject);

        // Any step may be tried again when it fails (a webhook by default 3 times, any other once unless it says more).
        if (step.MaxAttempts is < 1 or > 10)
        {
            errors.Add($"{path}.maxAttempts", "'maxAttempts' must be between 1 and 10.");
        }

        if (step.BackoffSeconds is < 1 or > 3600)
        {
            errors.Add($"{path}.backoffSeconds", "'backoffSeconds' must be between 1 and 3600.");
        }

        switch (step.Type)
        {
            case StepTypes.SetField:
                Require("field", step.Field);
                if (step.Field is not null && schema.Find(step.Field) is not { Settable: true })
                {
                    errors.Add($"{path}.field", $"'{step.Field}' is not a field a workflow may set; use one of: {string.Join(", ", schema.Fields.Where(f => f.Value.Settable).Select(f => f.Key))}, customFields.<name>.");
                }
                else if (step.Field is not null && schema.Find(step.Field)!.Choices is { } choices && step.Value is { } value && !choices.Contains(value.ToString(), StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add($"{path}.value", $"'{value}' is not a value of '{step.Field}'; use one of: {string.Join(", ", choices)}.");
                }

                Require("value", step.Value is { ValueKind: not JsonValueKind.Undefined } ? step.Value : null);
                break;
            case StepTypes.AddTag or StepTypes.RemoveTag:
                Require("tag", step.Tag);
                break;
            case StepTypes.Assign:
                if ((step.UserId is null ? 0 : 1) + (step.TeamId is null ? 0 : 1) + (step.QueueId is null ? 0 : 1) != 1)
                {
                    errors.Add($"{path}.userId", "An assign step needs exactly one of 'userId', 'teamId', 'queueId'.");
                }

                break;
            case StepTypes.Notify:
                Require("title", step.Title);
                if (step.UserIds is not { Count: > 0 } && step.To is not ("owner" or "teamLeads"))
                {
                    errors.Add($"{path}.to", "A notify step needs 'userIds' or 'to': 'owner' / 'teamLeads'.");
                }

                break;
            case StepTypes.CreateTask:
                Require("title", step.Title);
                break;
            case StepTypes.Webhook:
                Require("url", step.Url);
                if (step.Url is not null && (!Uri.TryCreate(step.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
                {
                    errors.Add($"{path}.url", $"'{step.Url}' is not an absolute http(s) address.");
                }

                break;
            case StepTypes.Wait:
                var ways = (step.Duration is null ? 0 : 1) + (step.UntilField is null ? 0 : 1) + (step.Until is null ? 0 : 1);
                if (ways != 1)
                {
                    errors.Add($"{path}.duration", "A wait step needs exactly one of 'duration', 'untilField', 'until'.");
                }

                if (step.UntilField is not null && !schema.IsDateLike(step.UntilField))
                {
                    errors.Add($"{path}.untilField", $"'{step.UntilField}' is not a date field of a {schema.Type}.");
                }

                if (step.Until is { } until)
                {
                    ValidateCondition(until, schema, errors, $"{path}.until");
                    if (step.Timeout is null)
                    {
                        errors.Add($"{path}.timeout", "Waiting until a condition needs a 'timeout'.");
                    }
                }

                break;
            case StepTypes.Approval:
                if (step.UserIds is not { Count: > 0 } && step.Role is not ("supervisor" or "admin"))
                {
                    errors.Add($"{path}.userIds", "An approval step needs 'userIds' or 'role' ('supervisor' or 'admin').");
                }

                break;
            case StepTypes.CreateRecord:
                if (step.RecordType is not "case")
                {
                    errors.Add($"{path}.recordType", "'recordType' must be 'case' (the only record type workflows create so far).");
                }

                Require("subject", step.Subject);
                break;
            case StepTypes.Reply or StepTypes.Sms:
                Require("body", step.Body);
                break;
            case StepTypes.Reject:
                Require("message.fa", step.Message?.Fa);
                Require("message.en", step.Message?.En);
                if (step.Field is not null && schema.Find(step.Field) is null)
                {
                    errors.Add($"{path}.field", $"'{step.Field}' is not a field of a {schema.Type}; leave 'field' out to report the rejection on the whole {schema.Type}.");
                }

                break;
            case StepTypes.SendEmail:
                Require("template", step.Template);
                if (step.Language is not (null or "fa" or "en"))
                {
                    errors.Add($"{path}.language", "'language' must be 'fa' or 'en' (or left out: the contact's language).");
                }

                break;
        }
    }

    /// <summary>A cycle in the graph of "what may follow what", as step ids, or null.</summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyList<StepDefinition> steps)
    {
        var index = steps.Select((s, i) => (s.Id!, i)).ToDictionary(p => p.Item1, p => p.i);
        IEnumerable<string> Successors(int i)
        {
            var step = steps[i];
            var targets = new List<string?> { step.Next ?? (i + 1 < steps.Count ? steps[i + 1].Id : End) };
            targets.AddRange(step.On?.Values ?? Enumerable.Empty<string>());
            return targets.Where(t => t is not null && t != End && index.ContainsKey(t)).Select(t => t!).Distinct();
        }

        var state = new int[steps.Count]; // 0 new, 1 on the path, 2 done
        var path = new List<string>();
        List<string>? Visit(int i)
        {
            state[i] = 1;
            path.Add(steps[i].Id!);
            foreach (var next in Successors(i))
            {
                var j = index[next];
                if (state[j] == 1)
                {
                    return [.. path.Skip(path.IndexOf(next)), next];
                }

                if (state[j] == 0 && Visit(j) is { } found)
                {
                    return found;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[i] = 2;
            return null;
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (state[i] == 0 && Visit(i) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    /// <summary>The step to run after <paramref name="current"/> ended with <paramref name="outcome"/>; null: the run ends.</summary>
    public static string? NextStep(IReadOnlyList<StepDefinition> steps, StepDefinition current, string outcome)
    {
        var target = current.On?.GetValueOrDefault(outcome);
        if (target is null && outcome != "ok" && StepTypes.OutcomesOf(current.Type!).Count > 1 && outcome is not ("approved"))
        {
            // An unhandled failure or timeout ends the run (a failed webhook fails it; see the engine).
            return null;
        }

        target ??= current.Next;
        if (target is null)
        {
            var i = steps.ToList().FindIndex(s => s.Id == current.Id);
            target = i + 1 < steps.Count ? steps[i + 1].Id : End;
        }

        return target == End ? null : target;
    }

    private static string FirstSentence(string message)
    {
        var dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot > 0 ? message[..(dot + 1)] : message;
    }
}
