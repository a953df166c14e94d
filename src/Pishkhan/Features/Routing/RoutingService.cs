using Microsoft.EntityFrameworkCore;
using NodaTime;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Caching;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Routing;

/// <summary>
/// Puts cases in queues and hands them to agents. Every decision runs in one transaction that first takes the
/// routing turn — on PostgreSQL a transaction-scoped advisory lock shared by every app process, on SQLite the write
/// gate — and reads loads, presence and waiting cases inside it, so no agent is ever given more than their capacity
/// and no case is given twice, however many intakes, presence changes and processes race.
/// </summary>
public sealed class RoutingService(IDbContextFactory<PishkhanDbContext> dbFactory, CalendarResolver calendars, TimeProvider clock)
{
    /// <summary>The advisory lock key that serialises routing decisions across app processes on PostgreSQL.</summary>
    private const long RoutingLockKey = 0x5049_5348_524F_5554; // "PISHROUT"

    public const string RouterName = "Routing";

    /// <summary>The most new cases put in queues in one transaction.</summary>
    public const int RouteBatchSize = 200;

    /// <summary>New cases queued per transaction (a batch is queued in chunks): bounds how long routing holds SQLite's write turn.</summary>
    public const int RouteChunkSize = 50;

    /// <summary>Chooses the queue of a new case (first matching rule, else the default) and tries to assign it.</summary>
    public Task RouteNewCaseAsync(Guid caseId, bool assign = true, CancellationToken ct = default) =>
        RouteNewCasesAsync([caseId], assign, ct);

    /// <summary>
    /// Chooses the queue of each new case (first matching rule, else the default), in transactions of at most
    /// <see cref="RouteChunkSize"/> cases, then, when <paramref name="assign"/>, offers each queue that received waiting
    /// cases once. Cases already in a queue, or gone, are left alone. At most <see cref="RouteBatchSize"/> ids.
    /// </summary>
    public async Task RouteNewCasesAsync(IReadOnlyCollection<Guid> caseIds, bool assign = true, CancellationToken ct = default)
    {
        if (caseIds.Count > RouteBatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(caseIds), caseIds.Count, $"At most {RouteBatchSize} cases at a time.");
        }

        var waitingIn = new HashSet<Guid>();
        foreach (var chunk in caseIds.Distinct().Chunk(RouteChunkSize))
        {
            await RouteChunkAsync(chunk, waitingIn, ct);
        }

        if (assign)
        {
            foreach (var queueId in waitingIn)
            {
                await AssignWaitingAsync(queueId, ct);
            }
        }
    }

    /// <summary>
    /// Queues one chunk of new cases. What the decision reads besides the cases (rules, queues, the senders' addresses,
    /// the accounts' tiers) is read before the write turn; inside it only the cases are read, decided and saved, so the
    /// turn is held for a short, bounded time and case creations waiting for it are not held up by routing.
    /// </summary>
    private async Task RouteChunkAsync(IReadOnlyCollection<Guid> ids, HashSet<Guid> waitingIn, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = Actor.System;
        var defaultQueue = await db.Queues.AsNoTracking().Where(q => q.IsDefault).Select(q => (Guid?)q.Id).FirstOrDefaultAsync(ct);
        if (defaultQueue is null)
        {
            return; // routing is not set up (no default queue): cases stay as they are
        }

        var parties = await db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id) && c.QueueId == null)
            .Select(c => new { c.ContactId, c.AccountId }).ToListAsync(ct);
        if (parties.Count == 0)
        {
            return;
        }

        var rules = await RulesAsync(db, ct);
        var queueNames = await db.Queues.AsNoTracking().ToDictionaryAsync(q => q.Id, q => q.Name, ct);
        var senders = await SendersAsync(db, parties.Select(p => p.ContactId), ct);
        var tiers = await TiersAsync(db, parties.Where(p => p.AccountId is not null).Select(p => p.AccountId!.Value), ct);

        // Inside the routing turn, so the worker and the sweep never both route one case.
        await using var transaction = await BeginRoutingTurnAsync(db, ct);
        var cases = await db.Cases.Where(c => ids.Contains(c.Id) && c.QueueId == null).ToListAsync(ct);
        if (cases.Count == 0)
        {
            return;
        }

        // A case whose contact or account changed since the read above: theirs too (rare).
        foreach (var (id, email) in await SendersAsync(db, cases.Select(c => c.ContactId).Where(id => !senders.ContainsKey(id)), ct))
        {
            senders[id] = email;
        }

        foreach (var (id, tier) in await TiersAsync(db, cases.Where(c => c.AccountId is { } a && !tiers.ContainsKey(a)).Select(c => c.AccountId!.Value), ct))
        {
            tiers[id] = tier;
        }

        var now = Now();
        foreach (var entity in cases)
        {
            var sender = senders.GetValueOrDefault(entity.ContactId);
            var tier = entity.AccountId is { } accountId ? tiers.GetValueOrDefault(accountId) : null;
            var (chosen, ruleId) = QueueRouter.Choose(CaseFacts.Of(entity, sender, tier), rules, defaultQueue.Value);
            var queueName = queueNames.TryGetValue(chosen, out var name) ? name : await db.Queues.Where(q => q.Id == chosen).Select(q => q.Name).FirstAsync(ct);
            var ruleName = ruleId is null ? null : rules.First(r => r.Id == ruleId).Name;
            entity.QueueId = chosen;
            entity.QueuedAt = entity.OwnerId is null ? entity.CreatedAt : null; // a new case has waited since it arrived
            entity.AssignedAt = entity.OwnerId is null ? null : entity.CreatedAt;
            db.TimelineEntries.Add(Event(entity.Id, "queue", null, ruleName is null ? queueName : $"{queueName} ({ruleName})", now));
            if (entity.OwnerId is null)
            {
                waitingIn.Add(chosen);
            }
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Each contact's first email address (by channel id), for rules on the sender.</summary>
    private static async Task<Dictionary<Guid, string>> SendersAsync(PishkhanDbContext db, IEnumerable<Guid> contactIds, CancellationToken ct)
    {
        var ids = contactIds.Distinct().ToList();
        return ids.Count == 0 ? [] : (await db.ContactChannels.AsNoTracking()
                .Where(ch => ids.Contains(ch.ContactId) && ch.Kind == Contacts.ContactChannelKind.Email)
                .OrderBy(ch => ch.Id)
                .Select(ch => new { ch.ContactId, ch.Value }).ToListAsync(ct))
            .GroupBy(ch => ch.ContactId).ToDictionary(g => g.Key, g => g.First().Value);
    }

    private static async Task<Dictionary<Guid, string?>> TiersAsync(PishkhanDbContext db, IEnumerable<Guid> accountIds, CancellationToken ct)
    {
        var ids = accountIds.Distinct().ToList();
        return ids.Count == 0 ? [] : await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Tier, ct);
    }

    /// <summary>
    /// Gives waiting cases of one queue to available agents — highest priority first, then longest waiting — until
    /// no waiting case fits anyone. Returns how many were assigned.
    /// </summary>
    public async Task<int> AssignWaitingAsync(Guid queueId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = Actor.System;

        // A first look before the routing turn: when nobody can take even the lightest case (all offline, off shift or
        // full), the waiting cases stay as they are and the turn — SQLite's write turn, which case creations wait for —
        // is not taken at all. Out of hours that is every new case. An agent who becomes free after this look is
        // offered the queue by their own signal (or the sweep). The queue's settings read here serve the turn too.
        var queue = await db.Queues.AsNoTracking().Include(q => q.Teams).FirstOrDefaultAsync(q => q.Id == queueId, ct);
        if (queue is null || !AnyoneCanTakeWork(await AgentsAsync(db, queue, ct)))
        {
            return 0;
        }

        await using var transaction = await BeginRoutingTurnAsync(db, ct);
        var agents = await AgentsAsync(db, queue, ct); // their loads again, inside the turn
        if (!AnyoneCanTakeWork(agents))
        {
            return 0; // the look before the turn is out of date: nobody now
        }

        var waiting = await db.Cases
            .Where(c => c.QueueId == queueId && c.OwnerId == null && c.Status!.Category < StatusCategory.Resolved)
            .OrderBy(c => c.Priority).ThenBy(c => c.QueuedAt).ThenBy(c => c.Id)
            .Take(500)
            .ToListAsync(ct);
        var assigned = 0;
        var now = Now();
        foreach (var entity in waiting)
        {
            var weight = CaseWeights.Of(entity.Priority, queue.WeighByPriority);
            var chosen = AgentPicker.Choose(queue.Strategy, queue.RequiredSkills, weight, agents.Snapshots);
            if (chosen is null)
            {
                continue;
            }

            Assign(db, entity, chosen.Id, agents.Names[chosen.Id], now);
            agents.Took(chosen.Id, weight, now);
            assigned++;
        }

        foreach (var (userId, last) in agents.LastAssigned)
        {
            await db.AgentProfiles.Where(p => p.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(p => p.LastAssignedAt, last), ct);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return assigned;
    }

    private static bool AnyoneCanTakeWork(AgentPool agents) => agents.Snapshots.Any(a => AgentPicker.IsAvailable(a, caseWeight: 1));

    /// <summary>Runs <see cref="AssignWaitingAsync"/> for every queue the user works (after their presence or load changed).</summary>
    public async Task AssignForAgentAsync(Guid userId, CancellationToken ct = default)
    {
        List<Guid> queueIds;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            queueIds = await QueuesOfAsync(db, userId).ToListAsync(ct);
        }

        foreach (var queueId in queueIds)
        {
            await AssignWaitingAsync(queueId, ct);
        }
    }

    /// <summary>Sets an agent's presence (kept in the database, so it survives refreshes) and, when online, hands them work.</summary>
    public async Task<Outcome<Presence>> SetPresenceAsync(Guid userId, Presence presence, CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var profile = await db.AgentProfiles.FirstOrDefaultAsync(p => p.UserId == userId, ct);
            if (profile is null)
            {
                if (!await db.Users.AnyAsync(u => u.Id == userId && u.IsActive, ct))
                {
                    return new Outcome<Presence>.NotFound();
                }

                db.AgentProfiles.Add(profile = new AgentProfile { UserId = userId });
            }

            profile.Presence = presence;
            profile.PresenceChangedAt = Now();
            await db.SaveChangesAsync(ct);
        }

        if (presence == Presence.Online)
        {
            await AssignForAgentAsync(userId, ct);
        }

        return new Outcome<Presence>.Ok(presence);
    }

    /// <summary>
    /// "Next case": the agent pulls the top waiting case of their queues that they have the skills and the room for,
    /// whatever their presence. Null when there is none.
    /// </summary>
    public async Task<NextCaseDto?> PullNextAsync(Guid userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = Actor.System;
        await using var transaction = await BeginRoutingTurnAsync(db, ct);
        var queueIds = await QueuesOfAsync(db, userId).ToListAsync(ct);
        var queues = await db.Queues.AsNoTracking().Include(q => q.Teams).Where(q => queueIds.Contains(q.Id)).ToListAsync(ct);
        var waiting = await db.Cases
            .Where(c => c.QueueId != null && queueIds.Contains(c.QueueId.Value) && c.OwnerId == null && c.Status!.Category < StatusCategory.Resolved)
            .OrderBy(c => c.Priority).ThenBy(c => c.QueuedAt).ThenBy(c => c.Id)
            .Take(200)
            .ToListAsync(ct);
        var now = Now();
        var pools = new Dictionary<Guid, AgentPool>();
        foreach (var entity in waiting)
        {
            var queue = queues.First(q => q.Id == entity.QueueId);
            if (!pools.TryGetValue(queue.Id, out var agents))
            {
                pools[queue.Id] = agents = await AgentsAsync(db, queue, ct);
            }

            if (agents.Snapshots.FirstOrDefault(a => a.Id == userId) is not { } me)
            {
                continue;
            }

            var weight = CaseWeights.Of(entity.Priority, queue.WeighByPriority);
            if (!AgentPicker.HasSkills(me, queue.RequiredSkills) || me.Load + weight > me.Capacity)
            {
                continue;
            }

            Assign(db, entity, userId, agents.Names[userId], now);
            entity.AcceptedAt = now; // pulling is accepting
            await db.AgentProfiles.Where(p => p.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(p => p.LastAssignedAt, now), ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new NextCaseDto(entity.Id, entity.Number);
        }

        return null;
    }

    /// <summary>The owner takes the case on; a public reply by the owner counts as accepting too.</summary>
    public async Task<Outcome<DateTime>> AcceptAsync(Guid caseId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var entity = await db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, ct);
        if (entity is null || (!actor.SeesAllCases && entity.OwnerId != actor.UserId))
        {
            return new Outcome<DateTime>.NotFound();
        }

        if (entity.OwnerId != actor.UserId)
        {
            return new Outcome<DateTime>.Conflict("Only the case's owner can accept it.");
        }

        entity.AcceptedAt ??= Now();
        await db.SaveChangesAsync(ct);
        return new Outcome<DateTime>.Ok(entity.AcceptedAt.Value);
    }

    /// <summary>
    /// The periodic pass: cases whose owner neither accepted nor answered within the queue's business minutes go back
    /// to the queue (after <see cref="WorkQueue.MaxHops"/> returns, to a supervisor instead); then every queue's
    /// waiting cases are offered again (shifts may have opened). Returns how many cases went back.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct = default)
    {
        List<Guid> queueIds, unrouted;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            queueIds = await db.Queues.AsNoTracking().Select(q => q.Id).ToListAsync(ct);
            unrouted = queueIds.Count == 0 ? [] : await db.Cases.AsNoTracking()
                .Where(c => c.QueueId == null && c.OwnerId == null && c.Status!.Category < StatusCategory.Resolved)
                .OrderBy(c => c.CreatedAt).Select(c => c.Id).Take(1000).ToListAsync(ct);
        }

        foreach (var batch in unrouted.Chunk(RouteBatchSize))
        {
            await RouteNewCasesAsync(batch, assign: false, ct);
        }

        var returned = await ReturnUnacceptedAsync(ct);

        foreach (var queueId in queueIds)
        {
            await AssignWaitingAsync(queueId, ct);
        }

        return returned;
    }

    private async Task<int> ReturnUnacceptedAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = Actor.System;
        await using var transaction = await BeginRoutingTurnAsync(db, ct);
        var now = Now();
        var candidates = await db.Cases
            .Where(c => c.QueueId != null && c.OwnerId != null && c.AssignedAt != null && c.AcceptedAt == null
                && c.Status!.Category < StatusCategory.Resolved)
            .Join(db.Queues.Where(q => q.ReassignAfterMinutes != null), c => c.QueueId, q => q.Id, (c, q) => new { Case = c, Queue = q })
            .Join(db.Users, x => x.Case.OwnerId, u => u.Id, (x, u) => new { x.Case, x.Queue, OwnerName = u.DisplayName, u.CalendarId })
            .Take(1000)
            .ToListAsync(ct);
        var caseIds = candidates.Select(c => c.Case.Id).ToList();
        var answeredByOwner = (await db.TimelineEntries
            .Where(t => t.Kind == TimelineKind.OutboundMessage && caseIds.Contains(t.CaseId)
                && db.Cases.Any(c => c.Id == t.CaseId && c.OwnerId == t.AuthorUserId && c.AssignedAt <= t.CreatedAt))
            .Select(t => t.CaseId).Distinct().ToListAsync(ct)).ToHashSet();
        var teamShifts = await TeamShiftsAsync(
            db, [.. candidates.Select(c => c.Queue.Id).Distinct()], [.. candidates.Select(c => c.Case.OwnerId!.Value).Distinct()], ct);
        var count = 0;
        foreach (var item in candidates)
        {
            var entity = item.Case;
            if (answeredByOwner.Contains(entity.Id))
            {
                entity.AcceptedAt = entity.AssignedAt; // answering is accepting; nothing to take back
                continue;
            }

            var calendar = await ShiftAsync(item.CalendarId ?? teamShifts.For(entity.OwnerId!.Value, item.Queue.Id), ct);
            var waited = calendar is null
                ? now - entity.AssignedAt!.Value
                : calendar.Calendar.Between(Instant.FromDateTimeUtc(entity.AssignedAt!.Value), Instant.FromDateTimeUtc(now)).ToTimeSpan();
            if (waited < TimeSpan.FromMinutes(item.Queue.ReassignAfterMinutes!.Value))
            {
                continue;
            }

            entity.RoutingHops++;
            if (entity.RoutingHops > item.Queue.MaxHops && await SupervisorForAsync(db, item.Queue.Id, ct) is { } supervisor)
            {
                db.TimelineEntries.Add(Event(entity.Id, "routing", item.OwnerName,
                    $"escalated to {supervisor.Name} after {entity.RoutingHops - 1} returns to the queue", now,
                    RoutingEventText.Escalated(supervisor.Name, entity.RoutingHops - 1)));
                Assign(db, entity, supervisor.Id, supervisor.Name, now);
            }
            else
            {
                db.TimelineEntries.Add(Event(entity.Id, "owner", item.OwnerName, null, now));
                db.TimelineEntries.Add(Event(entity.Id, "routing", null,
                    $"back to the queue: not accepted within {item.Queue.ReassignAfterMinutes} business minutes (return {entity.RoutingHops})", now,
                    RoutingEventText.Returned(item.Queue.ReassignAfterMinutes!.Value, entity.RoutingHops)));
                entity.OwnerId = null;
                entity.AssignedAt = null;
                entity.QueuedAt = now;
                entity.Version++;
                entity.UpdatedAt = now;
            }

            count++;
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return count;
    }

    /// <summary>Waiting counts, longest wait and who is online and how loaded, per queue.</summary>
    public async Task<IReadOnlyList<QueueBoardRow>> BoardAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var queues = await db.Queues.AsNoTracking().Include(q => q.Teams).OrderByDescending(q => q.IsDefault).ThenBy(q => q.Name).ToListAsync(ct);
        var now = Now();
        var rows = new List<QueueBoardRow>();
        foreach (var queue in queues)
        {
            var waiting = await db.Cases
                .Where(c => c.QueueId == queue.Id && c.OwnerId == null && c.Status!.Category < StatusCategory.Resolved)
                .GroupBy(_ => 1)
                .Select(g => new { Count = g.Count(), Oldest = g.Min(c => c.QueuedAt) })
                .FirstOrDefaultAsync(ct);
            var agents = await AgentsAsync(db, queue, ct);
            rows.Add(new QueueBoardRow(
                queue.Id,
                queue.Name,
                queue.Strategy,
                waiting?.Count ?? 0,
                waiting?.Oldest is { } oldest ? now - oldest : null,
                agents.Snapshots.Select(a => new QueueBoardAgent(a.Id, agents.Names[a.Id], a.Presence, a.InShift, a.Load, a.Capacity))
                    .OrderByDescending(a => a.Presence).ThenBy(a => a.Name, StringComparer.CurrentCulture).ToList()));
        }

        return rows;
    }

    private static void Assign(PishkhanDbContext db, Case entity, Guid userId, string name, DateTime now)
    {
        db.TimelineEntries.Add(Event(entity.Id, "owner", null, name, now));
        entity.OwnerId = userId;
        entity.AssignedAt = now;
        entity.AcceptedAt = null;
        entity.QueuedAt = null;
        entity.UpdatedAt = now;
        entity.Version++;
    }

    private static TimelineEntry Event(Guid caseId, string field, string? from, string? to, DateTime now, string body = "") => new()
    {
        CaseId = caseId,
        Kind = TimelineKind.Event,
        Field = field,
        OldValue = from,
        NewValue = to,
        Body = body,
        AuthorName = RouterName,
        CreatedAt = now,
    };

    private static IQueryable<Guid> QueuesOfAsync(PishkhanDbContext db, Guid userId) =>
        db.QueueTeams.Where(qt => db.TeamMembers.Any(m => m.UserId == userId && m.TeamId == qt.TeamId)).Select(qt => qt.QueueId).Distinct();

    private static async Task<(Guid Id, string Name)?> SupervisorForAsync(PishkhanDbContext db, Guid queueId, CancellationToken ct)
    {
        var teamIds = db.QueueTeams.Where(qt => qt.QueueId == queueId).Select(qt => qt.TeamId);
        var supervisor = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && u.Role == UserRole.Supervisor)
            .OrderByDescending(u => db.TeamMembers.Any(m => m.UserId == u.Id && teamIds.Contains(m.TeamId)))
            .ThenBy(u => u.CreatedAt)
            .Select(u => new { u.Id, u.DisplayName })
            .FirstOrDefaultAsync(ct);
        return supervisor is null ? null : (supervisor.Id, supervisor.DisplayName);
    }

    /// <summary>
    /// The queue's agents as routing sees them now: presence, shift, load by the queue's weighting, skills. An agent's
    /// shift is their own calendar, else the calendar of their team that serves the queue (so a queue served by a Tehran
    /// and a Berlin team follows the sun), else none: always in shift.
    /// </summary>
    private async Task<AgentPool> AgentsAsync(PishkhanDbContext db, WorkQueue queue, CancellationToken ct)
    {
        var teamIds = queue.Teams.Select(t => t.TeamId).ToList();
        var people = await db.AgentProfiles.AsNoTracking()
            .Where(p => p.User!.IsActive && db.TeamMembers.Any(m => m.UserId == p.UserId && teamIds.Contains(m.TeamId)))
            .Select(p => new { Profile = p, p.User!.DisplayName, p.User.CalendarId })
            .ToListAsync(ct);
        var ids = people.Select(p => p.Profile.UserId).ToList();
        var teamShifts = await TeamShiftsAsync(db, [queue.Id], ids, ct);
        var held = await db.Cases
            .Where(c => c.OwnerId != null && ids.Contains(c.OwnerId.Value) && c.Status!.Category < StatusCategory.Resolved)
            .GroupBy(c => new { c.OwnerId, c.Priority })
            .Select(g => new { g.Key.OwnerId, g.Key.Priority, Count = g.Count() })
            .ToListAsync(ct);
        var now = Instant.FromDateTimeUtc(Now());
        var pool = new AgentPool();
        foreach (var person in people)
        {
            var calendar = await ShiftAsync(person.CalendarId ?? teamShifts.For(person.Profile.UserId, queue.Id), ct);
            var load = held.Where(h => h.OwnerId == person.Profile.UserId).Sum(h => h.Count * CaseWeights.Of(h.Priority, queue.WeighByPriority));
            pool.Add(
                new AgentSnapshot(person.Profile.UserId, person.Profile.Presence, calendar?.Calendar.IsOpen(now) ?? true,
                    person.Profile.Capacity, load, person.Profile.Skills, person.Profile.LastAssignedAt),
                person.DisplayName);
        }

        return pool;
    }

    /// <summary>
    /// The shift calendar with this id; none (always in shift, wall-clock time) when the agent and their team have no
    /// calendar. Not the organisation's default calendar: that is the support hours customers see, not anyone's shift.
    /// </summary>
    private async Task<ResolvedCalendar?> ShiftAsync(Guid? calendarId, CancellationToken ct) =>
        calendarId is null ? null : await calendars.ForCalendarAsync(calendarId, ct);

    /// <summary>
    /// For each user and queue, the calendar of the user's team that serves the queue (the first by team id when several
    /// do): the shift of an agent who has no calendar of their own.
    /// </summary>
    private static async Task<TeamShifts> TeamShiftsAsync(
        PishkhanDbContext db, IReadOnlyCollection<Guid> queueIds, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        var rows = await db.QueueTeams.AsNoTracking()
            .Where(qt => queueIds.Contains(qt.QueueId))
            .Join(db.TeamMembers.Where(m => userIds.Contains(m.UserId) && m.Team!.CalendarId != null), qt => qt.TeamId, m => m.TeamId,
                (qt, m) => new { qt.QueueId, m.UserId, m.TeamId, CalendarId = m.Team!.CalendarId!.Value })
            .ToListAsync(ct);
        return new TeamShifts(rows.GroupBy(r => (r.UserId, r.QueueId)).ToDictionary(g => g.Key, g => g.MinBy(r => r.TeamId)!.CalendarId));
    }

    private sealed record TeamShifts(Dictionary<(Guid UserId, Guid QueueId), Guid> Calendars)
    {
        public Guid? For(Guid userId, Guid queueId) => Calendars.TryGetValue((userId, queueId), out var id) ? id : null;
    }

    /// <summary>Compiled rules are kept for <see cref="RulesLifetime"/>, or until a rule or queue is saved here.</summary>
    public static readonly TimeSpan RulesLifetime = TimeSpan.FromSeconds(30);

    private readonly CachedValue<List<CompiledRoutingRule>> _rules = new(RulesLifetime, clock);

    public void ForgetRules() => _rules.Forget();

    private Task<List<CompiledRoutingRule>> RulesAsync(PishkhanDbContext db, CancellationToken ct) =>
        _rules.GetAsync(token => LoadRulesAsync(db, token), ct);

    private static async Task<List<CompiledRoutingRule>> LoadRulesAsync(PishkhanDbContext db, CancellationToken ct)
    {
        var rules = await db.RoutingRules.AsNoTracking().Where(r => r.IsActive).OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
        var known = new KnownReferences(
            (await db.Categories.Select(c => c.Id).ToListAsync(ct)).ToHashSet(),
            (await db.Teams.Select(t => t.Id).ToListAsync(ct)).ToHashSet());
        var compiled = new List<CompiledRoutingRule>(rules.Count);
        foreach (var rule in rules)
        {
            // A rule whose category or team was deleted since it was saved no longer compiles; it is skipped, not fatal.
            if (RoutingConditions.Compile(rule.Conditions, "conditions", known, new FieldErrors()) is { } matches)
            {
                compiled.Add(new CompiledRoutingRule(rule.Id, rule.Name, rule.QueueId, matches));
            }
        }

        return compiled;
    }

    private static async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginRoutingTurnAsync(PishkhanDbContext db, CancellationToken ct)
    {
        var transaction = await db.Database.BeginTransactionAsync(ct);
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({RoutingLockKey})", ct);
        }

        return transaction;
    }

    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % 10));
    }

    /// <summary>The agents of one decision, updated as cases are handed out so one pass never overfills anyone.</summary>
    private sealed class AgentPool
    {
        public List<AgentSnapshot> Snapshots { get; } = [];
        public Dictionary<Guid, string> Names { get; } = [];
        public Dictionary<Guid, DateTime> LastAssigned { get; } = [];

        public void Add(AgentSnapshot agent, string name)
        {
            Snapshots.Add(agent);
            Names[agent.Id] = name;
        }

        public void Took(Guid agentId, int weight, DateTime now)
        {
            var index = Snapshots.FindIndex(a => a.Id == agentId);
            Snapshots[index] = Snapshots[index] with { Load = Snapshots[index].Load + weight, LastAssignedAt = now };
            LastAssigned[agentId] = now;
        }
    }
}

public sealed record QueueBoardAgent(Guid Id, string Name, Presence Presence, bool InShift, int Load, int Capacity);

public sealed record QueueBoardRow(
    Guid Id, string Name, AssignmentStrategy Strategy, int Waiting, TimeSpan? LongestWait, IReadOnlyList<QueueBoardAgent> Agents);
