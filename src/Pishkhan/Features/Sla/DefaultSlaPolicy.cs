using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Sla;

/// <summary>
/// The policy a new installation starts with, so every case has timers from the first day: on the default calendar,
/// first (and next) response / resolution of Critical 1 h / 4 h, High 2 h / 8 h, Medium 4 h / 24 h, Low 8 h / 40 h
/// business time, warning at 80%; at warning the owner is notified, at breach the owner and the team lead, and an hour
/// of business time after a breach the team lead again with a tag — held until the calendar opens.
/// </summary>
public static class DefaultSlaPolicy
{
    public const string Name = "Standard support";

    public static async Task EnsureAsync(PishkhanDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Set<SlaPolicy>().AnyAsync(ct))
        {
            return;
        }

        (Priority Priority, int Response, int Resolution)[] grid =
            [(Priority.Critical, 60, 240), (Priority.High, 120, 480), (Priority.Medium, 240, 1440), (Priority.Low, 480, 2400)];
        List<SlaTargetRow> targets =
        [
            .. grid.SelectMany(g => new[]
            {
                new SlaTargetRow(g.Priority, SlaMetric.FirstResponse, g.Response),
                new SlaTargetRow(g.Priority, SlaMetric.NextResponse, g.Response),
                new SlaTargetRow(g.Priority, SlaMetric.Resolution, g.Resolution),
            }),
        ];
        List<SlaEscalationLevel> ladder =
        [
            new(SlaLevelTrigger.Warning, [new SlaAction(SlaActionKind.NotifyOwner)]),
            new(SlaLevelTrigger.Breach, [new SlaAction(SlaActionKind.NotifyOwner), new SlaAction(SlaActionKind.NotifyTeamLead)]),
            new(SlaLevelTrigger.AfterBreach, [new SlaAction(SlaActionKind.NotifyTeamLead), new SlaAction(SlaActionKind.AddTag, Tag: "sla-escalated")], AfterBreachMinutes: 60),
        ];
        var now = clock.GetUtcNow().UtcDateTime;
        db.Add(new SlaPolicy
        {
            Name = Name,
            Description = "پشتیبانی استاندارد — Default policy: the fallback for every case (no conditions).",
            Position = 1,
            HoldNotificationsUntilOpen = true,
            Targets = JsonSerializer.Serialize(targets, SlaPolicy.JsonOptions),
            Escalations = JsonSerializer.Serialize(ladder, SlaPolicy.JsonOptions),
            CreatedAt = now,
            UpdatedAt = now,
        });
        await db.SaveChangesAsync(ct);
    }
}
