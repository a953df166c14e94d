using BenchmarkDotNet.Attributes;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Automation;

namespace Pishkhan.Automation.Bench;

/// <summary>
/// Issue 6's target: with 200 active workflows, matching triggers and conditions for one change takes at most 50 µs
/// (median). This is the pure part of <c>AutomationEngine.ProcessEventAsync</c> (trigger match, then the condition
/// tree on the loaded record); the database reads around it are per event, not per workflow.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MatchingBenchmarks
{
    private readonly List<WorkflowDefinition> _workflows = [];
    private RecordSnapshot _record = null!;
    private Dictionary<string, FieldChange> _changes = null!;
    private readonly Instant _now = Instant.FromUtc(2026, 1, 10, 8, 0);
    private readonly Dictionary<string, BusinessCalendar> _calendars = [];

    [Params(200)]
    public int Workflows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string[] shapes =
        [
            // updated, chosen fields, with a from/to
            """{ "trigger": { "type": "updated", "fields": ["priority"], "to": "critical" }, "steps": [ { "id": "a", "type": "addTag", "tag": "x" } ] }""",
            // updated, any field, a tree over the record, contact and account
            """
            { "trigger": { "type": "updated" },
              "conditions": { "all": [
                { "field": "subject", "op": "contains", "value": "printer" },
                { "any": [ { "field": "account.tier", "op": "in", "value": ["gold", "platinum"] }, { "field": "contact.email", "op": "isNotEmpty" } ] },
                { "not": { "field": "tags", "op": "contains", "value": "vip" } },
                { "field": "createdAt", "op": "greaterThan", "value": "now-7d" },
                { "field": "priority", "op": "changedTo", "value": "high" } ] },
              "steps": [ { "id": "a", "type": "addTag", "tag": "x" } ] }
            """,
            // status changed (does not match an update without a status change)
            """{ "trigger": { "type": "statusChanged", "to": "Resolved" }, "steps": [ { "id": "a", "type": "addTag", "tag": "x" } ] }""",
            // updated on custom fields, with a condition on another custom field
            """
            { "trigger": { "type": "updated", "fields": ["customFields.plan", "subject"] },
              "conditions": { "any": [ { "field": "customFields.region", "op": "equals", "value": "tehran" }, { "field": "channel", "op": "in", "value": ["email", "web"] } ] },
              "steps": [ { "id": "a", "type": "addTag", "tag": "x" } ] }
            """,
        ];
        for (var i = 0; i < Workflows; i++)
        {
            _workflows.Add(WorkflowDefinition.FromJson(shapes[i % shapes.Length]));
        }

        _record = new RecordSnapshot("case", Guid.NewGuid(), new Dictionary<string, object?>
        {
            ["number"] = "1405-000123",
            ["subject"] = "The printer on floor 3 is on fire",
            ["description"] = "Smoke everywhere.",
            ["channel"] = "email",
            ["priority"] = "high",
            ["urgency"] = "high",
            ["impact"] = "medium",
            ["status"] = "Open",
            ["statusCategory"] = "open",
            ["tags"] = (IReadOnlyList<string>)["hardware", "floor-3"],
            ["ownerId"] = Guid.NewGuid().ToString(),
            ["teamId"] = Guid.NewGuid().ToString(),
            ["createdAt"] = new DateTime(2026, 1, 8, 9, 0, 0, DateTimeKind.Utc),
            ["updatedAt"] = new DateTime(2026, 1, 10, 8, 0, 0, DateTimeKind.Utc),
            ["contact.name"] = "Sara",
            ["contact.email"] = "sara@example.ir",
            ["account.name"] = "Acme",
            ["account.tier"] = "gold",
            ["customFields.region"] = "tehran",
            ["customFields.plan"] = "pro",
        });
        _changes = new Dictionary<string, FieldChange>
        {
            ["priority"] = new("medium", "high"),
            ["subject"] = new("Printer", "The printer on floor 3 is on fire"),
        };
    }

    /// <summary>One change against every workflow: trigger first, then its conditions. Returns how many would run.</summary>
    [Benchmark]
    public int MatchOneChange()
    {
        var context = new ConditionContext(_record, _changes, _now, _calendars);
        var matched = 0;
        foreach (var definition in _workflows)
        {
            if (TriggerMatcher.Matches(definition.Trigger!, TriggerTypes.Updated, _changes) && ConditionEvaluator.Evaluate(definition.Conditions, context))
            {
                matched++;
            }
        }

        return matched;
    }
}
