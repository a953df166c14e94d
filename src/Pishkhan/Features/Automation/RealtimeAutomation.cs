using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Localization;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Caching;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Automation;

/// <summary>
/// What the real-time workflows said about one save: go ahead (their runs and any fields they set are already in the
/// context, to commit with the change), or a rejection with the message to answer with and the rejected runs to log.
/// </summary>
public sealed class RealtimeVerdict
{
    public static readonly RealtimeVerdict Accept = new(null, []);

    internal RealtimeVerdict(FieldErrors? rejection, IReadOnlyList<(WorkflowRun Run, List<WorkflowRunLog> Log)> rejected)
    {
        Rejection = rejection;
        Rejected = rejected;
    }

    /// <summary>The errors to answer with (the reject step's <c>field</c>, else <c>case</c>: its message); null when the change may be saved.</summary>
    public FieldErrors? Rejection { get; }

    public bool IsRejected => Rejection is not null;

    internal IReadOnlyList<(WorkflowRun Run, List<WorkflowRunLog> Log)> Rejected { get; }
}

/// <summary>
/// Real-time workflows (validation rules, قاعدهٔ اعتبارسنجی): run by <see cref="CreateCase"/> and <see cref="UpdateCase"/>
/// just before they save, inside the same transaction, against the proposed values (conditions see the new values;
/// <c>changed</c> / <c>changedTo</c> / <c>changedFrom</c> compare with the old ones). Their steps set fields and tags
/// on the entity being saved, so the change and what the rule added commit together; a <c>reject</c> step refuses the
/// whole change with its message. One pass per save, workflows in name order: a rule's own changes do not trigger rules
/// again. A rejection is logged (a run with status <see cref="RunStatus.Rejected"/>) in its own transaction, after the
/// caller has given up the change.
/// </summary>
public sealed class RealtimeAutomation(
    IDbContextFactory<PishkhanDbContext> dbFactory,
    CalendarResolver calendars,
    IOptions<AutomationOptions> options,
    TimeProvider clock,
    ILogger<RealtimeAutomation> log)
{
    public const string WholeRecord = "case";

    /// <summary>How long the enabled real-time workflows are kept (a save through <see cref="WorkflowAdmin"/> here forgets them at once).</summary>
    public static readonly TimeSpan WorkflowsLifetime = TimeSpan.FromSeconds(5);

    // Every case created or changed asks for them; they change when an admin saves a workflow.
    private readonly CachedValue<List<(Workflow Workflow, WorkflowVersion Version, WorkflowDefinition Definition)>> _workflows = new(WorkflowsLifetime, clock);

    /// <summary>After a workflow is saved, enabled, disabled or deleted: the next change reads the real-time workflows afresh.</summary>
    public void ForgetWorkflows() => _workflows.Forget();

    /// <summary>Evaluates the enabled real-time workflows for <paramref name="entity"/> (added or modified in <paramref name="db"/>).</summary>
    public async Task<RealtimeVerdict> ApplyAsync(PishkhanDbContext db, Case entity, DateTime now, CancellationToken ct)
    {
        now = now.AddTicks(-(now.Ticks % 10));
        var entry = db.Entry(entity);
        string kind;
        Dictionary<string, FieldChange> changes;
        switch (entry.State)
        {
            case EntityState.Added:
                kind = TriggerTypes.Created;
                changes = [];
                break;
            case EntityState.Modified:
                kind = TriggerTypes.Updated;
                changes = AutomationOutbox.ChangesOf(entry);
                if (changes.Count == 0)
                {
                    return RealtimeVerdict.Accept;
                }

                break;
            default:
                return RealtimeVerdict.Accept;
        }

        // One indexed read every few seconds (not per save); definitions are parsed once per version.
        var workflows = await _workflows.GetAsync(async token =>
        {
            var candidates = await db.Set<Workflow>().AsNoTracking()
                .Where(w => w.Enabled && w.RecordType == "case" && WorkflowModes.RealtimeTriggers.Contains(w.TriggerType))
                .Join(db.Set<WorkflowVersion>(), w => w.CurrentVersionId, v => v.Id, (w, v) => new { Workflow = w, Version = v })
                .ToListAsync(token);
            return candidates
                .Select(c => (c.Workflow, c.Version, Definition: CompiledWorkflow.Of(c.Version).Definition))
                .Where(c => c.Definition.IsRealtime)
                .OrderBy(c => c.Workflow.Name, StringComparer.Ordinal).ThenBy(c => c.Workflow.Id)
                .ToList();
        }, ct);
        if (workflows.Count == 0)
        {
            return RealtimeVerdict.Accept;
        }

        var origin = AutomationOutbox.Origin;
        var depth = origin is null ? 0 : origin.Depth + 1;
        var enriched = await AutomationEngine.EnrichAsync(db, changes, ct);
        var snapshot = await RecordAccess.ProposedCaseAsync(db, entity, ct);
        var values = new Dictionary<string, object?>(snapshot.Values);
        var record = snapshot with { Values = values };
        var instant = Instant.FromDateTimeUtc(DateTime.SpecifyKind(now, DateTimeKind.Utc));
        var isPersian = UiCulture.IsPersian;
        var added = new List<object>();
        foreach (var (workflow, version, definition) in workflows)
        {
            var trigger = definition.Trigger!;
            if (origin?.WorkflowId == workflow.Id && !trigger.IncludeOwnChanges)
            {
                continue;
            }

            if (!TriggerMatcher.Matches(trigger, kind, enriched))
            {
                continue;
            }

            var used = await WorkflowSteps.ConditionCalendarsAsync(calendars, definition.Conditions, ct);
            if (!ConditionEvaluator.Evaluate(definition.Conditions, new ConditionContext(record, enriched, instant, used)))
            {
                continue;
            }

            var run = new WorkflowRun
            {
                WorkflowId = workflow.Id,
                WorkflowVersionId = version.Id,
                VersionNumber = version.Number,
                WorkflowName = workflow.Name,
                RecordType = "case",
                RecordId = entity.Id,
                Trigger = kind,
                Changes = enriched,
                Depth = depth,
                Status = RunStatus.Completed,
                StartedAt = now,
                FinishedAt = now,
            };
            var lines = new List<WorkflowRunLog>
            {
                Line(run, "trigger", kind, "matched", changes.Count == 0 ? $"{kind} (real-time)" : $"{kind} (real-time): {string.Join("; ", enriched.Select(c => $"{c.Key} '{c.Value.From}' → '{c.Value.To}'"))}", now),
            };
            if (definition.Conditions is not null)
            {
                lines.Add(Line(run, "conditions", "conditions", "true", "the conditions hold on the proposed values", now));
            }

            if (depth > options.Value.MaxDepth)
            {
                run.Status = RunStatus.Stopped;
                run.Error = $"Stopped: the change came from a chain of {depth} automated changes (at most {options.Value.MaxDepth}).";
                lines.Add(Line(run, "guard", "loop", "stopped", run.Error, now, run.Error));
                added.Add(run);
                added.AddRange(lines);
                continue;
            }

            var model = AutomationTemplates.Model(record, instant, null);
            var step = definition.Steps![0];
            while (step is not null)
            {
                var watch = Stopwatch.StartNew();
                if (step.Type == StepTypes.Reject)
                {
                    var message = step.Message!.For(isPersian);
                    run.Status = RunStatus.Rejected;
                    run.CurrentStepId = step.Id;
                    run.Error = step.Message.En ?? message;
                    lines.Add(Line(run, step.Id!, step.Type, "rejected", $"the change was refused: {run.Error}", now, durationMs: watch.Elapsed.TotalMilliseconds));
                    var errors = new FieldErrors();
                    errors.Add(step.Field ?? WholeRecord, message);
                    if (log.IsEnabled(LogLevel.Information))
                    {
                        log.LogInformation("Real-time workflow {Workflow} refused a change of case {CaseId}: {Message}", workflow.Name, entity.Id, run.Error);
                    }

                    return new RealtimeVerdict(errors, [(run, lines)]);
                }

                var (ok, detail) = await ExecuteAsync(db, entity, step, model, values, now, ct);
                lines.Add(Line(run, step.Id!, step.Type!, ok ? "ok" : "failed", detail, now, ok ? null : detail, durationMs: watch.Elapsed.TotalMilliseconds));
                if (!ok)
                {
                    // A rule that cannot do what it says does not block the person's change; the failure is in its log.
                    run.Status = RunStatus.Failed;
                    run.CurrentStepId = step.Id;
                    run.Error = $"Step '{step.Id}' failed: {detail}";
                    break;
                }

                var next = WorkflowValidator.NextStep(definition.Steps!, step, "ok");
                step = next is null ? null : definition.Steps!.First(s => s.Id == next);
            }

            added.Add(run);
            added.AddRange(lines);
        }

        db.AddRange(added);
        return RealtimeVerdict.Accept;
    }

    /// <summary>Logs the rejected runs of a refused change, in a transaction of their own (the change itself was not saved).</summary>
    public async Task RecordAsync(RealtimeVerdict verdict, CancellationToken ct)
    {
        if (verdict.Rejected.Count == 0)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var (run, lines) in verdict.Rejected)
        {
            db.Add(run);
            db.AddRange(lines);
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>One step on the entity about to be saved; the snapshot's values follow, so later rules see them.</summary>
    private static async Task<(bool Ok, string Detail)> ExecuteAsync(
        PishkhanDbContext db, Case entity, StepDefinition step, Dictionary<string, object?> model, Dictionary<string, object?> values, DateTime now, CancellationToken ct)
    {
        string Render(string? text) => text is null ? "" : text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal) ? AutomationTemplates.Render(text, model) : text;

        switch (step.Type)
        {
            case StepTypes.AddTag or StepTypes.RemoveTag:
                var tag = Render(step.Tag).Trim();
                var add = step.Type == StepTypes.AddTag;
                if (add == entity.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase))
                {
                    return (true, add ? $"already tagged '{tag}'" : $"not tagged '{tag}'");
                }

                entity.Tags = add ? CaseRules.CleanTags([.. entity.Tags, tag]) : [.. entity.Tags.Where(t => !string.Equals(t, tag, StringComparison.OrdinalIgnoreCase))];
                values["tags"] = (IReadOnlyList<string>)[.. entity.Tags];
                return (true, add ? $"tagged '{tag}'" : $"untagged '{tag}'");
            case StepTypes.SetField:
                var field = step.Field!;
                var value = step.Value is { ValueKind: JsonValueKind.String } s ? Render(s.GetString()) : step.Value?.ToString();
                var write = await RecordAccess.SetCaseFieldAsync(db, entity, field, value, now, ct);
                if (write.Error is { } error)
                {
                    return (false, error);
                }

                var before = write.Before;
                if (write.Status is { } status)
                {
                    values["statusCategory"] = RecordSchema.Name(status.Category);
                    value = status.Name;
                }

                values[field] = field == "priority" ? RecordSchema.Name(entity.Priority) : value;
                entity.SearchText = CreateCase.SearchTextOf(entity);
                return (true, $"{field}: '{before}' → '{value}' (in the same save)");
            default:
                return (false, $"A '{step.Type}' step cannot run in a real-time workflow.");
        }
    }

    private static WorkflowRunLog Line(WorkflowRun run, string stepId, string stepType, string outcome, string detail, DateTime now, string? error = null, double durationMs = 0) => new()
    {
        RunId = run.Id,
        StepId = stepId,
        StepType = stepType,
        Outcome = outcome,
        Detail = detail,
        Error = error,
        At = now,
        DurationMs = durationMs,
    };
}
