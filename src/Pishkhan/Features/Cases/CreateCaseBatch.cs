using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;
using Pishkhan.Platform.Idempotency;

namespace Pishkhan.Features.Cases;

/// <summary>
/// The batch form of <see cref="CreateCase"/>, for email intake: the cases of a batch go into the caller's unit of work
/// and transaction (one commit for the whole batch) instead of a context and a transaction each. Per case it writes what
/// <see cref="CreateCase.HandleAsync"/> writes — the same validation, triage, numbering, "created"/"categorised" timeline
/// entries, idempotency record, real-time automation and SLA, and (through the context's save) the same audit rows and
/// automation events — while what cannot change within a batch is read once: the priority matrix, the default status,
/// the SLA setup and the batch's earlier idempotency records. The field checks, the triage input and the rows of a new
/// case are <see cref="CreateCase"/>'s own (<c>CheckFields</c>, <c>IntakeOf</c>, <c>Open</c>).
/// </summary>
public sealed class CreateCaseBatch(
    TimeProvider clock,
    Routing.RoutingSignals routing,
    Triage.PriorityMatrices matrices,
    Triage.Intake intake,
    SlaEngine sla,
    Automation.RealtimeAutomation realtime)
{
    private readonly TimeProvider _clock = clock;
    private readonly Routing.RoutingSignals _routing = routing;
    private readonly Triage.PriorityMatrices _matrices = matrices;
    private readonly Triage.Intake _intake = intake;
    private readonly SlaEngine _sla = sla;
    private readonly Automation.RealtimeAutomation _realtime = realtime;

    /// <param name="idempotencyKeys">The keys the batch will use: their earlier records are read with one query.</param>
    public async Task<CaseBatch> StartAsync(PishkhanDbContext db, Actor actor, IReadOnlyCollection<string> idempotencyKeys, CancellationToken ct)
    {
        var keys = idempotencyKeys.Distinct().ToList();
        var records = keys.Count == 0 ? []
            : await db.IdempotencyRecords.AsNoTracking().Where(r => r.Principal == actor.PrincipalKey && keys.Contains(r.Key)).ToListAsync(ct);
        var status = await db.CaseStatuses.AsNoTracking().OrderBy(s => s.Position).FirstOrDefaultAsync(s => s.IsDefault, ct);
        return new CaseBatch(this, db, actor, records.ToDictionary(r => r.Key), status, await SlaEngine.LoadSetupAsync(db, ct));
    }

    /// <summary>One batch's cases; see <see cref="CreateCaseBatch"/>.</summary>
    public sealed class CaseBatch
    {
        private readonly CreateCaseBatch _owner;
        private readonly PishkhanDbContext _db;
        private readonly Actor _actor;
        private readonly Dictionary<string, IdempotencyRecord> _earlier;
        private readonly CaseStatus? _defaultStatus;
        private readonly SlaSetup _setup;

        /// <summary>The SLA policies and statuses, read once for the batch (for the SLA of the batch's other case changes too).</summary>
        public SlaSetup SlaSetup => _setup;
        private readonly List<Guid> _created = [];
        private readonly Dictionary<Guid, string> _keyOf = [];
        private readonly List<Automation.RealtimeVerdict> _rejected = [];

        internal CaseBatch(CreateCaseBatch owner, PishkhanDbContext db, Actor actor, Dictionary<string, IdempotencyRecord> earlier, CaseStatus? defaultStatus, SlaSetup setup)
        {
            (_owner, _db, _actor, _earlier, _defaultStatus, _setup) = (owner, db, actor, earlier, defaultStatus, setup);
        }

        /// <summary>
        /// Adds one case (tracked, not saved: the caller saves, so its audit rows and events are written as
        /// <see cref="CreateCase"/>'s are). With an idempotency key used before, the earlier case is answered instead
        /// (loaded, tracked) and <c>Replayed</c> is true.
        /// </summary>
        public async Task<Outcome<(Case Case, bool Replayed)>> AddAsync(CreateCaseRequest request, string? idempotencyKey, CancellationToken ct)
        {
            var db = _db;
            var actor = _actor;
            if (idempotencyKey is not null && _earlier.TryGetValue(idempotencyKey, out var record))
            {
                if (record.Operation != nameof(CreateCase) || record.RequestHash != IdempotencyKey.HashOf(request))
                {
                    return new Outcome<(Case, bool)>.Conflict($"The Idempotency-Key '{idempotencyKey}' was already used with a different request.");
                }

                return (await db.Cases.FirstAsync(c => c.Id == record.ResourceId, ct), true);
            }

            var errors = new FieldErrors();
            var (channel, urgency, impact, priority, priorityOverridden) = CreateCase.CheckFields(errors, request, await _owner._matrices.CurrentAsync(ct), actor);
            var contact = request.ContactId is { } contactId
                ? await db.Contacts.AsNoTracking().Where(c => c.Id == contactId)
                    .Select(c => new { c.Id, c.AccountId, AccountTier = c.Account == null ? null : c.Account.Tier }).FirstOrDefaultAsync(ct)
                : null;
            if (request.ContactId is null)
            {
                errors.Add("contactId", "'contactId' is required.");
            }
            else if (contact is null)
            {
                errors.Add("contactId", $"No contact has the id '{request.ContactId}'.");
            }

            var status = request.StatusId is { } statusId
                ? await db.CaseStatuses.AsNoTracking().FirstOrDefaultAsync(s => s.Id == statusId, ct)
                : _defaultStatus;
            if (status is null)
            {
                errors.Add("statusId", request.StatusId is null ? "No default status is configured." : $"No status has the id '{request.StatusId}'.");
            }

            await CaseReferences.CheckAsync(db, errors, request.CategoryId, request.OwnerId, request.TeamId, ct);
            if (errors.Any)
            {
                return errors;
            }

            var triage = await _owner._intake.CategoriseAsync(db, CreateCase.IntakeOf(request, channel, contact!.Id, contact.AccountTier, priority), ct);

            // Whole microseconds, as PostgreSQL stores them.
            var now = _owner._clock.GetUtcNow().UtcDateTime;
            now = now.AddTicks(-(now.Ticks % 10));
            var (entity, _, added) = CreateCase.Open(db, request, actor, idempotencyKey, new CreateCase.CaseFields(
                await CaseNumbers.NextAsync(db, now, ct), channel, urgency, impact, priority, priorityOverridden, status!, contact.Id, contact.AccountId, triage), now);
            if (added is not null)
            {
                _earlier[idempotencyKey!] = added;
                _keyOf[entity.Id] = idempotencyKey!;
            }

            var verdict = await _owner._realtime.ApplyAsync(db, entity, now, ct);
            if (verdict.Rejection is { } rejection)
            {
                // The caller drops this case's rows (its savepoint); the rejected runs are recorded after the commit.
                _rejected.Add(verdict);
                if (idempotencyKey is not null)
                {
                    _earlier.Remove(idempotencyKey);
                    _keyOf.Remove(entity.Id);
                }

                return rejection;
            }

            await _owner._sla.ApplyAsync(db, entity, now, setup: _setup, ct: ct);
            _created.Add(entity.Id);
            return (entity, false);
        }

        /// <summary>The caller rolled back a case it added (its message turned out a duplicate, or failed): no routing for it.</summary>
        public void Forget(Guid caseId)
        {
            _created.Remove(caseId);
            if (_keyOf.Remove(caseId, out var key))
            {
                _earlier.Remove(key);
            }
        }

        /// <summary>After the caller's commit: routing for every new case, and the real-time runs that refused one.</summary>
        public async Task CommittedAsync(CancellationToken ct)
        {
            foreach (var id in _created)
            {
                _owner._routing.CaseCreated(id);
            }

            foreach (var verdict in _rejected)
            {
                await _owner._realtime.RecordAsync(verdict, ct);
            }

            _created.Clear();
            _rejected.Clear();
        }
    }
}
