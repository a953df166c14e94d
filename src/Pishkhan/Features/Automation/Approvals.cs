using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Automation;

public sealed record ApprovalDto(
    Guid Id, Guid RunId, string StepId, Guid RecordId, string Title, ApprovalStatus Status, DateTime CreatedAt, DateTime? DueAt, string? DecidedBy, DateTime? DecidedAt, string? Comment,
    string WorkflowName = "", string? RecordNumber = null);

/// <summary>Whether an actor may decide an approval: it does not exist, they are not one of its approvers, or they may.</summary>
public enum ApprovalAccess
{
    Missing,
    NotAnApprover,
    Allowed,
}

public sealed record ApprovalDecision(string? Comment);

/// <summary>
/// Approve / reject a waiting approval step. Only a named approver may decide (or, for a role, a user of that role or
/// higher); the decision wakes the run, which takes the approved or rejected branch on the worker's next tick.
/// </summary>
public sealed class Approvals(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock)
{
    public async Task<IReadOnlyList<ApprovalDto>> PendingForAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pending = await db.Set<WorkflowApproval>().AsNoTracking().Where(a => a.Status == ApprovalStatus.Pending).OrderBy(a => a.CreatedAt).Take(500).ToListAsync(ct);
        var mine = pending.Where(a => MayDecide(a, actor)).ToList();
        var runIds = mine.Select(a => a.RunId).ToList();
        var recordIds = mine.Select(a => a.RecordId).ToList();
        var workflows = await db.Set<WorkflowRun>().AsNoTracking().Where(r => runIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.WorkflowName, ct);
        var numbers = await db.Cases.AsNoTracking().Where(c => recordIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Number, ct);
        return [.. mine.Select(a => ToDto(a) with { WorkflowName = workflows.GetValueOrDefault(a.RunId, ""), RecordNumber = numbers.GetValueOrDefault(a.RecordId) })];
    }

    /// <summary>Whether <paramref name="actor"/> may decide the approval (the API answers 403 to someone who may not, 404 when there is none).</summary>
    public async Task<ApprovalAccess> AccessAsync(Guid approvalId, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var approval = await db.Set<WorkflowApproval>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == approvalId, ct);
        return approval is null ? ApprovalAccess.Missing : MayDecide(approval, actor) ? ApprovalAccess.Allowed : ApprovalAccess.NotAnApprover;
    }

    public async Task<Outcome<ApprovalDto>> DecideAsync(Guid approvalId, bool approve, ApprovalDecision decision, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var approval = await db.Set<WorkflowApproval>().FirstOrDefaultAsync(a => a.Id == approvalId, ct);
        if (approval is null || !MayDecide(approval, actor))
        {
            return new Outcome<ApprovalDto>.NotFound();
        }

        var errors = new FieldErrors();
        errors.MaxLength("comment", decision.Comment, 2000);
        if (errors.Any)
        {
            return errors;
        }

        if (approval.Status != ApprovalStatus.Pending)
        {
            return new Outcome<ApprovalDto>.Conflict($"This approval was already decided ({approval.Status.ToString().ToLowerInvariant()}).");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % 10));
        approval.Status = approve ? ApprovalStatus.Approved : ApprovalStatus.Rejected;
        approval.DecidedAt = now;
        approval.DecidedByUserId = actor.UserId;
        approval.DecidedByName = actor.Name;
        approval.Comment = decision.Comment?.Trim();
        // Wake the run in the same transaction as the decision.
        var run = await db.Set<WorkflowRun>().FirstAsync(r => r.Id == approval.RunId, ct);
        if (run.Status == RunStatus.Waiting && run.CurrentStepId == approval.StepId)
        {
            run.DueAt = now;
            run.Version++;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Outcome<ApprovalDto>.Conflict("The run moved on while you were deciding (it may have timed out). Reload and try again.");
        }

        return ToDto(approval);
    }

    private static bool MayDecide(WorkflowApproval approval, Actor actor) =>
        approval.ApproverUserIds.Count > 0
            ? actor.UserId is { } userId && approval.ApproverUserIds.Contains(userId)
            : actor.UserId is not null && actor.Role >= (approval.ApproverRole == "admin" ? UserRole.Admin : UserRole.Supervisor);

    private static ApprovalDto ToDto(WorkflowApproval a) =>
        new(a.Id, a.RunId, a.StepId, a.RecordId, a.Title, a.Status, a.CreatedAt, a.DueAt, a.DecidedByName, a.DecidedAt, a.Comment);
}
