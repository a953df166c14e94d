using System.Data.Common;
using System.Diagnostics;
using Cronos;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Automation;

public sealed class AutomationOptions
{
    /// <summary>Run the worker in this process (tests that drive <see cref="AutomationEngine.TickAsync"/> by hand turn it off).</summary>
    public bool Background { get; set; } = true;

    public int IntervalMs { get; set; } = 250;

    /// <summary>How long a chain of automated changes may get (a run caused by a run caused by …) before runs stop.</summary>
    public int MaxDepth { get; set; } = 5;

    /// <summary>At most this many runs caused by automated changes per record per hour; then runs stop with an error.</summary>
    public int MaxAutomatedRunsPerRecordPerHour { get; set; } = 100;

    /// <summary>Finished runs (with their logs) and processed outbox events are kept this many days.</summary>
    public int KeepDays { get; set; } = 90;
}

/// <summary>
/// The background half of automation. A tick (1) turns outbox events into runs, (2) fires scheduled workflows,
/// (3) advances due runs. Every piece of work is claimed with a lease first (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>;
/// SQLite: a conditional update), so two app processes on one database share the work and never both do one item; and
/// every state change commits in one transaction with its effects, so a crash repeats at most the unfinished step.
/// </summary>
public sealed class AutomationEngine(
    IDbContextFactory<PishkhanDbContext> dbFactory,
    TimeProvider clock,
    CalendarResolver calendars,
    WorkflowSteps steps,
    IOptions<AutomationOptions> options,
    ILogger<AutomationEngine> log)
{
    public const int BatchSize = 200;
    public const int MaxStepsPerClaim = 100;
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    public string Owner { get; } = $"{Guid.NewGuid():N}/{Environment.ProcessId}" is var owner && owner.Length > 100 ? owner[..100] : owner;

    /// <summary>One pass over events, schedules and due runs; returns how many items were handled.</summary>
    public async Task<int> TickAsync(CancellationToken ct = default)
    {
        var done = await ProcessEventsAsync(ct);
        done += await FireSchedulesAsync(ct);
        done += await RunDueAsync(ct);
        await PurgeAsync(ct);
        return done;
    }

    private DateTime _lastPurge = DateTime.MinValue;

    /// <summary>At most once an hour: deletes runs finished, and outbox events processed, more than <see cref="AutomationOptions.KeepDays"/> ago.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct = default)
    {
        var now = Now();
        if (now - _lastPurge < TimeSpan.FromHours(1))
        {
            return 0;
        }

        _lastPurge = now;
        var cutoff = now.AddDays(-Math.Max(1, options.Value.KeepDays));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var old = db.Set<WorkflowRun>().Where(r => r.FinishedAt != null && r.FinishedAt < cutoff).Select(r => r.Id);
        await db.Set<WorkflowRunLog>().Where(l => old.Contains(l.RunId)).ExecuteDeleteAsync(ct);
        await db.Set<WorkflowApproval>().Where(a => old.Contains(a.RunId)).ExecuteDeleteAsync(ct);
        var runs = await db.Set<WorkflowRun>().Where(r => r.FinishedAt != null && r.FinishedAt < cutoff).ExecuteDeleteAsync(ct);
        await db.Set<AutomationEvent>().Where(e => e.ProcessedAt != null && e.ProcessedAt < cutoff).ExecuteDeleteAsync(ct);
        return runs;
    }

    /// <summary>Ticks until nothing is left to do now (tests; at most <paramref name="maxTicks"/>).</summary>
    public async Task<int> RunUntilIdleAsync(int maxTicks = 50, CancellationToken ct = default)
    {
        var total = 0;
        for (var i = 0; i < maxTicks; i++)
        {
            var done = await TickAsync(ct);
            total += done;
            if (done == 0)
            {
                break;
            }
        }

        return total;
    }

    internal static WorkflowDefinition DefinitionOf(WorkflowVersion version) => CompiledWorkflow.Of(version).Definition;

    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % 10));
    }

    // ---- events -------------------------------------------------------------------------------------------------

    private async Task<int> ProcessEventsAsync(CancellationToken ct)
    {
        var ids = await ClaimAsync("AutomationEvents", "\"ProcessedAt\" IS NULL", "\"CreatedAt\"", ct);
        if (ids.Count == 0)
        {
            return 0;
        }

        // All claimed events in one transaction; if anything in it fails, nothing of it is kept and each event is
        // processed again on its own, so one bad event cannot hold back (or duplicate) the others' runs.
        if (await ProcessEventBatchAsync(ids, ct))
        {
            return ids.Count;
        }

        foreach (var id in ids)
        {
            try
            {
                await ProcessEventAsync(id, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Automation event {EventId} failed; it is tried again when its lease runs out.", id);
            }
        }

        return ids.Count;
    }

    /// <returns>False when the batch was not kept (rolled back), so the events are to be processed one by one.</returns>
    private async Task<bool> ProcessEventBatchAsync(List<Guid> ids, CancellationToken ct)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.Actor = Actor.System;
            await db.Database.OpenConnectionAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = Now();
            var order = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
            var events = (await db.Set<AutomationEvent>().AsNoTracking().Where(e => ids.Contains(e.Id) && e.ProcessedAt == null).ToListAsync(ct))
                .OrderBy(e => e.CreatedAt).ThenBy(e => order[e.Id]).ToList();
            var pending = events.Select(e => e.Id).ToList();
            // Marked processed first, conditionally: a second worker that got here too finds nothing to do; if it was
            // quicker for some of them, this batch steps aside and the events go one by one.
            var marked = pending.Count == 0 ? 0 : await db.Set<AutomationEvent>().Where(e => pending.Contains(e.Id) && e.ProcessedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.ProcessedAt, now), ct);
            if (marked != pending.Count)
            {
                await transaction.RollbackAsync(ct);
                return false;
            }

            if (events.Count > 0)
            {
                var scope = await MatchScope.LoadAsync(db, ct);
                await scope.PrefetchCasesAsync(db, events, ct);
                foreach (var ev in events)
                {
                    await MatchAsync(db, ev, scope, now, ct);
                }

                await db.SaveChangesAsync(ct);
            }

            await transaction.CommitAsync(ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "A batch of {Count} automation events failed; they are processed one by one.", ids.Count);
            return false;
        }
    }

    private async Task ProcessEventAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = Actor.System;
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = Now();
        // Marking it processed first, conditionally, makes a second worker that got here too find nothing to do.
        var marked = await db.Set<AutomationEvent>().Where(e => e.Id == id && e.ProcessedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.ProcessedAt, now), ct);
        var ev = marked == 1 ? await db.Set<AutomationEvent>().AsNoTracking().FirstAsync(e => e.Id == id, ct) : null;
        if (ev is null)
        {
            return;
        }

        await MatchAsync(db, ev, await MatchScope.LoadAsync(db, ct), now, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>The enabled event-triggered workflows with their current versions, and the records read so far, for one unit of work.</summary>
    private sealed class MatchScope(List<Workflow> workflows, Dictionary<Guid, WorkflowVersion> versions)
    {
        private readonly Dictionary<(string, Guid), RecordSnapshot?> _records = [];

        public List<Workflow> Workflows => workflows;

        public Dictionary<Guid, WorkflowVersion> Versions => versions;

        public static async Task<MatchScope> LoadAsync(PishkhanDbContext db, CancellationToken ct)
        {
            var workflows = await db.Set<Workflow>().AsNoTracking().Where(w => w.Enabled && w.TriggerType != TriggerTypes.Scheduled).ToListAsync(ct);
            var versionIds = workflows.Select(w => w.CurrentVersionId).ToList();
            var versions = workflows.Count == 0 ? [] : await db.Set<WorkflowVersion>().AsNoTracking().Where(v => versionIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, ct);
            return new MatchScope(workflows, versions);
        }

        /// <summary>Reads the cases of many events at once (three queries), when some workflow may need them.</summary>
        public async Task PrefetchCasesAsync(PishkhanDbContext db, List<AutomationEvent> events, CancellationToken ct)
        {
            var ids = events.Where(e => e.RecordType == "case" && MayReadRecord(e)).Select(e => e.RecordId).Distinct().ToList();
            if (ids.Count == 0)
            {
                return;
            }

            var found = await RecordAccess.LoadCasesAsync(db, ids, ct);
            foreach (var id in ids)
            {
                _records[("case", id)] = found.GetValueOrDefault(id);
            }
        }

        /// <summary>
        /// Whether matching this event may read its record: some workflow on its record type could start a run or
        /// schedule one from it. Most changes automation itself writes (an <c>updated</c> event for a workflow listening
        /// for <c>created</c>) need no record at all. Conservative: a status change is enriched before matching, so it counts.
        /// </summary>
        private bool MayReadRecord(AutomationEvent ev)
        {
            foreach (var workflow in workflows)
            {
                if (workflow.RecordType != ev.RecordType)
                {
                    continue;
                }

                var definition = DefinitionOf(versions[workflow.CurrentVersionId]);
                var trigger = definition.Trigger!;
                if (definition.IsRealtime || (ev.OriginWorkflowId == workflow.Id && !trigger.IncludeOwnChanges))
                {
                    continue;
                }

                if (trigger.Type == TriggerTypes.Relative
                    ? ev.Kind is TriggerTypes.Created or TriggerTypes.Updated
                    : ev.Changes.ContainsKey("statusId") || TriggerMatcher.Matches(trigger, ev.Kind, ev.Changes))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The record as it is now (read once per unit of work: matching changes nothing), or its last values from a deleted event.</summary>
        public async Task<RecordSnapshot> RecordAsync(PishkhanDbContext db, AutomationEvent ev, CancellationToken ct)
        {
            if (!_records.TryGetValue((ev.RecordType, ev.RecordId), out var record))
            {
                record = await RecordAccess.LoadAsync(db, ev.RecordType, ev.RecordId, ct);
                _records[(ev.RecordType, ev.RecordId)] = record;
            }

            return record ?? RecordSnapshot.Deleted(ev.RecordType, ev.RecordId, ev.Changes);
        }
    }

    /// <summary>Turns one event into runs of the workflows whose trigger and conditions match (added to <paramref name="db"/>, not saved).</summary>
    private async Task MatchAsync(PishkhanDbContext db, AutomationEvent ev, MatchScope scope, DateTime now, CancellationToken ct)
    {
        Dictionary<string, FieldChange>? changes = null;
        foreach (var workflow in scope.Workflows)
        {
            if (workflow.RecordType != ev.RecordType)
            {
                continue;
            }

            var version = scope.Versions[workflow.CurrentVersionId];
            var definition = DefinitionOf(version);
            var trigger = definition.Trigger!;
            if (definition.IsRealtime)
            {
                continue; // ran inside the change's own transaction (RealtimeAutomation)
            }

            if (ev.OriginWorkflowId == workflow.Id && !trigger.IncludeOwnChanges)
            {
                continue; // a workflow is not re-triggered by its own changes unless it says so
            }

            if (trigger.Type == TriggerTypes.Relative)
            {
                if (ev.Kind is TriggerTypes.Created or TriggerTypes.Updated)
                {
                    await ScheduleRelativeAsync(db, workflow, version, trigger, await scope.RecordAsync(db, ev, ct), ev, now, ct);
                }

                continue;
            }

            changes ??= await EnrichAsync(db, ev.Changes, ct);
            if (!TriggerMatcher.Matches(trigger, ev.Kind, changes))
            {
                continue;
            }

            var record = await scope.RecordAsync(db, ev, ct);
            var used = await WorkflowSteps.ConditionCalendarsAsync(calendars, definition.Conditions, ct);
            // "Now" in a condition is when the change happened, not when the worker got to it.
            if (!ConditionEvaluator.Evaluate(definition.Conditions, new ConditionContext(record, changes, ToInstant(ev.CreatedAt), used)))
            {
                continue;
            }

            var run = NewRun(workflow, version, definition, ev.RecordType, ev.RecordId, ev.Kind, changes, ev.Depth, now);
            db.Append(run); // before its log lines, which refer to it
            Log(db, run.Id, "trigger", ev.Kind, "matched", Describe(ev, changes), now);
            if (definition.Conditions is not null)
            {
                Log(db, run.Id, "conditions", "conditions", "true", "the conditions hold", now);
            }

            await GuardAsync(db, run, ev, now, ct);
        }
    }

    /// <summary>Loop protection: too deep a chain of automated changes, or too many automated runs on one record in an hour, stop the run.</summary>
    private async Task GuardAsync(PishkhanDbContext db, WorkflowRun run, AutomationEvent ev, DateTime now, CancellationToken ct)
    {
        if (ev.Depth == 0)
        {
            return;
        }

        var o = options.Value;
        string? error = null;
        if (ev.Depth > o.MaxDepth)
        {
            error = $"Stopped: the change came from a chain of {ev.Depth} automated changes (at most {o.MaxDepth}); a loop between workflows?";
        }
        else
        {
            var since = now.AddHours(-1);
            var recent = await db.Set<WorkflowRun>().CountAsync(r => r.RecordType == run.RecordType && r.RecordId == run.RecordId && r.Depth > 0 && r.StartedAt > since && r.Status != RunStatus.Stopped, ct)
                + db.Appended<WorkflowRun>().Count(r => r != run && r.RecordId == run.RecordId && r.Depth > 0 && r.Status != RunStatus.Stopped);
            if (recent >= o.MaxAutomatedRunsPerRecordPerHour)
            {
                error = $"Stopped: {recent} runs caused by automated changes on this record in the last hour (at most {o.MaxAutomatedRunsPerRecordPerHour}).";
            }
        }

        if (error is not null)
        {
            run.Status = RunStatus.Stopped;
            run.Error = error;
            run.DueAt = null;
            run.FinishedAt = now;
            Log(db, run.Id, "guard", "loop", "stopped", error, now, error);
            if (log.IsEnabled(LogLevel.Error))
            {
                log.LogError("Workflow {Workflow} on {RecordType} {RecordId}: {Error}", run.WorkflowName, run.RecordType, run.RecordId, error);
            }
            if (run.RecordType == "case")
            {
                Timeline(db, run, $"{run.WorkflowName}: {error}", now);
            }
        }
    }

    private async Task ScheduleRelativeAsync(PishkhanDbContext db, Workflow workflow, WorkflowVersion version, TriggerDefinition trigger, RecordSnapshot record, AutomationEvent ev, DateTime now, CancellationToken ct)
    {
        if (record.DateOf(trigger.Field!) is not { } at)
        {
            return;
        }

        var key = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        // Also one scheduled earlier in this unit of work (a batch of events may hold two changes of one record).
        if (db.Appended<WorkflowRun>().Any(r => r.WorkflowId == workflow.Id && r.RecordId == record.Id && r.TriggerKey == key)
            || await db.Set<WorkflowRun>().AnyAsync(r => r.WorkflowId == workflow.Id && r.RecordId == record.Id && r.TriggerKey == key, ct))
        {
            return;
        }

        var due = await OffsetAsync(at, trigger.Offset!, trigger.CalendarId, ct);
        var run = NewRun(workflow, version, DefinitionOf(version), record.Type, record.Id, TriggerTypes.Relative, [], ev.Depth, now);
        run.TriggerKey = key;
        run.CurrentStepId = null; // the trigger itself waits; conditions are checked when it fires
        run.Status = RunStatus.Waiting;
        run.DueAt = due < now ? now : due;
        db.Append(run); // before its log line, which refers to it
        Log(db, run.Id, "trigger", TriggerTypes.Relative, "scheduled", $"{trigger.Field} = {at:yyyy-MM-dd HH:mm}Z; fires {run.DueAt:yyyy-MM-dd HH:mm}Z", now);
    }

    private async Task<DateTime> OffsetAsync(DateTime at, DurationDefinition offset, Guid? calendarId, CancellationToken ct)
    {
        var result = at + offset.WallClock;
        if (!offset.IsBusiness)
        {
            return result;
        }

        var calendar = await CalendarAsync(offset.CalendarId ?? calendarId, null, ct);
        var instant = ToInstant(result);
        var business = NodaTime.Duration.FromTimeSpan(offset.Business);
        return (business < NodaTime.Duration.Zero ? calendar.Calendar.Subtract(instant, -business) : calendar.Calendar.Add(instant, business)).ToDateTimeUtc();
    }

    internal static async Task<Dictionary<string, FieldChange>> EnrichAsync(PishkhanDbContext db, Dictionary<string, FieldChange> changes, CancellationToken ct)
    {
        if (!changes.TryGetValue("statusId", out var status))
        {
            return changes;
        }

        var ids = new[] { status.From, status.To }.Where(s => s is not null).Select(s => Guid.Parse(s!)).ToList();
        var statuses = await db.CaseStatuses.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id.ToString(), ct);
        var enriched = new Dictionary<string, FieldChange>(changes)
        {
            ["status"] = new(status.From is { } f && statuses.TryGetValue(f, out var a) ? a.Name : null, status.To is { } t && statuses.TryGetValue(t, out var b) ? b.Name : null),
        };
        var fromCategory = status.From is { } f2 && statuses.TryGetValue(f2, out var c) ? RecordSchema.Name(c.Category) : null;
        var toCategory = status.To is { } t2 && statuses.TryGetValue(t2, out var d) ? RecordSchema.Name(d.Category) : null;
        if (fromCategory != toCategory)
        {
            enriched["statusCategory"] = new(fromCategory, toCategory);
        }

        return enriched;
    }

    private static WorkflowRun NewRun(Workflow workflow, WorkflowVersion version, WorkflowDefinition definition, string recordType, Guid recordId, string trigger, Dictionary<string, FieldChange> changes, int depth, DateTime now) => new()
    {
        WorkflowId = workflow.Id,
        WorkflowVersionId = version.Id,
        VersionNumber = version.Number,
        WorkflowName = workflow.Name,
        RecordType = recordType,
        RecordId = recordId,
        Trigger = trigger,
        Changes = changes,
        Depth = depth,
        Status = RunStatus.Running,
        CurrentStepId = definition.Steps![0].Id,
        DueAt = now,
        StartedAt = now,
    };

    private static string Describe(AutomationEvent ev, Dictionary<string, FieldChange> changes) =>
        changes.Count == 0 ? ev.Kind : $"{ev.Kind}: {string.Join("; ", changes.Select(c => $"{c.Key} '{c.Value.From}' → '{c.Value.To}'"))}" + (ev.Depth > 0 ? $" (automated change, depth {ev.Depth})" : "");

    // ---- schedules ----------------------------------------------------------------------------------------------

    private async Task<int> FireSchedulesAsync(CancellationToken ct)
    {
        var now = Now();
        List<Workflow> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            due = await db.Set<Workflow>().AsNoTracking().Where(w => w.Enabled && w.NextFireAt != null && w.NextFireAt <= now).ToListAsync(ct);
        }

        var fired = 0;
        foreach (var workflow in due)
        {
            try
            {
                fired += await FireScheduleAsync(workflow, now, ct) ? 1 : 0;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Scheduled workflow {Workflow} failed to fire.", workflow.Name);
            }
        }

        return fired;
    }

    private async Task<bool> FireScheduleAsync(Workflow workflow, DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = Actor.System;
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var version = await db.Set<WorkflowVersion>().AsNoTracking().FirstAsync(v => v.Id == workflow.CurrentVersionId, ct);
        var definition = DefinitionOf(version);
        var next = await NextFireAsync(definition.Trigger!, now, ct);
        // Only the process that moves NextFireAt on from the value it read fires this occurrence.
        var moved = await db.Set<Workflow>().Where(w => w.Id == workflow.Id && w.NextFireAt == workflow.NextFireAt)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.NextFireAt, next), ct);
        if (moved != 1)
        {
            return false;
        }

        var calendar = await CalendarAsync(definition.Trigger!.CalendarId, null, ct);
        if (!definition.Trigger.OnlyWhileOpen || calendar.Calendar.IsOpen(ToInstant(now)))
        {
            // A scheduled workflow runs for each open record that meets its conditions.
            var open = await db.Cases.AsNoTracking().Where(c => c.ClosedAt == null && c.ResolvedAt == null).OrderBy(c => c.CreatedAt).Select(c => c.Id).Take(1000).ToListAsync(ct);
            var used = await WorkflowSteps.ConditionCalendarsAsync(calendars, definition.Conditions, ct);
            foreach (var caseId in open)
            {
                var record = await RecordAccess.LoadAsync(db, "case", caseId, ct);
                if (record is not null && ConditionEvaluator.Evaluate(definition.Conditions, new ConditionContext(record, new Dictionary<string, FieldChange>(), ToInstant(now), used)))
                {
                    var run = NewRun(workflow, version, definition, "case", caseId, TriggerTypes.Scheduled, [], 0, now);
                    db.Add(run);
                    Log(db, run.Id, "trigger", TriggerTypes.Scheduled, "matched", $"cron '{definition.Trigger.Cron}' at {workflow.NextFireAt:yyyy-MM-dd HH:mm}Z", now);
                }
            }
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>The next instant after <paramref name="after"/> that the trigger's cron expression names, in its calendar's zone.</summary>
    public async Task<DateTime?> NextFireAsync(TriggerDefinition trigger, DateTime after, CancellationToken ct)
    {
        if (trigger.Type != TriggerTypes.Scheduled || trigger.Cron is null)
        {
            return null;
        }

        var calendar = await CalendarAsync(trigger.CalendarId, null, ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(calendar.Zone.Id);
        return CronExpression.Parse(trigger.Cron).GetNextOccurrence(DateTime.SpecifyKind(after, DateTimeKind.Utc), zone);
    }

    // ---- runs ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// Steps that only change the database (no waiting, nothing sent out of the process before the commit): a batch may
    /// run them for many runs in one transaction and, if the batch is given up, run them again one by one.
    /// Waits, approvals, webhooks, SMS and new records always go one run at a time.
    /// </summary>
    private static readonly HashSet<string> Batchable =
    [
        StepTypes.SetField, StepTypes.AddTag, StepTypes.RemoveTag, StepTypes.Assign, StepTypes.Notify,
        StepTypes.CreateTask, StepTypes.Reply, StepTypes.SendEmail,
    ];

    private async Task<int> RunDueAsync(CancellationToken ct)
    {
        var ids = await ClaimAsync("WorkflowRuns", $"\"Status\" IN ({(int)RunStatus.Running}, {(int)RunStatus.Waiting}) AND \"DueAt\" IS NOT NULL AND \"DueAt\" <= @now", "\"DueAt\"", ct);
        if (ids.Count == 0)
        {
            return 0;
        }

        try
        {
            var single = await AdvanceBatchAsync(ids, ct);
            foreach (var id in single)
            {
                try
                {
                    await AdvanceAsync(id, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "Workflow run {RunId} failed to advance; it is tried again when its lease runs out.", id);
                }
            }
        }
        finally
        {
            await ReleaseAsync(ids);
        }

        return ids.Count;
    }

    /// <summary>
    /// Advances many claimed runs in one transaction: in rounds, each round one step of every run whose current step is
    /// <see cref="Batchable"/> (one run per record per round, so every step still saves as its own change of the record,
    /// with its own audit rows and outbox event), saved per workflow so changes carry the right origin and author. Runs
    /// go on until they wait, end, or reach a step that is not batchable; the transaction commits once at the end.
    /// If anything throws, the whole batch rolls back (nothing of it was kept or sent) and every run goes one by one.
    /// </summary>
    /// <returns>The runs to advance one by one (their next step is not batchable, or the batch was given up).</returns>
    private async Task<List<Guid>> AdvanceBatchAsync(List<Guid> ids, CancellationToken ct)
    {
        var single = new List<Guid>();
        var afterCommit = new List<Action>();
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await db.Database.OpenConnectionAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = Now();
            var order = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
            // The runs are not tracked: each round writes their new state itself, under the version read (RunColumns).
            var runs = (await db.Set<WorkflowRun>().AsNoTracking().Where(r => ids.Contains(r.Id) && r.LeaseOwner == Owner && (r.Status == RunStatus.Running || r.Status == RunStatus.Waiting)).ToListAsync(ct))
                .Where(r => r.DueAt is not null && r.DueAt <= now).OrderBy(r => order[r.Id]).ToList();
            // SLA policies and statuses, and calendars, once for the batch (setField and assign recompute the case's
            // SLA); the batch holds the write turn on SQLite, so they cannot change under it.
            var scope = new BatchScope(runs.Count == 0 ? new Sla.SlaSetup([], new Dictionary<Guid, StatusCategory>()) : await Sla.SlaEngine.LoadSetupAsync(db, ct));
            var active = new List<(WorkflowRun Run, WorkflowDefinition Definition)>();
            foreach (var run in runs)
            {
                active.Add((run, await CompiledWorkflow.OfAsync(db, run.WorkflowVersionId, ct)));
            }

            for (var round = 0; round < MaxStepsPerClaim && active.Count > 0; round++)
            {
                now = Now();
                var records = new HashSet<Guid>();
                var due = new List<(WorkflowRun Run, WorkflowDefinition Definition, StepDefinition Step)>();
                foreach (var (run, definition) in active.ToList())
                {
                    var step = run.CurrentStepId is { } stepId ? definition.Steps!.FirstOrDefault(s => s.Id == stepId) : null;
                    if (step is null || !Batchable.Contains(step.Type!) || run.Trigger == TriggerTypes.Deleted || run.RecordType != "case")
                    {
                        single.Add(run.Id);
                        active.Remove((run, definition));
                    }
                    else if (records.Add(run.RecordId))
                    {
                        due.Add((run, definition, step)); // a second run on the same record takes its step in the next round
                    }
                }

                if (due.Count == 0)
                {
                    break;
                }

                var snapshots = await RecordAccess.LoadCasesAsync(db, records, ct);
                foreach (var group in due.GroupBy(d => (d.Run.WorkflowId, d.Run.WorkflowName, d.Run.Depth)))
                {
                    db.Actor = Actor.System with { Name = $"{WorkflowSteps.AuthorName}: {group.Key.WorkflowName}" };
                    AutomationOutbox.Origin = new AutomationOrigin(group.Key.WorkflowId, group.First().Run.Id, group.Key.Depth);
                    var caseIds = group.Select(d => d.Run.RecordId).ToList(); // any of a run's steps this round may change its case
                    scope.Cases.Clear();
                    if (caseIds.Count > 0)
                    {
                        foreach (var entity in await db.Cases.Include(c => c.Status).Where(c => caseIds.Contains(c.Id)).ToListAsync(ct))
                        {
                            scope.Cases[entity.Id] = entity;
                        }
                    }

                    var advanced = new List<(WorkflowRun Row, object Read)>();
                    foreach (var (run, definition, step) in group)
                    {
                        if (!snapshots.TryGetValue(run.RecordId, out var record))
                        {
                            single.Add(run.Id); // the record is gone: the one-by-one path records that
                            active.Remove((run, definition));
                            continue;
                        }

                        // The run's consecutive batchable steps, one after the other on the tracked case: one change of it.
                        for (var current = step; current is not null; current = NextBatchable(run, definition))
                        {
                            var (goOn, after) = await ApplyStepAsync(db, run, definition, current, record, now, batch: true, ct, scope);
                            afterCommit.AddRange(after);
                            if (!goOn)
                            {
                                active.Remove((run, definition));
                                break;
                            }

                            record = scope.Cases.TryGetValue(run.RecordId, out var changed) ? RecordAccess.Refreshed(record, changed) : record;
                        }

                        advanced.Add((run, run.Version)); // written under the version it has in the database
                        run.Version++;
                        run.LeaseUntil = now + Lease;
                    }

                    await db.SaveChangesAsync(ct);
                    await UntrackedRows.UpdateAsync(db, advanced, RunColumns, nameof(WorkflowRun.Version), ct);

                    // What is saved need not be tracked any more (steps read the record afresh): a small change tracker
                    // keeps each later save's and each step's change detection short.
                    db.ChangeTracker.Clear();
                    scope.Cases.Clear();
                }

                AutomationOutbox.Origin = null;
            }

            await transaction.CommitAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Rolled back: no step of the batch was kept, and nothing was sent. Every run goes one by one, where a
            // failing step is recorded on its own run.
            log.LogWarning(e, "A batch of {Count} workflow runs was given up; they are advanced one by one.", ids.Count);
            return ids;
        }
        finally
        {
            AutomationOutbox.Origin = null;
        }

        foreach (var action in afterCommit)
        {
            action();
        }

        return single;
    }

    /// <summary>What a batch of runs reads once and shares between its steps (it holds the write turn, so none of it changes under it).</summary>
    private sealed class BatchScope(Sla.SlaSetup slaSetup)
    {
        /// <summary>SLA policies and statuses (setField and assign recompute the case's SLA).</summary>
        public Sla.SlaSetup SlaSetup => slaSetup;

        /// <summary>Each team's calendar (Guid.Empty: no team, the default), resolved once per batch.</summary>
        public Dictionary<Guid, ResolvedCalendar> Calendars { get; } = [];

        /// <summary>The cases of the steps being taken, read tracked (with their status) in one query.</summary>
        public Dictionary<Guid, Case> Cases { get; } = [];
    }

    /// <summary>What advancing a run can change: the columns a batch writes for each run it advanced.</summary>
    private static readonly string[] RunColumns =
    [
        nameof(WorkflowRun.Status), nameof(WorkflowRun.CurrentStepId), nameof(WorkflowRun.StepAttempt), nameof(WorkflowRun.StepStartedAt),
        nameof(WorkflowRun.DueAt), nameof(WorkflowRun.FinishedAt), nameof(WorkflowRun.Error), nameof(WorkflowRun.LeaseUntil), nameof(WorkflowRun.Version),
    ];

    /// <summary>The run's current step when it is <see cref="Batchable"/> (it goes on in the same change of the record); else null.</summary>
    private static StepDefinition? NextBatchable(WorkflowRun run, WorkflowDefinition definition) =>
        run.Status == RunStatus.Running && run.CurrentStepId is { } id && definition.Steps!.FirstOrDefault(s => s.Id == id) is { } step && Batchable.Contains(step.Type!)
            ? step
            : null;

    /// <summary>Runs steps of one claimed run until it waits, ends or fails; each step commits with the run's new state.</summary>
    private async Task AdvanceAsync(Guid runId, CancellationToken ct)
    {
        try
        {
            for (var i = 0; i < MaxStepsPerClaim; i++)
            {
                if (!await StepAsync(runId, ct))
                {
                    break;
                }
            }
        }
        finally
        {
            await ReleaseAsync([runId]);
        }
    }

    /// <summary>Gives up this worker's leases on runs (in a transaction, so on SQLite it waits its turn at the write gate).</summary>
    private async Task ReleaseAsync(List<Guid> ids)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await db.Database.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        await db.Set<WorkflowRun>().Where(r => ids.Contains(r.Id) && r.LeaseOwner == Owner)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseOwner, (string?)null).SetProperty(r => r.LeaseUntil, (DateTime?)null), CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
    }

    /// <returns>Whether the run goes straight on to another step.</returns>
    private async Task<bool> StepAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = Now();
        var run = await db.Set<WorkflowRun>().FirstOrDefaultAsync(r => r.Id == runId && r.LeaseOwner == Owner && (r.Status == RunStatus.Running || r.Status == RunStatus.Waiting), ct);
        if (run is null || run.DueAt is null || run.DueAt > now)
        {
            return false;
        }

        db.Actor = Actor.System with { Name = $"{WorkflowSteps.AuthorName}: {run.WorkflowName}" };
        var definition = await CompiledWorkflow.OfAsync(db, run.WorkflowVersionId, ct);
        var record = await RecordAccess.LoadAsync(db, run.RecordType, run.RecordId, ct);
        if (record is null && run.Trigger == TriggerTypes.Deleted)
        {
            record = RecordSnapshot.Deleted(run.RecordType, run.RecordId, run.Changes); // steps that need the record itself fail; notify and webhook work
        }

        if (record is null)
        {
            Finish(db, run, RunStatus.Failed, now, "The record no longer exists.", timeline: false);
            Log(db, run.Id, run.CurrentStepId ?? "trigger", "", "failed", "the record no longer exists", now, "The record no longer exists.");
            return await SaveAsync(db, run, [], continueAfter: false, ct);
        }

        if (run.CurrentStepId is null)
        {
            return await FireRelativeAsync(db, run, definition, record, now, ct);
        }

        var step = definition.Steps!.First(s => s.Id == run.CurrentStepId);
        await using var transaction = step.Type == StepTypes.CreateRecord ? await db.Database.BeginTransactionAsync(ct) : null;
        AutomationOutbox.Origin = new AutomationOrigin(run.WorkflowId, run.Id, run.Depth);
        try
        {
            var (goOn, afterCommit) = await ApplyStepAsync(db, run, definition, step, record, now, batch: false, ct);

            // The run's consecutive batchable steps go on in the same change of the record, as in a batch.
            while (goOn && transaction is null && Batchable.Contains(step.Type!) && NextBatchable(run, definition) is { } next)
            {
                record = db.Cases.Local.FindEntry(run.RecordId) is { } tracked ? RecordAccess.Refreshed(record, tracked.Entity) : record;
                List<Action> after;
                (goOn, after) = await ApplyStepAsync(db, run, definition, next, record, now, batch: false, ct);
                afterCommit.AddRange(after);
            }

            return await SaveAsync(db, run, afterCommit, goOn, ct, transaction);
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
        {
            // The database refused the step's changes (a constraint): they are dropped, and this run alone fails with
            // the reason, on this step (so "retry from this step" can take it up again) — it is not retried for ever.
            if (transaction is not null)
            {
                await transaction.RollbackAsync(ct);
            }

            await FailUnsavedAsync(runId, step, e, ct);
            return false;
        }
        finally
        {
            AutomationOutbox.Origin = null;
        }
    }

    private async Task FailUnsavedAsync(Guid runId, StepDefinition step, DbUpdateException e, CancellationToken ct)
    {
        var reason = (e.InnerException ?? e).Message;
        log.LogError(e, "The changes of step {Step} of workflow run {RunId} could not be saved; the run fails.", step.Id, runId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = Now();
        var run = await db.Set<WorkflowRun>().FirstOrDefaultAsync(r => r.Id == runId && r.LeaseOwner == Owner, ct);
        if (run is null)
        {
            return;
        }

        db.Actor = Actor.System with { Name = $"{WorkflowSteps.AuthorName}: {run.WorkflowName}" };
        Log(db, run.Id, step.Id!, step.Type!, "failed", "the step's changes could not be saved", now, reason);
        Finish(db, run, RunStatus.Failed, now, $"Step '{step.Id}' failed: {reason}");
        run.Version++;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Runs one step into <paramref name="db"/> (not saved) and moves the run on: its log line, and the next step, a wait
    /// or the end. A step that throws fails its run — unless in a batch, where the exception gives the batch up.
    /// </summary>
    private async Task<(bool GoOn, List<Action> AfterCommit)> ApplyStepAsync(
        PishkhanDbContext db, WorkflowRun run, WorkflowDefinition definition, StepDefinition step, RecordSnapshot record, DateTime now, bool batch, CancellationToken ct, BatchScope? scope = null)
    {
        var teamId = record.Get("teamId") is string team ? Guid.Parse(team) : (Guid?)null;
        ResolvedCalendar? calendar = null;
        if (scope is null || !scope.Calendars.TryGetValue(teamId ?? Guid.Empty, out calendar))
        {
            calendar = await CalendarAsync(null, teamId, ct);
            scope?.Calendars.Add(teamId ?? Guid.Empty, calendar);
        }

        var model = AutomationTemplates.Model(record, ToInstant(now), calendar.Calendar.NextOpen(ToInstant(now)));
        var context = new StepContext(db, run, step, record, now, calendar.Calendar, model) { SlaSetup = scope?.SlaSetup, Cases = scope?.Cases };
        var watch = Stopwatch.StartNew();
        StepResult result;
        try
        {
            result = await steps.ExecuteAsync(context, ct);
        }
        catch (Exception e) when (!batch && e is not OperationCanceledException and not DbUpdateConcurrencyException)
        {
            log.LogWarning(e, "Step {Step} of workflow {Workflow} failed.", step.Id, run.WorkflowName);
            result = new StepResult.Fail(e.Message);
        }

        var elapsed = watch.Elapsed.TotalMilliseconds;
        // A step that failed is tried again after its backoff while it has attempts left (maxAttempts, default 1; a
        // webhook counts its own attempts and answers "failed" or a wait itself).
        DateTime? retryAt = null;
        if (result is StepResult.Fail && step.Type != StepTypes.Webhook && run.StepAttempt + 1 < (step.MaxAttempts ?? 1))
        {
            run.StepAttempt++;
            retryAt = now + TimeSpan.FromSeconds(step.BackoffSeconds ?? 30) * Math.Pow(2, run.StepAttempt - 1);
        }

        var outcome = result switch
        {
            StepResult.Done done => done.Outcome,
            StepResult.Suspend => "waiting",
            _ when retryAt is not null => "retrying",
            _ => "failed",
        };
        var detail = retryAt is { } at ? $"attempt {run.StepAttempt} of {step.MaxAttempts} failed: {result.Detail}; retry at {at:yyyy-MM-dd HH:mm:ss}Z" : result.Detail;
        Log(db, run.Id, step.Id!, step.Type!, outcome, detail, now, result is StepResult.Fail failed ? failed.Error : null, result.Output, elapsed);
        var goOn = false;
        switch (result)
        {
            case StepResult.Done done:
                if (done.Outcome == "failed" && step.On?.ContainsKey("failed") != true)
                {
                    Finish(db, run, RunStatus.Failed, now, $"Step '{step.Id}' failed: {done.Detail}");
                    break;
                }

                var next = WorkflowValidator.NextStep(definition.Steps!, step, done.Outcome);
                if (next is null)
                {
                    Finish(db, run, RunStatus.Completed, now, null);
                }
                else
                {
                    run.CurrentStepId = next;
                    run.StepAttempt = 0;
                    run.StepStartedAt = null;
                    run.Status = RunStatus.Running;
                    run.DueAt = now;
                    goOn = true;
                }

                break;
            case StepResult.Suspend suspend:
                run.Status = RunStatus.Waiting;
                run.DueAt = suspend.Until;
                break;
            case StepResult.Fail when retryAt is not null:
                run.Status = RunStatus.Waiting;
                run.DueAt = retryAt;
                break;
            case StepResult.Fail fail:
                Finish(db, run, RunStatus.Failed, now, $"Step '{step.Id}' failed: {fail.Error}");
                break;
        }

        return (goOn, context.AfterCommit);
    }

    private async Task<bool> FireRelativeAsync(PishkhanDbContext db, WorkflowRun run, WorkflowDefinition definition, RecordSnapshot record, DateTime now, CancellationToken ct)
    {
        var trigger = definition.Trigger!;
        var at = record.DateOf(trigger.Field!);
        if (at?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) != run.TriggerKey)
        {
            Log(db, run.Id, "trigger", TriggerTypes.Relative, "skipped", $"{trigger.Field} changed since the run was scheduled", now);
            Finish(db, run, RunStatus.Skipped, now, null, timeline: false);
            return await SaveAsync(db, run, [], false, ct);
        }

        var used = await WorkflowSteps.ConditionCalendarsAsync(calendars, definition.Conditions, ct);
        if (!ConditionEvaluator.Evaluate(definition.Conditions, new ConditionContext(record, run.Changes, ToInstant(now), used)))
        {
            Log(db, run.Id, "conditions", "conditions", "false", "the conditions do not hold; nothing to do", now);
            Finish(db, run, RunStatus.Skipped, now, null, timeline: false);
            return await SaveAsync(db, run, [], false, ct);
        }

        Log(db, run.Id, "trigger", TriggerTypes.Relative, "fired", $"{trigger.Field} + offset reached", now);
        run.CurrentStepId = definition.Steps![0].Id;
        run.Status = RunStatus.Running;
        run.DueAt = now;
        return await SaveAsync(db, run, [], true, ct);
    }

    private async Task<bool> SaveAsync(PishkhanDbContext db, WorkflowRun run, List<Action> afterCommit, bool continueAfter, CancellationToken ct, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? transaction = null)
    {
        run.Version++;
        run.LeaseUntil = Now() + Lease;
        try
        {
            await db.SaveChangesAsync(ct);
            if (transaction is not null)
            {
                await transaction.CommitAsync(ct);
            }
        }
        catch (DbUpdateConcurrencyException e)
        {
            // The record (or the run) changed under the step; nothing was saved, so the step runs again on the fresh record.
            if (log.IsEnabled(LogLevel.Information))
            {
                log.LogInformation(e, "Workflow run {RunId} met a concurrent change; the step runs again.", run.Id);
            }

            return true;
        }

        foreach (var action in afterCommit)
        {
            action();
        }

        return continueAfter;
    }

    private static void Finish(PishkhanDbContext db, WorkflowRun run, RunStatus status, DateTime now, string? error, bool timeline = true)
    {
        run.Status = status;
        run.Error = error is { Length: > 2000 } ? error[..2000] : error;
        run.DueAt = null;
        run.FinishedAt = now;
        if (timeline && run.RecordType == "case" && run.Trigger != TriggerTypes.Deleted)
        {
            Timeline(db, run, status == RunStatus.Completed ? $"{run.WorkflowName} (v{run.VersionNumber}) completed" : $"{run.WorkflowName} (v{run.VersionNumber}) {status.ToString().ToLowerInvariant()}: {error}", now);
        }
    }

    /// <summary>The run's end on the case's timeline, appended (no workflow or report reacts to these entries).</summary>
    private static void Timeline(PishkhanDbContext db, WorkflowRun run, string body, DateTime now) => db.Append(new TimelineEntry
    {
        CaseId = run.RecordId,
        Kind = TimelineKind.Event,
        Field = "automation",
        OldValue = run.Id.ToString(),
        NewValue = run.Status.ToString().ToLowerInvariant(),
        Body = body,
        AuthorName = $"{WorkflowSteps.AuthorName}: {run.WorkflowName}",
        CreatedAt = now,
    });

    /// <summary>A line of the run's log, written with the next save (appended: nobody edits a log line).</summary>
    private static void Log(PishkhanDbContext db, Guid runId, string stepId, string stepType, string outcome, string detail, DateTime now, string? error = null, string? output = null, double durationMs = 0) =>
        db.Append(new WorkflowRunLog
        {
            RunId = runId,
            StepId = stepId,
            StepType = stepType,
            Outcome = outcome,
            Detail = detail,
            Error = error,
            Output = output,
            At = now,
            DurationMs = durationMs,
        });

    private async Task<ResolvedCalendar> CalendarAsync(Guid? calendarId, Guid? teamId, CancellationToken ct) =>
        (calendarId is { } id ? await calendars.ForCalendarAsync(id, ct) : null)
        ?? (teamId is { } team ? await calendars.ForTeamAsync(team, ct) : null)
        ?? await calendars.DefaultAsync(ct);

    private static Instant ToInstant(DateTime utc) => Instant.FromDateTimeUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    // ---- leases -------------------------------------------------------------------------------------------------

    /// <summary>Claims up to <see cref="BatchSize"/> due, unleased rows of a table for this worker, oldest first.</summary>
    private async Task<List<Guid>> ClaimAsync(string table, string where, string order, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = Now();
        var until = now + Lease;
        await db.Database.OpenConnectionAsync(ct);
        var free = $"({where}) AND (\"LeaseUntil\" IS NULL OR \"LeaseUntil\" < @now)";
        if (db.IsPostgres)
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"""
                UPDATE "{table}" SET "LeaseOwner" = @owner, "LeaseUntil" = @until
                WHERE "Id" IN (SELECT "Id" FROM "{table}" WHERE {free} ORDER BY {order} LIMIT {BatchSize} FOR UPDATE SKIP LOCKED)
                RETURNING "Id"
                """;
            Parameter(command, "owner", Owner);
            Parameter(command, "until", until);
            Parameter(command, "now", now);
            var ids = new List<Guid>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetGuid(0));
            }

            return ids;
        }

        // SQLite: one read takes no write lock when nothing is due; due rows are claimed by a conditional update.
        var candidates = new List<Guid>();
        await using (var select = db.Database.GetDbConnection().CreateCommand())
        {
            select.CommandText = $"SELECT \"Id\" FROM \"{table}\" WHERE {free} ORDER BY {order} LIMIT {BatchSize}";
            Parameter(select, "now", now);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                candidates.Add(reader.GetGuid(0));
            }
        }

        if (candidates.Count == 0)
        {
            return candidates;
        }

        // One conditional update for all of them (one commit, not one per row); a row another worker took meanwhile
        // no longer meets the condition and is not returned. In a transaction of its own, so it takes its turn at the
        // app's write gate (SqliteWriteGate) instead of meeting a busy database and sleeping in the driver's retries.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await using var update = db.Database.GetDbConnection().CreateCommand();
        update.Transaction = transaction.GetDbTransaction();
        var names = candidates.Select((id, i) => $"@id{i}").ToList();
        update.CommandText = $"UPDATE \"{table}\" SET \"LeaseOwner\" = @owner, \"LeaseUntil\" = @until WHERE \"Id\" IN ({string.Join(", ", names)}) AND {free} RETURNING \"Id\"";
        Parameter(update, "owner", Owner);
        Parameter(update, "until", until);
        Parameter(update, "now", now);
        for (var i = 0; i < candidates.Count; i++)
        {
            Parameter(update, $"id{i}", candidates[i]);
        }

        var claimed = new HashSet<Guid>();
        await using (var reader = await update.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                claimed.Add(reader.GetGuid(0));
            }
        }

        await transaction.CommitAsync(ct);
        var mine = candidates.Where(claimed.Contains).ToList(); // in the order of the read (oldest first)
        return mine;
    }

    private static void Parameter(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}

/// <summary>Whether an outbox event is what a trigger waits for. Pure.</summary>
public static class TriggerMatcher
{
    private static readonly string[] AssignmentFields = ["ownerId", "teamId"];

    public static bool Matches(TriggerDefinition trigger, string eventKind, IReadOnlyDictionary<string, FieldChange> changes)
    {
        switch (trigger.Type)
        {
            case TriggerTypes.Updated when eventKind == TriggerTypes.Updated:
                if (trigger.Fields is not { Count: > 0 } fields)
                {
                    return FromTo(trigger, null, changes);
                }

                // The first listed field that changed is the one from / to compare (plain loops: this runs per workflow per change).
                foreach (var field in fields)
                {
                    if (changes.ContainsKey(field))
                    {
                        return FromTo(trigger, field, changes);
                    }
                }

                return false;
            case TriggerTypes.StatusChanged when eventKind == TriggerTypes.Updated:
                return changes.ContainsKey("status") && FromTo(trigger, "status", changes);
            case TriggerTypes.Assigned when eventKind == TriggerTypes.Updated:
                return AssignmentFields.Any(k => changes.TryGetValue(k, out var c) && c.To is not null);
            case TriggerTypes.Created or TriggerTypes.Deleted or TriggerTypes.MessageReceived or TriggerTypes.SlaWarning or TriggerTypes.SlaBreached or TriggerTypes.SatisfactionRated:
                return eventKind == trigger.Type;
            default:
                return false;
        }
    }

    private static bool FromTo(TriggerDefinition trigger, string? field, IReadOnlyDictionary<string, FieldChange> changes)
    {
        if (trigger.From is null && trigger.To is null)
        {
            return true;
        }

        if (field is null || !changes.TryGetValue(field, out var change))
        {
            return false;
        }

        return (trigger.From is null || string.Equals(trigger.From, change.From, StringComparison.OrdinalIgnoreCase))
            && (trigger.To is null || string.Equals(trigger.To, change.To, StringComparison.OrdinalIgnoreCase));
    }
}
