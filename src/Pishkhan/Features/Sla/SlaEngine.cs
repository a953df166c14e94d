using System.Globalization;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Auditing;
using Pishkhan.Platform.Caching;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Sla;

/// <summary>One metric instance as computed now, with the target it ran against.</summary>
public sealed record SlaComputedInstance(SlaMetricTarget Target, SlaInstanceResult Result);

/// <summary>Everything one replay of a case produced: the selection (with its explanation), the calendar and the instances.</summary>
public sealed record SlaComputation(
    SlaSelection Selection,
    Guid? CalendarId,
    int? CalendarVersion,
    string CalendarName,
    BusinessCalendar Calendar,
    IReadOnlyList<SlaComputedInstance> Instances);

/// <summary>What every replay reads besides the case itself: the policies (parsed) and each status's category.</summary>
public sealed record SlaSetup(IReadOnlyList<SlaPolicyRules> Policies, IReadOnlyDictionary<Guid, StatusCategory> Statuses);

/// <summary>
/// Keeps a case's SLA instances, timers and SLA timeline events in step with its history. It runs inside the caller's
/// unit of work (the case handlers call it just before their <c>SaveChanges</c>, the sweeper and the recalculation job
/// inside their own transactions), so a case change and its SLA consequences commit together or not at all — nothing
/// depends on a process staying alive after the commit.
/// </summary>
public sealed class SlaEngine(CalendarResolver calendars, TimeProvider clock)
{
    public const string TimelineField = "sla";
    public const string AuthorName = "SLA";

    /// <summary>
    /// How long the policies and statuses read for a single case's replay are kept. A save on this node forgets them at
    /// once (<see cref="ForgetSetup"/>); a policy saved on another node is seen within this time, and the recalculation
    /// its save queues corrects the open cases either way.
    /// </summary>
    public static readonly TimeSpan SetupLifetime = TimeSpan.FromSeconds(5);

    private readonly CachedValue<SlaSetup> _setup = new(SetupLifetime, clock);

    /// <summary>After a policy is saved, deleted or reordered: the next single-case replay reads the policies afresh.</summary>
    public void ForgetSetup() => _setup.Forget();

    /// <summary>Reads the policies and statuses once, for a unit of work that replays many cases.</summary>
    public static async Task<SlaSetup> LoadSetupAsync(PishkhanDbContext db, CancellationToken ct = default) => new(
        [.. (await db.Set<SlaPolicy>().AsNoTracking().ToListAsync(ct)).Select(p => p.ToRules())],
        await db.CaseStatuses.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Category, ct));

    /// <summary>Replays the case at <paramref name="now"/> without writing anything.</summary>
    /// <param name="setup">Policies and statuses already read in this unit of work; read here when null.</param>
    public async Task<SlaComputation> ComputeAsync(
        PishkhanDbContext db, Case entity, DateTime now, IReadOnlyList<SlaInstance>? existing = null, SlaSetup? setup = null, CancellationToken ct = default)
    {
        setup ??= await _setup.GetAsync(c => LoadSetupAsync(db, c), ct);
        var selection = SlaPolicySelector.Select(setup.Policies, await FactsAsync(db, entity, setup.Policies, ct));
        if (selection.Policy is not { } policy)
        {
            return new SlaComputation(selection, null, null, "", SlaClock.AllDay, []);
        }

        var calendar = policy.Is24x7 ? null : await calendars.ForCalendarOrDefaultAsync(db, policy.CalendarId, ct);
        return Compute(entity, now, existing, setup, selection, calendar, await HistoryAsync(db, entity, setup.Statuses, now, ct));
    }

    /// <summary>The replay itself, on inputs already read: pure.</summary>
    /// <param name="calendar">The policy's calendar (the default when it follows the default); null for a 24×7 policy.</param>
    private static SlaComputation Compute(
        Case entity, DateTime now, IReadOnlyList<SlaInstance>? existing, SlaSetup setup, SlaSelection selection, ResolvedCalendar? calendar, SlaHistory history)
    {
        if (selection.Policy is not { } policy)
        {
            return new SlaComputation(selection, null, null, "", SlaClock.AllDay, []);
        }

        var statuses = setup.Statuses;
        var pauses = (policy.PauseStatusIds ?? statuses.Where(s => s.Value == StatusCategory.Waiting).Select(s => s.Key)).ToHashSet();
        var instant = ToInstant(now);
        var instances = new List<SlaComputedInstance>();
        foreach (var row in policy.Targets.Where(t => t.Priority == entity.Priority).OrderBy(t => t.Metric))
        {
            var target = new SlaMetricTarget(
                row.Metric,
                Duration.FromMinutes(row.Minutes),
                row.WarnMinutesBefore is { } before ? new SlaWarningPoint(Before: Duration.FromMinutes(before)) : new SlaWarningPoint(Percent: row.WarnPercent ?? 80),
                pauses)
            {
                AfterBreach = [.. policy.AfterBreachMinutes(row.Metric).Select(m => Duration.FromMinutes(m))],
            };
            var appliedAt = existing?.FirstOrDefault(i => i.PolicyId == policy.Id && i.Metric == row.Metric && i.Cycle == 1)?.AppliedAt ?? now;
            try
            {
                instances.AddRange(SlaClock.Compute(history, target, calendar?.Calendar ?? SlaClock.AllDay, instant, ToInstant(appliedAt)).Select(r => new SlaComputedInstance(target, r)));
            }
            catch (CalendarHorizonException)
            {
                // A calendar with no working time in reach has no due instant; the case must still save.
            }
        }

        return calendar is null
            ? new SlaComputation(selection, null, null, "24×7", SlaClock.AllDay, instances)
            : new SlaComputation(selection, calendar.Id, calendar.Version, calendar.Name, calendar.Calendar, instances);
    }

    /// <summary>
    /// Whether changing this case field (named as automation names it) can change the case's SLA. The replay reads the
    /// priority, the status and its history, the category, channel, product, team, account, contact and creation time,
    /// and the messages; policies select on those too. The subject, description, tags and custom fields are read by no
    /// policy and no target, so a change of only those leaves the SLA exactly as it was and need not replay it.
    /// Anything else (a field added later included) counts as affecting it.
    /// </summary>
    public static bool IsAffectedBy(string caseField) =>
        caseField is not ("subject" or "description" or "tags") && !caseField.StartsWith("customFields.", StringComparison.Ordinal);

    /// <summary>
    /// Replays the case and writes the result into <paramref name="db"/> (not saved): instance rows, timers, and timeline
    /// events for what changed. Instances of a policy that no longer applies are cancelled; the chosen policy's instances
    /// are computed from the case's whole history, so a late switch gives the answer it would have had from the start.
    /// </summary>
    /// <param name="recalculation">A reason when a calendar or policy edit caused this run: instances whose due instant moved get a "recalculated" event.</param>
    /// <param name="setup">Policies and statuses already read in this unit of work; read here when null.</param>
    public async Task<SlaComputation> ApplyAsync(
        PishkhanDbContext db, Case entity, DateTime now, string? recalculation = null, SlaSetup? setup = null, CancellationToken ct = default)
    {
        // Timeline text is stored once and read in both languages: ASCII digits and Gregorian UTC instants, whatever the
        // request's culture (fa would format dates in the Persian calendar). The change stays inside this async call.
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var set = db.Set<SlaInstance>();
        var isNew = db.Entry(entity).State == EntityState.Added;
        var rows = isNew ? [] : await set.Where(i => i.CaseId == entity.Id).ToListAsync(ct);
        var timers = isNew ? [] : await db.Set<SlaTimer>().Where(t => t.CaseId == entity.Id).ToListAsync(ct);

        // A second run in the same unit of work (the sweeper after an escalation) must see what the first one added and removed.
        rows.AddRange(db.ChangeTracker.Entries<SlaInstance>().Where(e => e.State == EntityState.Added && e.Entity.CaseId == entity.Id && !rows.Contains(e.Entity)).Select(e => e.Entity));
        timers.AddRange(db.ChangeTracker.Entries<SlaTimer>().Where(e => e.State == EntityState.Added && e.Entity.CaseId == entity.Id && !timers.Contains(e.Entity)).Select(e => e.Entity));
        timers.RemoveAll(t => db.Entry(t).State == EntityState.Deleted);
        var computation = await ComputeAsync(db, entity, now, rows, setup, ct);
        var writes = new SlaWrites();
        Write(writes, entity, now, recalculation, rows, timers, computation);
        db.AddRange(writes.AddedInstances);
        db.AddRange(writes.AddedTimers);
        foreach (var timer in writes.RemovedTimers)
        {
            db.Remove(timer);
        }

        db.TimelineEntries.AddRange(writes.Events);
        return computation;
    }

    /// <summary>
    /// <see cref="ApplyAsync"/> for many unchanged cases (the recalculation job), without change tracking: their instances,
    /// timers, status changes and messages are read with one query each for the whole batch (only the columns the
    /// replay needs), the facts policies need with one query per kind, and each calendar is resolved once — then every
    /// case is replayed exactly as <see cref="ApplyAsync"/> would, and what it changed is returned for
    /// <see cref="SlaBatchWriter"/> to store. Nothing is written here.
    /// </summary>
    /// <param name="cases">The cases (only the fields the replay reads need be set); nothing on them changes.</param>
    public async Task<SlaBatchChanges> ReplayBatchAsync(
        PishkhanDbContext db, IReadOnlyList<Case> cases, DateTime now, string? recalculation, SlaSetup setup, CancellationToken ct = default)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var changes = new SlaBatchChanges(now);
        if (cases.Count == 0)
        {
            return changes;
        }

        var ids = cases.Select(c => c.Id).ToList();
        var rows = (await SlaBatchReader.ReadAsync<SlaInstance>(db, null, nameof(SlaInstance.CaseId), ids, null, ct)).ToLookup(i => i.CaseId);
        var timers = (await SlaBatchReader.ReadAsync<SlaTimer>(db, TimerColumns, nameof(SlaTimer.CaseId), ids, null, ct)).ToLookup(t => t.CaseId);
        var statusChanges = (await SlaBatchReader.ReadAsync<AuditEntry>(
                db, AuditColumns, nameof(AuditEntry.EntityId), ids,
                equals => $"{equals(nameof(AuditEntry.EntityType), nameof(Case))} AND {equals(nameof(AuditEntry.Field), "statusId")}", ct))
            .OrderBy(a => a.At).ThenBy(a => a.Id)
            .ToLookup(a => a.EntityId, a => new AuditedStatus(a.At, a.OldValue, a.NewValue));
        var messages = (await SlaBatchReader.ReadAsync<TimelineEntry>(
                db, MessageColumns, nameof(TimelineEntry.CaseId), ids,
                equals => $"(({equals(nameof(TimelineEntry.Kind), TimelineKind.OutboundMessage)} AND {equals(nameof(TimelineEntry.IsPublic), true)} AND {equals(nameof(TimelineEntry.IsAutomated), false)}) "
                    + $"OR {equals(nameof(TimelineEntry.Kind), TimelineKind.InboundMessage)})",
                ct))
            .ToLookup(t => t.CaseId, t => (t.Kind, t.CreatedAt));
        var facts = await FactsAsync(db, cases, setup.Policies, ct);
        var resolved = new Dictionary<Guid, ResolvedCalendar>();
        ResolvedCalendar? defaultCalendar = null;
        foreach (var entity in cases)
        {
            var selection = SlaPolicySelector.Select(setup.Policies, facts[entity.Id]);
            ResolvedCalendar? calendar = null;
            if (selection.Policy is { Is24x7: false } policy)
            {
                if (policy.CalendarId is { } calendarId && !resolved.TryGetValue(calendarId, out calendar) && (calendar = await calendars.ForCalendarAsync(calendarId, ct)) is not null)
                {
                    resolved[calendarId] = calendar;
                }

                calendar ??= defaultCalendar ??= await calendars.DefaultAsync(ct);
            }

            var history = History(entity, setup.Statuses, entity.StatusId, now, [.. statusChanges[entity.Id]], [.. messages[entity.Id]]);
            var caseRows = rows[entity.Id].ToList();
            var caseTimers = timers[entity.Id].ToList();
            changes.Read(caseRows, caseTimers);
            var computation = Compute(entity, now, caseRows, setup, selection, calendar, history);
            Write(changes.Writes, entity, now, recalculation, caseRows, caseTimers, computation);
        }

        return changes;
    }

    private static readonly string[] TimerColumns =
        [nameof(SlaTimer.Id), nameof(SlaTimer.InstanceId), nameof(SlaTimer.CaseId), nameof(SlaTimer.Level), nameof(SlaTimer.DueAt), nameof(SlaTimer.FiredAt)];

    private static readonly string[] AuditColumns =
        [nameof(AuditEntry.Id), nameof(AuditEntry.EntityType), nameof(AuditEntry.EntityId), nameof(AuditEntry.Field), nameof(AuditEntry.At), nameof(AuditEntry.OldValue), nameof(AuditEntry.NewValue)];

    private static readonly string[] MessageColumns = [nameof(TimelineEntry.CaseId), nameof(TimelineEntry.Kind), nameof(TimelineEntry.CreatedAt)];

    /// <summary>Collects one replay's result in <paramref name="writes"/>: instance rows, timers, and timeline events for what changed.</summary>
    private static void Write(SlaWrites writes, Case entity, DateTime now, string? recalculation, List<SlaInstance> rows, List<SlaTimer> timers, SlaComputation computation)
    {
        var policy = computation.Selection.Policy;
        var kept = new HashSet<Guid>();
        foreach (var (target, result) in computation.Instances)
        {
            var row = rows.FirstOrDefault(i => i.PolicyId == policy!.Id && i.Metric == result.Metric && i.Cycle == result.Cycle);
            var before = row is null ? null : new { row.State, row.AchievedAt, row.DueAt, row.IsOpen };
            if (row is null)
            {
                row = new SlaInstance { CaseId = entity.Id, PolicyId = policy!.Id, Metric = result.Metric, Cycle = result.Cycle, AppliedAt = now };
                writes.AddedInstances.Add(row);
                rows.Add(row);
            }

            row.PolicyVersion = policy!.Version;
            row.State = result.State;
            row.IsOpen = result.IsActive;
            row.StartedAt = ToDateTime(result.StartedAt);
            row.TargetSeconds = (long)result.Target.TotalSeconds;
            row.ElapsedSeconds = (long)Math.Floor(result.Elapsed.TotalSeconds);
            row.DueAt = ToDateTime(result.DueAt);
            row.WarnAt = ToDateTime(result.WarnAt);
            row.BreachedAt = ToDateTime(result.BreachedAt);
            row.AchievedAt = ToDateTime(result.AchievedAt);
            row.AchievedSeconds = result.AchievedElapsed is { } achieved ? (long)Math.Floor(achieved.TotalSeconds) : null;
            row.CalendarId = computation.CalendarId;
            row.CalendarVersion = computation.CalendarVersion;
            row.ComputedAt = now;
            kept.Add(row.Id);

            var label = $"{Label(result.Metric, result.Cycle)} ({policy.Name})";
            if (before is null)
            {
                Timeline(writes, entity.Id, result.Metric, result.Cycle, SlaEventKind.Applied, $"{label}: {Describe(row)}", now);
            }
            else
            {
                if (before.AchievedAt is null && row.AchievedAt is not null)
                {
                    Timeline(writes, entity.Id, result.Metric, result.Cycle, SlaEventKind.Fulfilled, $"{label}: fulfilled after {Minutes(row.AchievedSeconds)} business minutes{(row.BreachedAt is null ? "" : " (late)")}", now);
                }
                else if (before.State != SlaState.Cancelled && row.State == SlaState.Cancelled)
                {
                    Timeline(writes, entity.Id, result.Metric, result.Cycle, SlaEventKind.Cancelled, $"{label}: cancelled (the case was resolved)", now);
                }
                else if (before.State != SlaState.Paused && row.State == SlaState.Paused)
                {
                    Timeline(writes, entity.Id, result.Metric, result.Cycle, SlaEventKind.Paused, $"{label}: paused after {Minutes(row.ElapsedSeconds)} business minutes", now);
                }
                else if ((before.State == SlaState.Paused || !before.IsOpen) && row.IsOpen && row.State != SlaState.Paused)
                {
                    Timeline(writes, entity.Id, result.Metric, result.Cycle, SlaEventKind.Resumed, $"{label}: {(before.IsOpen ? "resumed" : "reopened")}, {Describe(row)}", now);
                }
                else if (recalculation is not null && before.DueAt != row.DueAt)
                {
                    Timeline(writes, entity.Id, result.Metric, result.Cycle, SlaEventKind.Recalculated, $"{label}: recalculated after {recalculation}; {Describe(row)}", now);
                }
            }

            SyncTimers(writes, timers, row, result, entity.Id);
        }

        foreach (var row in rows.Where(r => !kept.Contains(r.Id) && r.IsOpen))
        {
            var policyName = computation.Selection.Checks.FirstOrDefault(c => c.PolicyId == row.PolicyId)?.Name ?? "a deleted policy";
            var why = policy is null ? "no policy applies to the case any more"
                : policy.Id == row.PolicyId ? $"the policy has no {row.Metric} target for {entity.Priority} priority"
                : $"policy '{policy.Name}' applies now";
            row.State = SlaState.Cancelled;
            row.IsOpen = false;
            row.DueAt = null;
            row.WarnAt = null;
            row.ComputedAt = now;
            Timeline(writes, entity.Id, row.Metric, row.Cycle, SlaEventKind.Cancelled, $"{Label(row.Metric, row.Cycle)} ({policyName}): cancelled, {why}", now);
        }

        foreach (var timer in timers.Where(t => t.FiredAt is null && !kept.Contains(t.InstanceId)))
        {
            writes.Remove(timer);
        }
    }

    /// <summary>Every level not yet fired gets a timer at the instant it is (or was) reached; a level with no due instant now (paused, fulfilled) has none.</summary>
    private static void SyncTimers(SlaWrites writes, List<SlaTimer> timers, SlaInstance row, SlaInstanceResult result, Guid caseId)
    {
        foreach (var level in result.Levels)
        {
            var timer = timers.FirstOrDefault(t => t.InstanceId == row.Id && t.Level == level.Key);
            if (timer is { FiredAt: not null })
            {
                continue;
            }

            // A level reached in the past that never fired (the replay found it, e.g. after a calendar edit) fires now.
            var due = level.ReachedAt ?? level.DueAt;
            if (result.IsActive && due is { } at)
            {
                if (timer is null)
                {
                    timer = new SlaTimer { InstanceId = row.Id, CaseId = caseId, Level = level.Key, DueAt = ToDateTime(at) };
                    writes.AddedTimers.Add(timer);
                    timers.Add(timer);
                }
                else if (timer.DueAt != ToDateTime(at))
                {
                    timer.DueAt = ToDateTime(at);
                }
            }
            else if (timer is not null)
            {
                writes.Remove(timer);
                timers.Remove(timer);
            }
        }
    }

    internal static void Timeline(PishkhanDbContext db, Guid caseId, SlaMetric metric, int cycle, SlaEventKind kind, string body, DateTime now) =>
        db.TimelineEntries.Add(Event(caseId, metric, cycle, kind, body, now));

    private static void Timeline(SlaWrites writes, Guid caseId, SlaMetric metric, int cycle, SlaEventKind kind, string body, DateTime now) =>
        writes.Events.Add(Event(caseId, metric, cycle, kind, body, now));

    private static TimelineEntry Event(Guid caseId, SlaMetric metric, int cycle, SlaEventKind kind, string body, DateTime now) =>
        new()
        {
            CaseId = caseId,
            Kind = TimelineKind.Event,
            Field = TimelineField,
            OldValue = MetricKey(metric, cycle),
            NewValue = kind.ToString().ToLowerInvariant(),
            Body = body,
            AuthorName = AuthorName,
            CreatedAt = now,
        };

    internal static string MetricKey(SlaMetric metric, int cycle)
    {
        var key = char.ToLowerInvariant(metric.ToString()[0]) + metric.ToString()[1..];
        return cycle > 1 ? $"{key}#{cycle}" : key;
    }

    internal static string Label(SlaMetric metric, int cycle)
    {
        var name = metric switch
        {
            SlaMetric.FirstResponse => "First response",
            SlaMetric.NextResponse => "Next response",
            SlaMetric.PeriodicUpdate => "Periodic update",
            _ => "Resolution",
        };
        return cycle > 1 ? $"{name} #{cycle}" : name;
    }

    private static string Describe(SlaInstance row) => row.State switch
    {
        SlaState.Paused => $"paused, {Minutes(row.ElapsedSeconds)} of {Minutes(row.TargetSeconds)} business minutes used",
        SlaState.Succeeded => "already fulfilled",
        SlaState.Cancelled => "not running",
        _ => row.DueAt is { } due ? $"due {due:yyyy-MM-dd HH:mm:ss}Z" : "no due instant",
    };

    private static long Minutes(long? seconds) => (seconds ?? 0) / 60;

    /// <summary><see cref="FactsAsync(PishkhanDbContext, Case, IReadOnlyList{SlaPolicyRules}, CancellationToken)"/> for a batch: one query per kind of fact the policies read.</summary>
    private static async Task<Dictionary<Guid, SlaCaseFacts>> FactsAsync(PishkhanDbContext db, IReadOnlyList<Case> cases, IReadOnlyList<SlaPolicyRules> policies, CancellationToken ct)
    {
        Dictionary<Guid, Guid?> parents = [];
        if (policies.Any(p => p.Conditions.CategoryIds.Count > 0) && cases.Any(c => c.CategoryId is not null))
        {
            parents = await db.Categories.AsNoTracking().Select(c => new { c.Id, c.ParentId }).ToDictionaryAsync(c => c.Id, c => c.ParentId, ct);
        }

        Dictionary<Guid, List<string>> tags = [];
        if (policies.Any(p => p.Conditions.ContactTags.Count > 0))
        {
            var contactIds = cases.Select(c => c.ContactId).Distinct().ToList();
            tags = await db.Contacts.AsNoTracking().Where(c => contactIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Tags, ct);
        }

        Dictionary<Guid, string?> tiers = [];
        if (policies.Any(p => p.Conditions.AccountTiers.Count > 0))
        {
            var accountIds = cases.Where(c => c.AccountId is not null).Select(c => c.AccountId!.Value).Distinct().ToList();
            tiers = await db.Accounts.AsNoTracking().Where(a => accountIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Tier, ct);
        }

        var facts = new Dictionary<Guid, SlaCaseFacts>(cases.Count);
        foreach (var entity in cases)
        {
            var path = new List<Guid>();
            if (entity.CategoryId is { } categoryId)
            {
                path.Add(categoryId);
                for (var at = categoryId; parents.TryGetValue(at, out var parent) && parent is { } p && !path.Contains(p); at = p)
                {
                    path.Add(p);
                }
            }

            IReadOnlyCollection<string> contactTags = tags.TryGetValue(entity.ContactId, out var t) ? t : [];
            var tier = entity.AccountId is { } accountId && tiers.TryGetValue(accountId, out var found) ? found : null;
            facts[entity.Id] = new SlaCaseFacts(entity.Priority, path, entity.Channel, entity.Product, tier, contactTags, entity.TeamId);
        }

        return facts;
    }

    private static async Task<SlaCaseFacts> FactsAsync(PishkhanDbContext db, Case entity, IReadOnlyList<SlaPolicyRules> policies, CancellationToken ct)
    {
        var path = new List<Guid>();
        if (entity.CategoryId is { } categoryId)
        {
            path.Add(categoryId);
            if (policies.Any(p => p.Conditions.CategoryIds.Count > 0))
            {
                var parents = await db.Categories.AsNoTracking().Select(c => new { c.Id, c.ParentId }).ToDictionaryAsync(c => c.Id, c => c.ParentId, ct);
                for (var at = categoryId; parents.TryGetValue(at, out var parent) && parent is { } p && !path.Contains(p); at = p)
                {
                    path.Add(p);
                }
            }
        }

        IReadOnlyCollection<string> contactTags = [];
        if (policies.Any(p => p.Conditions.ContactTags.Count > 0))
        {
            contactTags = await db.Contacts.AsNoTracking().Where(c => c.Id == entity.ContactId).Select(c => c.Tags).FirstOrDefaultAsync(ct) ?? [];
        }

        string? tier = null;
        if (entity.AccountId is { } accountId && policies.Any(p => p.Conditions.AccountTiers.Count > 0))
        {
            tier = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.Tier).FirstOrDefaultAsync(ct);
        }

        return new SlaCaseFacts(entity.Priority, path, entity.Channel, entity.Product, tier, contactTags, entity.TeamId);
    }

    /// <summary>
    /// The case's own history: status changes from the audit trail (ids, not names, so renaming a status changes
    /// nothing) plus the change being saved, public agent replies that are not automated, and inbound customer messages.
    /// </summary>
    private static async Task<SlaHistory> HistoryAsync(PishkhanDbContext db, Case entity, IReadOnlyDictionary<Guid, StatusCategory> categories, DateTime now, CancellationToken ct)
    {
        var entry = db.Entry(entity);
        var isNew = entry.State == EntityState.Added;
        var audited = new List<AuditedStatus>();
        var messages = new List<(TimelineKind Kind, DateTime At)>();
        if (!isNew)
        {
            audited.AddRange((await db.AuditEntries.AsNoTracking()
                .Where(a => a.EntityType == nameof(Case) && a.EntityId == entity.Id && a.Field == "statusId")
                .OrderBy(a => a.At).ThenBy(a => a.Id).Select(a => new { a.At, a.OldValue, a.NewValue }).ToListAsync(ct))
                .Select(a => new AuditedStatus(a.At, a.OldValue, a.NewValue)));
            messages.AddRange((await db.TimelineEntries.AsNoTracking()
                .Where(t => t.CaseId == entity.Id && ((t.Kind == TimelineKind.OutboundMessage && t.IsPublic && !t.IsAutomated) || t.Kind == TimelineKind.InboundMessage))
                .Select(t => new { t.Kind, t.CreatedAt }).ToListAsync(ct)).Select(t => (t.Kind, t.CreatedAt)));
        }

        messages.AddRange(db.ChangeTracker.Entries<TimelineEntry>()
            .Where(e => e.State == EntityState.Added && e.Entity.CaseId == entity.Id)
            .Select(e => e.Entity)
            .Where(t => (t.Kind == TimelineKind.OutboundMessage && t.IsPublic && !t.IsAutomated) || t.Kind == TimelineKind.InboundMessage)
            .Select(t => (t.Kind, t.CreatedAt)));
        return History(entity, categories, isNew ? entity.StatusId : entry.Property(c => c.StatusId).OriginalValue, now, audited, messages);
    }

    /// <summary>A status change from the audit trail (ids as text).</summary>
    private sealed record AuditedStatus(DateTime At, string? OldValue, string? NewValue);

    /// <summary>
    /// The history from what was read: the status the case was created with (the first audited change's old value, else
    /// the status as last saved), each audited change, the change being saved (when <paramref name="savedStatus"/>
    /// differs from the case's status now), and the messages; pure.
    /// </summary>
    private static SlaHistory History(
        Case entity, IReadOnlyDictionary<Guid, StatusCategory> categories, Guid savedStatus, DateTime now, List<AuditedStatus> audited, List<(TimelineKind Kind, DateTime At)> messages)
    {
        bool Resolved(Guid id) => categories.TryGetValue(id, out var c) && c >= StatusCategory.Resolved;
        var initial = audited.Count > 0 && Guid.TryParse(audited[0].OldValue, out var first) ? first : savedStatus;
        var changes = new List<SlaStatusChange> { new(ToInstant(entity.CreatedAt), initial, Resolved(initial)) };
        foreach (var a in audited)
        {
            if (Guid.TryParse(a.NewValue, out var id))
            {
                changes.Add(new SlaStatusChange(ToInstant(a.At), id, Resolved(id)));
            }
        }

        if (savedStatus != entity.StatusId)
        {
            changes.Add(new SlaStatusChange(ToInstant(now), entity.StatusId, Resolved(entity.StatusId)));
        }

        return new SlaHistory(
            ToInstant(entity.CreatedAt),
            changes,
            [.. messages.Where(m => m.Kind == TimelineKind.OutboundMessage).Select(m => ToInstant(m.At))],
            [.. messages.Where(m => m.Kind == TimelineKind.InboundMessage).Select(m => ToInstant(m.At))]);
    }

    internal static Instant ToInstant(DateTime utc) => Instant.FromDateTimeUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    /// <summary>Whole microseconds, rounded up (PostgreSQL keeps microseconds): a stored due instant is never before the real one.</summary>
    internal static DateTime ToDateTime(Instant instant)
    {
        var utc = instant.ToDateTimeUtc();
        var extra = utc.Ticks % 10;
        return extra == 0 ? utc : utc.AddTicks(10 - extra);
    }

    internal static DateTime? ToDateTime(Instant? instant) => instant is { } i ? ToDateTime(i) : null;
}
