using NodaTime;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Sla;

namespace Pishkhan.Features.Reports;

/// <summary>
/// What reports need to know about one case, computed once when the case changes (the <c>ReportCases</c> table holds
/// one row per case) so that no report replays a timeline. Durations are null while the thing has not happened.
/// </summary>
/// <param name="FirstResponseBusiness">Creation → first public agent reply, in business time with pauses excluded
/// (the SLA clock's rules, on the case's SLA calendar).</param>
/// <param name="ResolutionBusiness">Creation → (last) resolution in business time; time while resolved or paused does not count.</param>
/// <param name="Exchanges">Messages back and forth: customer messages plus public agent replies (notes and automated messages excluded).</param>
/// <param name="Reopens">How many times the case left a resolved/closed status for an open one.</param>
/// <param name="Csat">The rating (1–5) of the case's satisfaction survey (Features/Satisfaction); null while unanswered.</param>
public sealed record CaseFact(
    Guid CaseId,
    Instant CreatedAt,
    CaseChannel Channel,
    Guid? CategoryId,
    string? Product,
    Priority Priority,
    Guid? TeamId,
    Guid? OwnerId,
    Guid? QueueId,
    Guid? PolicyId,
    StatusCategory Status,
    Instant? FirstResponseAt,
    Instant? ResolvedAt,
    Duration? FirstResponseBusiness,
    Duration? ResolutionBusiness,
    int Exchanges,
    int Reopens,
    double? Csat = null)
{
    public bool IsResolved => Status >= StatusCategory.Resolved;

    public Duration? FirstResponseCalendar => FirstResponseAt - CreatedAt;

    public Duration? ResolutionCalendar => IsResolved ? ResolvedAt - CreatedAt : null;
}

/// <summary>One SLA instance as compliance reports read it (from <see cref="SlaInstance"/> and its case).</summary>
public sealed record SlaFact(
    Guid CaseId,
    string CaseNumber,
    SlaMetric Metric,
    Guid PolicyId,
    Guid? TeamId,
    Guid? OwnerId,
    SlaState State,
    Instant? DueAt,
    Instant? BreachedAt,
    Instant? AchievedAt);
