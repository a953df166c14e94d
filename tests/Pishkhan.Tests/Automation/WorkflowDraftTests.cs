using System.Text.Json;
using System.Text.Json.Nodes;
using Pishkhan.Features.Automation;

namespace Pishkhan.Tests.Automation;

/// <summary>The visual builder's model: what it writes is the definition an admin would have typed, and back.</summary>
public sealed class WorkflowDraftTests
{
    private static WorkflowDefinition Parse(string json) => WorkflowDefinition.FromJson(json);

    private static void AssertSameJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"Expected {expected}\nActual   {actual}");

    [Fact]
    public void TheBuildersOutOfHoursAcknowledgement_IsTheDefinitionAnAdminWouldType()
    {
        var draft = new WorkflowDraft { Trigger = TriggerTypes.Created };
        draft.Conditions.Add(new DraftCondition { Calendar = "default", Is = "closed" });
        draft.Conditions.Add(new DraftCondition { Field = "priority", Op = Ops.In, Value = "high, critical" });
        draft.Conditions.Add(new DraftCondition { Field = "satisfaction.rating", Op = Ops.LessThan, Value = "3" });
        draft.Steps.Add(new DraftStep { Type = StepTypes.Reply, Body = "We answer from {{ nextOpening | jalali }}." });
        draft.Steps.Add(new DraftStep { Type = StepTypes.CreateTask, Title = "Call back", AtNextOpening = true });
        draft.Steps.Add(new DraftStep { Type = StepTypes.Wait, Duration = new DraftDuration { Amount = 2, Unit = "businessHours" } });
        draft.Steps.Add(new DraftStep { Type = StepTypes.Assign, Target = "team", TargetId = "0b4f4c8e-8b2c-4a53-9a31-1d7c1f2f0a11" });

        AssertSameJson(Parse("""
            {
              "trigger": { "type": "created" },
              "conditions": { "all": [
                { "calendar": "default", "is": "closed" },
                { "field": "priority", "op": "in", "value": ["high", "critical"] },
                { "field": "satisfaction.rating", "op": "lessThan", "value": 3 } ] },
              "steps": [
                { "id": "step1", "type": "reply", "body": "We answer from {{ nextOpening | jalali }}." },
                { "id": "step2", "type": "createTask", "title": "Call back", "dueAtNextOpening": true },
                { "id": "step3", "type": "wait", "duration": { "businessHours": 2 } },
                { "id": "step4", "type": "assign", "teamId": "0b4f4c8e-8b2c-4a53-9a31-1d7c1f2f0a11" }
              ]
            }
            """).ToJson(), draft.ToDefinition().ToJson());
    }

    [Fact]
    public void ADefinitionItCanShow_ComesBackUnchanged_KeepingStepIdsAndNumbers()
    {
        var original = Parse("""
            {
              "mode": "realtime",
              "trigger": { "type": "updated", "fields": ["priority", "customFields.plan"], "to": "critical" },
              "conditions": { "any": [ { "field": "account.tier", "op": "equals", "value": "gold" }, { "field": "satisfaction.rating", "op": "equals", "value": 1 } ] },
              "steps": [ { "id": "no", "type": "reject", "field": "priority", "message": { "fa": "فقط سرپرست", "en": "Supervisors only" } } ]
            }
            """);

        var draft = WorkflowDraft.Of(original);

        Assert.NotNull(draft);
        Assert.True(draft.MatchAny);
        Assert.Equal("priority, customFields.plan", draft.Fields);
        AssertSameJson(original.ToJson(), draft.ToDefinition().ToJson());
    }

    [Theory]
    [InlineData("""{ "trigger": { "type": "created" }, "steps": [ { "id": "a", "type": "approval", "role": "admin", "on": { "rejected": "end" } } ] }""")]
    [InlineData("""{ "trigger": { "type": "created" }, "conditions": { "all": [ { "any": [ { "field": "subject", "op": "isEmpty" } ] } ] }, "steps": [] }""")]
    [InlineData("""{ "trigger": { "type": "created" }, "steps": [ { "id": "w", "type": "wait", "duration": { "hours": 1, "businessMinutes": 30 } } ] }""")]
    [InlineData("""{ "trigger": { "type": "created" }, "steps": [ { "id": "h", "type": "webhook", "url": "https://x.test", "payload": { "a": 1 } } ] }""")]
    public void ADefinitionItCannotShowFaithfully_StaysInTheJsonEditor(string json) => Assert.Null(WorkflowDraft.Of(Parse(json)));

    [Fact]
    public void NewStepsGetIdsThatDoNotClashWithKeptOnes()
    {
        var draft = WorkflowDraft.Of(Parse("""{ "trigger": { "type": "created" }, "steps": [ { "id": "step2", "type": "addTag", "tag": "vip" } ] }"""))!;
        draft.Steps.Add(new DraftStep { Type = StepTypes.RemoveTag, Tag = "new" });

        var ids = draft.ToDefinition().Steps!.Select(s => s.Id).ToList();

        Assert.Equal(["step2", "step3"], ids);
        Assert.Equal(JsonValueKind.String, JsonDocument.Parse(draft.ToDefinition().ToJson()).RootElement.GetProperty("steps")[1].GetProperty("tag").ValueKind);
    }
}
