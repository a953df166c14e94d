using System.Text.Json;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Automation;
using Pishkhan.Platform.Api;

namespace Pishkhan.Tests.Automation;

/// <summary>The pure parts: the condition tree, trigger matching, validation with error locations, templates.</summary>
public sealed class ConditionTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 1, 5, 10, 0); // Monday

    private static readonly BusinessCalendar NineToFive = BusinessCalendar.Create(new CalendarDefinition
    {
        Zone = "UTC",
        Weekly = new WeeklyHours().With([IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday], new TimeRange("09:00", "17:00")),
    });

    private static RecordSnapshot Case(string priority = "high", string[]? tags = null, string subject = "Printer on fire", string? product = null) => new("case", Guid.NewGuid(), new Dictionary<string, object?>
    {
        ["priority"] = priority,
        ["subject"] = subject,
        ["tags"] = (IReadOnlyList<string>)(tags ?? ["vip"]),
        ["product"] = product,
        ["createdAt"] = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        ["contact.name"] = "Sara",
        ["account.tier"] = "gold",
    });

    private static ConditionNode Parse(string json) => JsonSerializer.Deserialize<ConditionNode>(json, WorkflowDefinition.Json)!;

    private static bool Eval(string json, RecordSnapshot? record = null, Dictionary<string, FieldChange>? changes = null, Instant? now = null) =>
        ConditionEvaluator.Evaluate(Parse(json), new ConditionContext(record ?? Case(), changes ?? [], now ?? Now, new Dictionary<string, BusinessCalendar> { ["default"] = NineToFive }));

    [Fact]
    public void APrecompiledNode_StillReadsNowAtEachEvaluation_AndEqualsAnArrayAsAWholeList()
    {
        // The node keeps its value compiled after the first evaluation (definitions are cached per version): "now-3d"
        // must stay relative to each evaluation's now, not to the first one's.
        var node = Parse("""{"field":"createdAt","op":"lessThan","value":"now-3d"}""");
        var calendars = new Dictionary<string, BusinessCalendar>();
        var none = new Dictionary<string, FieldChange>();
        var record = Case(); // created 2026-01-01 00:00
        Assert.True(ConditionEvaluator.Evaluate(node, new ConditionContext(record, none, Instant.FromUtc(2026, 1, 5, 10, 0), calendars)));
        Assert.False(ConditionEvaluator.Evaluate(node, new ConditionContext(record, none, Instant.FromUtc(2026, 1, 3, 10, 0), calendars)));
        Assert.True(ConditionEvaluator.Evaluate(node, new ConditionContext(record, none, Instant.FromUtc(2026, 1, 4, 0, 1), calendars)));

        var list = Parse("""{"field":"tags","op":"equals","value":["b","A"]}""");
        Assert.True(ConditionEvaluator.Evaluate(list, new ConditionContext(Case(tags: ["a", "B"]), none, Now, calendars)));
        Assert.False(ConditionEvaluator.Evaluate(list, new ConditionContext(Case(tags: ["a"]), none, Now, calendars)));
        Assert.True(ConditionEvaluator.Evaluate(list, new ConditionContext(Case(tags: ["A", "b"]), none, Now, calendars)));
    }

    [Theory]
    [InlineData("""{"field":"priority","op":"equals","value":"HIGH"}""", true)]
    [InlineData("""{"field":"priority","op":"notEquals","value":"high"}""", false)]
    [InlineData("""{"field":"priority","op":"in","value":["low","high"]}""", true)]
    [InlineData("""{"field":"priority","op":"in","value":["low","medium"]}""", false)]
    [InlineData("""{"field":"tags","op":"contains","value":"VIP"}""", true)]
    [InlineData("""{"field":"subject","op":"contains","value":"fire"}""", true)]
    [InlineData("""{"field":"subject","op":"startsWith","value":"printer"}""", true)]
    [InlineData("""{"field":"subject","op":"startsWith","value":"fire"}""", false)]
    [InlineData("""{"field":"product","op":"isEmpty"}""", true)]
    [InlineData("""{"field":"product","op":"isNotEmpty"}""", false)]
    [InlineData("""{"field":"createdAt","op":"lessThan","value":"now-3d"}""", true)]
    [InlineData("""{"field":"createdAt","op":"greaterThan","value":"2026-01-02T00:00:00Z"}""", false)]
    [InlineData("""{"field":"contact.name","op":"equals","value":"sara"}""", true)]
    [InlineData("""{"field":"account.tier","op":"equals","value":"gold"}""", true)]
    [InlineData("""{"field":"product","op":"equals","value":"x"}""", false)]
    public void Comparisons(string condition, bool expected) => Assert.Equal(expected, Eval(condition));

    [Fact]
    public void AllAnyNot_Combine()
    {
        Assert.True(Eval("""{"all":[{"field":"priority","op":"equals","value":"high"},{"any":[{"field":"tags","op":"contains","value":"x"},{"field":"tags","op":"contains","value":"vip"}]}]}"""));
        Assert.False(Eval("""{"all":[{"field":"priority","op":"equals","value":"high"},{"not":{"field":"tags","op":"contains","value":"vip"}}]}"""));
        Assert.True(Eval("""{"any":[]}""") is false && Eval("""{"all":[]}"""));
    }

    [Fact]
    public void ChangedOperators_ReadTheTriggeringChange()
    {
        var changes = new Dictionary<string, FieldChange> { ["priority"] = new("low", "high") };
        Assert.True(Eval("""{"field":"priority","op":"changed"}""", changes: changes));
        Assert.True(Eval("""{"field":"priority","op":"changedTo","value":"high"}""", changes: changes));
        Assert.True(Eval("""{"field":"priority","op":"changedFrom","value":"low"}""", changes: changes));
        Assert.False(Eval("""{"field":"priority","op":"changedFrom","value":"high"}""", changes: changes));
        Assert.False(Eval("""{"field":"subject","op":"changed"}""", changes: changes));
    }

    [Fact]
    public void CalendarChecks_UseTheInstant()
    {
        Assert.True(Eval("""{"calendar":"default","is":"open"}"""));
        Assert.True(Eval("""{"calendar":"default","is":"closed"}""", now: Instant.FromUtc(2026, 1, 5, 18, 0)));
        Assert.True(Eval("""{"calendar":"default","is":"closed"}""", now: Instant.FromUtc(2026, 1, 10, 10, 0))); // Saturday
    }

    [Fact]
    public void Triggers_MatchTheirEvents()
    {
        var priority = new Dictionary<string, FieldChange> { ["priority"] = new("low", "high") };
        var status = new Dictionary<string, FieldChange> { ["statusId"] = new("a", "b"), ["status"] = new("New", "Resolved") };
        var owner = new Dictionary<string, FieldChange> { ["ownerId"] = new(null, Guid.NewGuid().ToString()) };
        Assert.True(TriggerMatcher.Matches(new TriggerDefinition { Type = "updated" }, "updated", priority));
        Assert.True(TriggerMatcher.Matches(new TriggerDefinition { Type = "updated", Fields = ["priority"], From = "low", To = "high" }, "updated", priority));
        Assert.False(TriggerMatcher.Matches(new TriggerDefinition { Type = "updated", Fields = ["priority"], To = "low" }, "updated", priority));
        Assert.False(TriggerMatcher.Matches(new TriggerDefinition { Type = "updated", Fields = ["subject"] }, "updated", priority));
        Assert.True(TriggerMatcher.Matches(new TriggerDefinition { Type = "statusChanged", To = "resolved" }, "updated", status));
        Assert.False(TriggerMatcher.Matches(new TriggerDefinition { Type = "statusChanged" }, "updated", priority));
        Assert.True(TriggerMatcher.Matches(new TriggerDefinition { Type = "assigned" }, "updated", owner));
        Assert.False(TriggerMatcher.Matches(new TriggerDefinition { Type = "assigned" }, "updated", new Dictionary<string, FieldChange> { ["ownerId"] = new("x", null) }));
        Assert.True(TriggerMatcher.Matches(new TriggerDefinition { Type = "created" }, "created", new Dictionary<string, FieldChange>()));
        Assert.False(TriggerMatcher.Matches(new TriggerDefinition { Type = "created" }, "updated", priority));
        Assert.True(TriggerMatcher.Matches(new TriggerDefinition { Type = "slaBreached" }, "slaBreached", new Dictionary<string, FieldChange>()));
        Assert.True(TriggerMatcher.Matches(new TriggerDefinition { Type = "messageReceived" }, "messageReceived", new Dictionary<string, FieldChange>()));
    }

    private static IReadOnlyDictionary<string, string[]> Validate(string json)
    {
        var errors = new FieldErrors();
        var definition = WorkflowValidator.Parse(JsonDocument.Parse(json).RootElement, errors);
        if (definition is not null)
        {
            WorkflowValidator.Validate(definition, RecordSchema.Case, errors);
        }

        return errors.ToDictionary();
    }

    [Fact]
    public void Validation_NamesEachProblemByItsPlace()
    {
        var errors = Validate("""
            {
              "trigger": { "type": "updatd" },
              "conditions": { "all": [
                { "field": "priority", "op": "equals", "value": "urgentish" },
                { "field": "colour", "op": "equals", "value": "red" },
                { "field": "subject", "op": "greaterThan", "value": 3 }
              ] },
              "steps": [
                { "id": "a", "type": "setField", "field": "number", "value": "x" },
                { "id": "a", "type": "reply", "body": "{{ case.subject " },
                { "id": "c", "type": "wait", "on": { "approved": "a" } }
              ]
            }
            """);
        Assert.Contains("definition.trigger.type", errors.Keys);
        Assert.Contains("urgentish", errors["definition.conditions.all[0].value"][0]);
        Assert.Contains("colour", errors["definition.conditions.all[1].field"][0]);
        Assert.Contains("number or date", errors["definition.conditions.all[2].value"][0]);
        Assert.Contains("not a field a workflow may set", errors["definition.steps[0].field"][0]);
        Assert.Contains("used twice", errors["definition.steps[1].id"][0]);
        Assert.Contains("does not parse", errors["definition.steps[1].body"][0]);
        Assert.Contains("exactly one of", errors["definition.steps[2].duration"][0]);
        Assert.Contains("no outcome 'approved'", errors["definition.steps[2].on.approved"][0]);
    }

    [Fact]
    public void Validation_RejectsACycleAndUnknownProperties()
    {
        var cycle = Validate("""
            { "trigger": { "type": "created" },
              "steps": [ { "id": "a", "type": "addTag", "tag": "x" }, { "id": "b", "type": "addTag", "tag": "y", "next": "a" } ] }
            """);
        Assert.Contains("a → b → a", cycle["definition.steps"][0]);

        var unknown = Validate("""{ "trigger": { "type": "created", "colour": 1 }, "steps": [] }""");
        Assert.Contains(unknown.Keys, k => k.StartsWith("definition.trigger", StringComparison.Ordinal));

        var cron = Validate("""{ "trigger": { "type": "scheduled", "cron": "61 * * * *" }, "steps": [ { "id": "a", "type": "addTag", "tag": "x" } ] }""");
        Assert.Contains("definition.trigger.cron", cron.Keys);

        Assert.Empty(Validate("""
            { "trigger": { "type": "updated", "fields": ["priority"], "to": "high" },
              "conditions": { "not": { "calendar": "default", "is": "open" } },
              "steps": [
                { "id": "ask", "type": "approval", "role": "supervisor", "timeout": { "businessHours": 4 }, "on": { "rejected": "end", "timeout": "escalate" } },
                { "id": "tag", "type": "addTag", "tag": "approved", "next": "end" },
                { "id": "escalate", "type": "notify", "to": "teamLeads", "title": "{{ case.number }} waits for approval" }
              ] }
            """));
    }

    [Fact]
    public void NextStep_FollowsOutcomesThenNextThenOrder()
    {
        var steps = new List<StepDefinition>
        {
            new() { Id = "a", Type = "approval", On = new() { ["rejected"] = "c" } },
            new() { Id = "b", Type = "addTag", Next = "end" },
            new() { Id = "c", Type = "webhook" },
        };
        Assert.Equal("b", WorkflowValidator.NextStep(steps, steps[0], "approved"));
        Assert.Equal("c", WorkflowValidator.NextStep(steps, steps[0], "rejected"));
        Assert.Null(WorkflowValidator.NextStep(steps, steps[0], "timeout"));
        Assert.Null(WorkflowValidator.NextStep(steps, steps[1], "ok"));
        Assert.Null(WorkflowValidator.NextStep(steps, steps[2], "ok"));
    }

    [Fact]
    public void Templates_RenderRecordVariablesAndJalaliDates()
    {
        var record = Case();
        var model = AutomationTemplates.Model(record, Now, Instant.FromUtc(2026, 1, 6, 5, 30));
        Assert.Equal("Sara: Printer on fire (high)", AutomationTemplates.Render("{{ contact.name }}: {{ case.subject }} ({{ case.priority }})", model));
        // 2026-01-06 05:30Z is 09:00 in Tehran, 16 Dey 1404.
        Assert.Equal("۱۴۰۴/۱۰/۱۶ ۰۹:۰۰", AutomationTemplates.Render("{{ nextOpening | jalali }}", model));
        Assert.Equal("۱۴۰۴/۱۰/۱۶", AutomationTemplates.Render("{{ nextOpening | jalali: 'date' }}", model));
        Assert.Equal("2026-01-06 09:00", AutomationTemplates.Render("{{ nextOpening | tehran }}", model));
        Assert.False(AutomationTemplates.TryParse("{% if %}", out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void WebhookSignature_IsHexHmacSha256()
    {
        // echo -n '{"a":1}' | openssl dgst -sha256 -hmac secret
        Assert.Equal("sha256=aa9e2e3575f5d7098b6caccd790888c36d5fdb63342a73bada2d6a51747a8494", WorkflowSteps.Sign("secret", "{\"a\":1}"));
    }
}
