using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Automation;

public sealed record WorkflowRequest(string? Name, JsonElement? Definition, string? Description = null, string? RecordType = null, bool? Enabled = null, int? Version = null);

public sealed record WorkflowDto(
    Guid Id, string Name, string Description, string RecordType, bool Enabled, string TriggerType, int CurrentVersion,
    DateTime? NextFireAt, DateTime CreatedAt, DateTime UpdatedAt, int Version, JsonElement Definition);

public sealed record WorkflowVersionDto(Guid Id, int Number, string CreatedBy, DateTime CreatedAt, JsonElement Definition);

public sealed record ValidationResultDto(bool Valid);

public sealed record RunLogDto(string StepId, string StepType, string Outcome, string Detail, string? Output, string? Error, DateTime At, double DurationMs);

public sealed record RunDto(
    Guid Id, Guid WorkflowId, string WorkflowName, int WorkflowVersion, string RecordType, Guid RecordId, string Trigger,
    RunStatus Status, string? CurrentStepId, DateTime? DueAt, DateTime StartedAt, DateTime? FinishedAt, string? Error, int Depth,
    IReadOnlyList<RunLogDto>? Log);

public sealed record DryRunRequest(Guid? RecordId);

public sealed record RetryRequest(string? StepId);

public sealed record DryRunDto(bool ConditionsHold, IReadOnlyList<string> Steps, IReadOnlyDictionary<string, string> Rendered);

/// <summary>Creating, editing (a new version each time), enabling, validating and deleting workflows; reading runs and their logs.</summary>
public sealed class WorkflowAdmin(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock, AutomationEngine engine, CalendarResolver calendars, RealtimeAutomation realtime)
{
    public async Task<IReadOnlyList<WorkflowDto>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Set<Workflow>().AsNoTracking().OrderBy(w => w.Name)
            .Join(db.Set<WorkflowVersion>(), w => w.CurrentVersionId, v => v.Id, (w, v) => new { w, v.Definition }).ToListAsync(ct);
        return [.. rows.Select(r => ToDto(r.w, r.Definition))];
    }

    public async Task<WorkflowDto?> ByIdAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var w = await db.Set<Workflow>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return w is null ? null : ToDto(w, await db.Set<WorkflowVersion>().Where(v => v.Id == w.CurrentVersionId).Select(v => v.Definition).FirstAsync(ct));
    }

    public async Task<IReadOnlyList<WorkflowVersionDto>?> VersionsAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Set<Workflow>().AnyAsync(w => w.Id == id, ct))
        {
            return null;
        }

        var versions = await db.Set<WorkflowVersion>().AsNoTracking().Where(v => v.WorkflowId == id).OrderByDescending(v => v.Number).ToListAsync(ct);
        return [.. versions.Select(v => new WorkflowVersionDto(v.Id, v.Number, v.CreatedBy, v.CreatedAt, JsonDocument.Parse(v.Definition).RootElement))];
    }

    /// <summary>Checks a definition without saving it: 200 when valid, 400 naming every problem by its place.</summary>
    public async Task<Outcome<ValidationResultDto>> ValidateAsync(WorkflowRequest request, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var errors = new FieldErrors();
        await CheckAsync(db, request, errors, ct);
        return errors.Any ? errors : new ValidationResultDto(true);
    }

    private static async Task<WorkflowDefinition?> CheckAsync(PishkhanDbContext db, WorkflowRequest request, FieldErrors errors, CancellationToken ct)
    {
        var schema = RecordSchema.For(request.RecordType);
        if (schema is null)
        {
            errors.Add("recordType", $"'{request.RecordType}' is not a record type workflows run on; use 'case'.");
            return null;
        }

        var definition = WorkflowValidator.Parse(request.Definition, errors);
        if (definition is null)
        {
            return null;
        }

        WorkflowValidator.Validate(definition, schema, errors);
        var calendarIds = new List<(string Path, Guid Id)>();
        if (definition.Trigger?.CalendarId is { } triggerCalendar)
        {
            calendarIds.Add(("definition.trigger.calendarId", triggerCalendar));
        }

        for (var i = 0; i < (definition.Steps?.Count ?? 0); i++)
        {
            var step = definition.Steps![i];
            foreach (var (name, d) in new[] { ("duration", step.Duration), ("timeout", step.Timeout), ("dueIn", step.DueIn) })
            {
                if (d?.CalendarId is { } id)
                {
                    calendarIds.Add(($"definition.steps[{i}].{name}.calendarId", id));
                }
            }

            if (step.Type == StepTypes.SendEmail && step.Template is { } key && !await db.Set<LiquidTemplate>().AnyAsync(t => t.Key == key, ct))
            {
                errors.Add($"definition.steps[{i}].template", $"No email template has the key '{key}'.");
            }
        }

        foreach (var (path, id) in calendarIds)
        {
            if (!await db.Calendars.AnyAsync(c => c.Id == id, ct))
            {
                errors.Add(path, $"No calendar has the id '{id}'.");
            }
        }

        return definition;
    }

    public async Task<Outcome<WorkflowDto>> SaveAsync(Guid? id, WorkflowRequest request, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var errors = new FieldErrors();
        errors.Required("name", request.Name);
        errors.MaxLength("name", request.Name?.Trim(), 200);
        errors.MaxLength("description", request.Description, 2000);
        var definition = await CheckAsync(db, request, errors, ct);
        Workflow? workflow = null;
        if (id is { } existing)
        {
            workflow = await db.Set<Workflow>().FirstOrDefaultAsync(w => w.Id == existing, ct);
            if (workflow is null)
            {
                return new Outcome<WorkflowDto>.NotFound();
            }

            if (request.Version is null)
            {
                errors.Add("version", "'version' is required: send the version you last read, so a stale edit can be detected.");
            }
        }

        var name = request.Name?.Trim() ?? "";
        if (!errors.Any && await db.Set<Workflow>().AnyAsync(w => w.Name == name && w.Id != id, ct))
        {
            errors.Add("name", $"A workflow named '{name}' already exists.");
        }

        if (errors.Any)
        {
            return errors;
        }

        if (workflow is not null && workflow.Version != request.Version)
        {
            return new Outcome<WorkflowDto>.Conflict($"The workflow was changed by someone else (your version {request.Version}, current {workflow.Version}). Reload it and apply your change again.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % 10));
        if (workflow is null)
        {
            workflow = new Workflow { Name = name, CreatedAt = now, Enabled = request.Enabled ?? false };
            db.Add(workflow);
        }

        var json = definition!.ToJson();
        var version = new WorkflowVersion
        {
            WorkflowId = workflow.Id,
            Number = workflow.CurrentVersion + 1,
            Definition = json,
            CreatedBy = actor.Name,
            CreatedAt = now,
        };
        db.Add(version);
        workflow.Name = name;
        workflow.Description = request.Description?.Trim() ?? workflow.Description;
        workflow.RecordType = RecordSchema.For(request.RecordType)!.Type;
        workflow.Enabled = request.Enabled ?? workflow.Enabled;
        workflow.TriggerType = definition.Trigger!.Type!;
        workflow.CurrentVersionId = version.Id;
        workflow.CurrentVersion = version.Number;
        workflow.NextFireAt = workflow.Enabled ? await engine.NextFireAsync(definition.Trigger, now, ct) : null;
        workflow.UpdatedAt = now;
        workflow.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Outcome<WorkflowDto>.Conflict("The workflow was changed by someone else while you were saving. Reload it and apply your change again.");
        }

        realtime.ForgetWorkflows();
        return ToDto(workflow, json);
    }

    public async Task<Outcome<WorkflowDto>> SetEnabledAsync(Guid id, bool enabled, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var workflow = await db.Set<Workflow>().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (workflow is null)
        {
            return new Outcome<WorkflowDto>.NotFound();
        }

        var json = await db.Set<WorkflowVersion>().Where(v => v.Id == workflow.CurrentVersionId).Select(v => v.Definition).FirstAsync(ct);
        if (workflow.Enabled != enabled)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            workflow.Enabled = enabled;
            workflow.NextFireAt = enabled ? await engine.NextFireAsync(WorkflowDefinition.FromJson(json).Trigger!, now, ct) : null;
            workflow.UpdatedAt = now;
            workflow.Version++;
            await db.SaveChangesAsync(ct);
            realtime.ForgetWorkflows();
        }

        return ToDto(workflow, json);
    }

    /// <summary>Deletes a workflow with its versions and runs (disable it instead to keep the history).</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var workflow = await db.Set<Workflow>().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (workflow is null)
        {
            return false;
        }

        db.Remove(workflow);
        await db.SaveChangesAsync(ct);
        realtime.ForgetWorkflows();
        return true;
    }

    public async Task<IReadOnlyList<RunDto>> RunsAsync(Guid? workflowId, Guid? recordId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Set<WorkflowRun>().AsNoTracking();
        if (workflowId is { } w)
        {
            query = query.Where(r => r.WorkflowId == w);
        }

        if (recordId is { } r)
        {
            query = query.Where(x => x.RecordId == r);
        }

        var runs = await query.OrderByDescending(x => x.StartedAt).ThenByDescending(x => x.Id).Take(200).ToListAsync(ct);
        return [.. runs.Select(x => ToDto(x, null))];
    }

    /// <summary>Case numbers by id, for linking runs to their cases (deleted cases are left out).</summary>
    public async Task<Dictionary<Guid, string>> CaseNumbersAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Cases.AsNoTracking().Where(c => list.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Number, ct);
    }

    public async Task<RunDto?> RunAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Set<WorkflowRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null)
        {
            return null;
        }

        var log = await db.Set<WorkflowRunLog>().AsNoTracking().Where(l => l.RunId == runId).OrderBy(l => l.At).ThenBy(l => l.Id).ToListAsync(ct);
        return ToDto(run, log);
    }

    /// <summary>
    /// "Retry from this step": a failed run goes back to the step it failed on (or <paramref name="request"/>'s step),
    /// with its attempts counted afresh, and the worker picks it up on its next tick. Only failed runs can be retried.
    /// </summary>
    public async Task<Outcome<RunDto>> RetryAsync(Guid runId, RetryRequest request, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var run = await db.Set<WorkflowRun>().FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null)
        {
            return new Outcome<RunDto>.NotFound();
        }

        var errors = new FieldErrors();
        if (run.Status != RunStatus.Failed)
        {
            errors.Add("status", $"Only a failed run can be retried; this one is {run.Status.ToString().ToLowerInvariant()}.");
            return errors;
        }

        var version = await db.Set<WorkflowVersion>().AsNoTracking().FirstAsync(v => v.Id == run.WorkflowVersionId, ct);
        var definition = AutomationEngine.DefinitionOf(version);
        var stepId = request.StepId ?? run.CurrentStepId ?? definition.Steps![0].Id;
        if (definition.Steps!.All(s => s.Id != stepId))
        {
            errors.Add("stepId", $"Version {run.VersionNumber} of the workflow has no step '{stepId}'.");
            return errors;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % 10));
        run.CurrentStepId = stepId;
        run.StepAttempt = 0;
        run.StepStartedAt = null;
        run.Status = RunStatus.Running;
        run.DueAt = now;
        run.FinishedAt = null;
        run.Error = null;
        run.Version++;
        db.Add(new WorkflowRunLog { RunId = run.Id, StepId = stepId!, StepType = "retry", Outcome = "retry", Detail = $"retried from '{stepId}' by {actor.Name}", At = now });
        await db.SaveChangesAsync(ct);
        return ToDto(run, null);
    }

    /// <summary>What the workflow would do for a record now: whether its conditions hold and the steps it would take (following "ok" / "approved"), with rendered texts. Changes nothing.</summary>
    public async Task<Outcome<DryRunDto>> DryRunAsync(Guid id, DryRunRequest request, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var workflow = await db.Set<Workflow>().AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (workflow is null)
        {
            return new Outcome<DryRunDto>.NotFound();
        }

        var record = request.RecordId is { } recordId ? await RecordAccess.LoadAsync(db, workflow.RecordType, recordId, ct) : null;
        if (record is null)
        {
            var errors = new FieldErrors();
            errors.Add("recordId", request.RecordId is null ? "'recordId' is required." : $"No {workflow.RecordType} has the id '{request.RecordId}'.");
            return errors;
        }

        var version = await db.Set<WorkflowVersion>().AsNoTracking().FirstAsync(v => v.Id == workflow.CurrentVersionId, ct);
        var definition = AutomationEngine.DefinitionOf(version);
        var now = Instant.FromDateTimeUtc(clock.GetUtcNow().UtcDateTime);
        var used = await WorkflowSteps.ConditionCalendarsAsync(calendars, definition.Conditions, ct);
        var holds = ConditionEvaluator.Evaluate(definition.Conditions, new ConditionContext(record, new Dictionary<string, FieldChange>(), now, used));
        var calendar = await calendars.DefaultAsync(ct);
        var model = AutomationTemplates.Model(record, now, calendar.Calendar.NextOpen(now));
        var path = new List<string>();
        var rendered = new Dictionary<string, string>();
        var step = definition.Steps![0];
        while (step is not null && path.Count < definition.Steps.Count)
        {
            path.Add($"{step.Id} ({step.Type})");
            foreach (var (name, text) in new[] { ("title", step.Title), ("body", step.Body), ("subject", step.Subject) })
            {
                if (text is not null)
                {
                    rendered[$"{step.Id}.{name}"] = AutomationTemplates.Render(text, model);
                }
            }

            var next = WorkflowValidator.NextStep(definition.Steps, step, StepTypes.OutcomesOf(step.Type!)[0]);
            step = next is null ? null : definition.Steps.First(s => s.Id == next);
        }

        return new DryRunDto(holds, path, rendered);
    }

    internal static WorkflowDto ToDto(Workflow w, string definition) => new(
        w.Id, w.Name, w.Description, w.RecordType, w.Enabled, w.TriggerType, w.CurrentVersion, w.NextFireAt, w.CreatedAt, w.UpdatedAt, w.Version,
        JsonDocument.Parse(definition).RootElement);

    private static RunDto ToDto(WorkflowRun r, List<WorkflowRunLog>? log) => new(
        r.Id, r.WorkflowId, r.WorkflowName, r.VersionNumber, r.RecordType, r.RecordId, r.Trigger, r.Status, r.CurrentStepId, r.DueAt,
        r.StartedAt, r.FinishedAt, r.Error, r.Depth,
        log?.Select(l => new RunLogDto(l.StepId, l.StepType, l.Outcome, l.Detail, l.Output, l.Error, l.At, l.DurationMs)).ToList());
}
