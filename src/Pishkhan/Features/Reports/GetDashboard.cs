using Microsoft.EntityFrameworkCore;
using NodaTime;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Reports;

/// <summary>What a dashboard number is compared with.</summary>
public enum Comparison
{
    /// <summary>A snapshot of now with no stored history to compare (queue waits, SLA at risk).</summary>
    None = 0,

    /// <summary>The same count 24 hours ago.</summary>
    DayAgo = 1,

    /// <summary>Yesterday from its start up to the same time of day as now.</summary>
    YesterdaySoFar = 2,

    /// <summary>The 30 days before the last 30 days.</summary>
    Previous30Days = 3,
}

/// <summary>
/// One dashboard number beside the previous period's. <see cref="Available"/> is false for a number Pishkhan cannot
/// compute yet; then both values are null.
/// </summary>
public sealed record DashboardFigure(string Key, double? Value, double? Previous, string Unit, Comparison ComparedWith, bool Available = true);

/// <summary>A dashboard: its figures in display order, as of <see cref="At"/>.</summary>
public sealed record Dashboard(string Kind, DateTimeOffset At, IReadOnlyList<DashboardFigure> Figures, ReportFreshness Freshness)
{
    public DashboardFigure this[string key] => Figures.Single(f => f.Key == key);
}

/// <summary>
/// The supervisor/admin dashboard and an agent's own. Counts come from the report roll-up (after a bounded catch-up),
/// from the SLA instances and from the cases' queue fields; every figure is one indexed query.
/// </summary>
/// <remarks>
/// "Open 24 hours ago" counts cases created before then and not resolved by then, from each case's current row: a case
/// resolved before then and reopened since counts as open then. Waiting in queues and SLA at risk are snapshots; no
/// history of them is kept, so they have no previous value.
/// </remarks>
public sealed class GetDashboard(IDbContextFactory<PishkhanDbContext> dbFactory, CalendarResolver calendars, ReportRefresher refresher, TimeProvider clock)
{

    public async Task<Dashboard> SupervisorAsync(CancellationToken ct = default)
    {
        await refresher.CatchUpAsync(4, TimeSpan.FromSeconds(2), ct: ct);
        var w = await WindowsAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = db.Set<ReportCase>().AsNoTracking();

        var open = await rows.CountAsync(r => r.Status < StatusCategory.Resolved, ct);
        var openDayAgo = await OpenAtAsync(rows, w.DayAgo, ct);
        var newToday = await rows.CountAsync(r => r.CreatedAt >= w.Today && r.CreatedAt < w.Now, ct);
        var newYesterday = await rows.CountAsync(r => r.CreatedAt >= w.Yesterday && r.CreatedAt < w.DayAgo, ct);
        var waiting = await WaitingAsync(db, db.Queues.Select(q => q.Id), w.Now, ct);
        var atRisk = await AtRisk(db, w.Now).CountAsync(ct);
        var breachedToday = await db.SlaInstances.CountAsync(i => i.BreachedAt >= w.Today && i.BreachedAt < w.Now, ct);
        var breachedYesterday = await db.SlaInstances.CountAsync(i => i.BreachedAt >= w.Yesterday && i.BreachedAt < w.DayAgo, ct);
        var firstResponse = await AverageAsync(rows.Where(r => r.FirstResponseAt >= w.MonthAgo && r.FirstResponseAt < w.Now).Select(r => r.FirstResponseBusinessSeconds), ct);
        var firstResponseBefore = await AverageAsync(rows.Where(r => r.FirstResponseAt >= w.TwoMonthsAgo && r.FirstResponseAt < w.MonthAgo).Select(r => r.FirstResponseBusinessSeconds), ct);
        var resolution = await AverageAsync(rows.Where(r => r.ResolvedAt >= w.MonthAgo && r.ResolvedAt < w.Now).Select(r => r.ResolutionBusinessSeconds), ct);
        var resolutionBefore = await AverageAsync(rows.Where(r => r.ResolvedAt >= w.TwoMonthsAgo && r.ResolvedAt < w.MonthAgo).Select(r => r.ResolutionBusinessSeconds), ct);
        var csat = await CsatAsync(db, w.MonthAgo, w.Now, ct);
        var csatBefore = await CsatAsync(db, w.TwoMonthsAgo, w.MonthAgo, ct);

        return new Dashboard("supervisor", w.At,
        [
            new("openCases", open, openDayAgo, "cases", Comparison.DayAgo),
            new("newToday", newToday, newYesterday, "cases", Comparison.YesterdaySoFar),
            new("waitingInQueues", waiting.Count, null, "cases", Comparison.None),
            new("longestWaitMinutes", waiting.LongestMinutes, null, "minutes", Comparison.None),
            new("slaAtRisk", atRisk, null, "instances", Comparison.None),
            new("breachedToday", breachedToday, breachedYesterday, "instances", Comparison.YesterdaySoFar),
            new("csat30Days", csat.Average, csatBefore.Average, "score", Comparison.Previous30Days),
            new("csatAnswers30Days", csat.Answers, csatBefore.Answers, "answers", Comparison.Previous30Days),
            new("firstResponseAverageMinutes", firstResponse, firstResponseBefore, "businessMinutes", Comparison.Previous30Days),
            new("resolutionAverageMinutes", resolution, resolutionBefore, "businessMinutes", Comparison.Previous30Days),
        ], await refresher.FreshnessAsync(ct));
    }

    /// <summary>An agent's own numbers: their open cases, their SLA instances at risk, and what waits in their teams' queues.</summary>
    public async Task<Dashboard?> AgentAsync(Actor actor, CancellationToken ct = default)
    {
        if (actor.UserId is not { } me)
        {
            return null;
        }

        await refresher.CatchUpAsync(4, TimeSpan.FromSeconds(2), ct: ct);
        var w = await WindowsAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mine = db.Set<ReportCase>().AsNoTracking().Where(r => r.OwnerId == me);

        var open = await mine.CountAsync(r => r.Status < StatusCategory.Resolved, ct);
        var openDayAgo = await OpenAtAsync(mine, w.DayAgo, ct);
        var atRisk = await AtRisk(db, w.Now).Join(db.Cases.Where(c => c.OwnerId == me), i => i.CaseId, c => c.Id, (i, _) => i.Id).CountAsync(ct);
        var teams = db.Set<TeamMember>().Where(m => m.UserId == me).Select(m => m.TeamId);
        var queues = db.QueueTeams.Where(q => teams.Contains(q.TeamId)).Select(q => q.QueueId);
        var waiting = await WaitingAsync(db, db.Queues.Where(q => queues.Contains(q.Id)).Select(q => q.Id), w.Now, ct);
        var resolvedToday = await mine.CountAsync(r => r.ResolvedAt >= w.Today && r.ResolvedAt < w.Now, ct);
        var resolvedYesterday = await mine.CountAsync(r => r.ResolvedAt >= w.Yesterday && r.ResolvedAt < w.DayAgo, ct);

        return new Dashboard("agent", w.At,
        [
            new("myOpenCases", open, openDayAgo, "cases", Comparison.DayAgo),
            new("mySlaAtRisk", atRisk, null, "instances", Comparison.None),
            new("waitingInMyQueues", waiting.Count, null, "cases", Comparison.None),
            new("longestWaitMinutes", waiting.LongestMinutes, null, "minutes", Comparison.None),
            new("myResolvedToday", resolvedToday, resolvedYesterday, "cases", Comparison.YesterdaySoFar),
        ], await refresher.FreshnessAsync(ct));
    }

    private sealed record Windows(DateTimeOffset At, DateTime Now, DateTime DayAgo, DateTime Today, DateTime Yesterday, DateTime MonthAgo, DateTime TwoMonthsAgo);

    /// <summary>"Today" starts at midnight in the organisation's time zone; "yesterday so far" is the same stretch one day earlier.</summary>
    private async Task<Windows> WindowsAsync(CancellationToken ct)
    {
        var zone = (await calendars.DefaultAsync(ct)).Zone;
        var at = clock.GetUtcNow();
        var now = Instant.FromDateTimeOffset(at);
        var today = zone.AtStartOfDay(now.InZone(zone).Date).ToInstant();
        var yesterday = zone.AtStartOfDay(now.InZone(zone).Date.PlusDays(-1)).ToInstant();
        return new Windows(at, U(now), U(now - Duration.FromDays(1)), U(today), U(yesterday), U(now - Duration.FromDays(30)), U(now - Duration.FromDays(60)));
    }

    private static DateTime U(Instant i) => i.ToDateTimeUtc();

    /// <summary>Survey answers first given in [from, to): their count and average rating (on the index of <c>AnsweredAt</c>).</summary>
    private static async Task<CsatScore> CsatAsync(PishkhanDbContext db, DateTime from, DateTime to, CancellationToken ct)
    {
        var totals = await db.Set<Satisfaction.SatisfactionSurvey>().AsNoTracking()
            .Where(s => s.AnsweredAt >= from && s.AnsweredAt < to && s.Rating != null)
            .GroupBy(s => 1).Select(g => new { Answers = g.Count(), Sum = g.Sum(s => (long)s.Rating!.Value) })
            .FirstOrDefaultAsync(ct);
        return ReportMetrics.Csat(totals?.Answers ?? 0, totals?.Sum ?? 0);
    }

    /// <summary>SLA instances past their warning point and not yet due, not achieved: the ones a supervisor can still save.</summary>
    private static IQueryable<SlaInstance> AtRisk(PishkhanDbContext db, DateTime now) =>
        // No "BreachedAt IS NULL" here: the two states already exclude breached instances, and on SQLite that condition
        // would draw the planner to the BreachedAt index, where NULL is every instance never breached (most of them).
        db.SlaInstances.AsNoTracking().Where(i => i.IsOpen && i.AchievedAt == null
            && i.WarnAt <= now && i.DueAt > now && (i.State == SlaState.InProgress || i.State == SlaState.NearingBreach));

    /// <summary>Unowned, unresolved cases in these queues, and how long the longest has waited (from when it entered its queue).</summary>
    /// <remarks>
    /// Queue by queue (a subquery per queue), so each is an equality on <c>(QueueId, OwnerId)</c> of the cases'
    /// <c>(QueueId, OwnerId, QueuedAt)</c> index. Written as "QueueId IS NOT NULL AND OwnerId IS NULL" (or as a join),
    /// SQLite walked every unowned case of the <c>(OwnerId, CreatedAt)</c> index instead. Every QueueId is a queue (a
    /// foreign key), and the queue ids given are distinct.
    /// </remarks>
    private static async Task<(int Count, double? LongestMinutes)> WaitingAsync(PishkhanDbContext db, IQueryable<Guid> queueIds, DateTime now, CancellationToken ct)
    {
        var open = db.CaseStatuses.Where(s => s.Category < StatusCategory.Resolved).Select(s => s.Id);
        var cases = db.Cases.AsNoTracking();
        var count = await queueIds.SumAsync(q => cases.Count(c => c.QueueId == q && c.OwnerId == null && open.Contains(c.StatusId)), ct);
        var oldest = count == 0 ? null : await queueIds.MinAsync(q => cases.Where(c => c.QueueId == q && c.OwnerId == null && open.Contains(c.StatusId)).Min(c => c.QueuedAt), ct);
        return (count, oldest is { } o ? Math.Round((now - o).TotalMinutes, 1) : null);
    }

    /// <summary>
    /// Cases open at <paramref name="at"/>: created before it and not resolved by then. A row has <c>ResolvedAt</c> exactly
    /// when it is resolved now, so this is "unresolved now and created before" plus "resolved since and created before",
    /// two counts on short index ranges instead of one over every case ever created.
    /// </summary>
    private static async Task<int> OpenAtAsync(IQueryable<ReportCase> rows, DateTime at, CancellationToken ct) =>
        await rows.CountAsync(r => r.Status < StatusCategory.Resolved && r.CreatedAt < at, ct)
        + await rows.CountAsync(r => r.ResolvedAt >= at && r.CreatedAt < at, ct);

    private static async Task<double?> AverageAsync(IQueryable<long?> seconds, CancellationToken ct)
    {
        var average = await seconds.Where(s => s != null).AverageAsync(ct);
        return average is { } a ? Math.Round(a / 60, 1) : null;
    }
}
