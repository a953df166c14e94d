using Microsoft.EntityFrameworkCore;
using Pishkhan.Calendar;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Sla;

public sealed record SlaEventDto(SlaEventKind Kind, DateTime At, string? Note);

public sealed record SlaTimerDto(string Level, DateTime DueAt, DateTime? FiredAt);

/// <summary>One instance: where it stands now (business seconds), its deadlines, its events and its timers.</summary>
public sealed record SlaInstanceDto(
    Guid? Id,
    SlaMetric Metric,
    int Cycle,
    SlaState State,
    Guid PolicyId,
    string PolicyName,
    DateTime StartedAt,
    long TargetSeconds,
    long ElapsedSeconds,
    long? RemainingSeconds,
    DateTime? DueAt,
    DateTime? WarnAt,
    DateTime? BreachedAt,
    DateTime? AchievedAt,
    long? AchievedSeconds,
    IReadOnlyList<SlaEventDto> Events,
    IReadOnlyList<SlaTimerDto> Timers);

public sealed record SlaCaseDto(
    Guid CaseId,
    Guid? PolicyId,
    string? PolicyName,
    Guid? CalendarId,
    string? CalendarName,
    IReadOnlyList<SlaPolicyCheck> Explanation,
    IReadOnlyList<SlaInstanceDto> Instances,
    DateTime ComputedAt);

/// <summary>What a case list shows per case: the instances that are not cancelled, from the stored rows (no replay).</summary>

/// <summary>
/// Reads SLA state. <see cref="ForCaseAsync"/> replays the case now (so it is exact to the second even between
/// changes) and explains which policy applies and why; <see cref="ForCasesAsync"/> reads stored rows for a page of cases.
/// </summary>
public sealed class GetCaseSla(IDbContextFactory<PishkhanDbContext> dbFactory, SlaEngine engine, CalendarResolver resolver, TimeProvider clock)
{
    public async Task<SlaCaseDto?> ForCaseAsync(Guid caseId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entity = await db.Cases.VisibleTo(db, actor).AsNoTracking().FirstOrDefaultAsync(c => c.Id == caseId, ct);
        if (entity is null)
        {
            return null;
        }

        db.Attach(entity);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.Set<SlaInstance>().AsNoTracking().Where(i => i.CaseId == caseId).ToListAsync(ct);
        var timers = await db.Set<SlaTimer>().AsNoTracking().Where(t => t.CaseId == caseId).ToListAsync(ct);
        var names = await db.Set<SlaPolicy>().AsNoTracking().Select(p => new { p.Id, p.Name }).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var computation = await engine.ComputeAsync(db, entity, now, rows, ct: ct);
        var policy = computation.Selection.Policy;
        var nowInstant = SlaEngine.ToInstant(now);
        var instances = new List<SlaInstanceDto>();
        foreach (var (_, r) in computation.Instances)
        {
            var row = rows.FirstOrDefault(i => i.PolicyId == policy!.Id && i.Metric == r.Metric && i.Cycle == r.Cycle);
            long? remaining = r.IsActive && r.State != SlaState.Paused && r.DueAt is { } due && r.BreachedAt is null
                ? (long)computation.Calendar.Between(nowInstant, due).TotalSeconds
                : null;
            instances.Add(new SlaInstanceDto(
                row?.Id, r.Metric, r.Cycle, r.State, policy!.Id, policy.Name, SlaEngine.ToDateTime(r.StartedAt), (long)r.Target.TotalSeconds,
                (long)r.Elapsed.TotalSeconds, remaining, SlaEngine.ToDateTime(r.DueAt), SlaEngine.ToDateTime(r.WarnAt), SlaEngine.ToDateTime(r.BreachedAt),
                SlaEngine.ToDateTime(r.AchievedAt), r.AchievedElapsed is { } a ? (long)a.TotalSeconds : null,
                [.. r.Events.Select(e => new SlaEventDto(e.Kind, SlaEngine.ToDateTime(e.At), e.Note))],
                TimersOf(timers, row?.Id)));
        }

        // Earlier policies' instances stay as history (cancelled when the policy stopped applying, or finished).
        foreach (var row in rows.Where(i => i.PolicyId != policy?.Id).OrderBy(i => i.AppliedAt).ThenBy(i => i.Metric).ThenBy(i => i.Cycle))
        {
            instances.Add(new SlaInstanceDto(
                row.Id, row.Metric, row.Cycle, row.State, row.PolicyId, names.GetValueOrDefault(row.PolicyId, "(deleted policy)"), row.StartedAt, row.TargetSeconds,
                row.ElapsedSeconds, null, row.DueAt, row.WarnAt, row.BreachedAt, row.AchievedAt, row.AchievedSeconds, [], TimersOf(timers, row.Id)));
        }

        return new SlaCaseDto(caseId, policy?.Id, policy?.Name, computation.CalendarId, policy is null ? null : computation.CalendarName,
            computation.Selection.Checks, instances, now);
    }

    /// <summary>The non-cancelled instances of each case in <paramref name="caseIds"/> (a page of a case list), from stored rows.</summary>
    /// <summary>
    /// The active instances (in progress, nearing breach, paused, or breached and still open) of a page of cases, from
    /// the stored rows — no replay — with the business time left (or overdue) worked out now on each row's calendar.
    /// The caller has already checked that the cases are visible.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<SlaInstanceDto>>> ForCasesAsync(IReadOnlyCollection<Guid> caseIds, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = caseIds.Distinct().ToList();
        var rows = await db.Set<SlaInstance>().AsNoTracking().Where(i => ids.Contains(i.CaseId) && i.IsOpen).ToListAsync(ct);
        var policyIds = rows.Select(r => r.PolicyId).Distinct().ToList();
        var names = await db.Set<SlaPolicy>().AsNoTracking().Where(p => policyIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var calendars = new Dictionary<Guid, BusinessCalendar>();
        foreach (var id in rows.Select(r => r.CalendarId).OfType<Guid>().Distinct())
        {
            if (await resolver.ForCalendarAsync(id, ct) is { } resolved)
            {
                calendars[id] = resolved.Calendar;
            }
        }

        var now = SlaEngine.ToInstant(clock.GetUtcNow().UtcDateTime);
        return rows.GroupBy(r => r.CaseId).ToDictionary(g => g.Key, g => (IReadOnlyList<SlaInstanceDto>)[.. g.OrderBy(r => r.Metric).ThenBy(r => r.Cycle).Select(r =>
        {
            var calendar = r.CalendarId is { } c && calendars.TryGetValue(c, out var found) ? found : SlaClock.AllDay;
            var elapsed = r.ElapsedSeconds;
            long? remaining = null;
            if (r.State != SlaState.Paused && r.DueAt is { } due)
            {
                var dueAt = SlaEngine.ToInstant(due);
                if (dueAt > now)
                {
                    remaining = (long)calendar.Between(now, dueAt).TotalSeconds;
                    elapsed = r.TargetSeconds - remaining.Value;
                }
                else
                {
                    elapsed = r.TargetSeconds + (long)calendar.Between(dueAt, now).TotalSeconds;
                }
            }

            return new SlaInstanceDto(r.Id, r.Metric, r.Cycle, r.State, r.PolicyId, names.GetValueOrDefault(r.PolicyId, ""), r.StartedAt, r.TargetSeconds, elapsed,
                remaining, r.DueAt, r.WarnAt, r.BreachedAt, r.AchievedAt, r.AchievedSeconds, [], []);
        })]);
    }

    private static IReadOnlyList<SlaTimerDto> TimersOf(List<SlaTimer> timers, Guid? instanceId) =>
        instanceId is null ? [] : [.. timers.Where(t => t.InstanceId == instanceId).OrderBy(t => t.DueAt).Select(t => new SlaTimerDto(t.Level, t.DueAt, t.FiredAt))];
}
