using Microsoft.EntityFrameworkCore;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Notifications;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Sla;

/// <summary>
/// Runs the escalation ladder's actions for one fired level, inside the sweeper's transaction, and writes each action on
/// the case timeline. "Team lead" means the supervisors and admins who are members of the case's team; notifying an
/// owner of an unowned case notifies the team leads instead.
/// </summary>
internal static class SlaEscalation
{
    /// <summary>The ladder levels a timer level runs: <c>warning</c>, <c>breach</c> or the N-th distinct after-breach offset.</summary>
    public static IReadOnlyList<SlaEscalationLevel> LevelsFor(SlaPolicyRules policy, SlaMetric metric, string level)
    {
        if (level == "warning")
        {
            return [.. policy.Escalations.Where(e => e.Trigger == SlaLevelTrigger.Warning && e.AppliesTo(metric))];
        }

        if (level == "breach")
        {
            return [.. policy.Escalations.Where(e => e.Trigger == SlaLevelTrigger.Breach && e.AppliesTo(metric))];
        }

        var offsets = policy.AfterBreachMinutes(metric);
        return int.TryParse(level.AsSpan("breach+".Length), out var n) && n >= 1 && n <= offsets.Count
            ? [.. policy.Escalations.Where(e => e.Trigger == SlaLevelTrigger.AfterBreach && e.AppliesTo(metric) && e.AfterBreachMinutes == offsets[n - 1])]
            : [];
    }

    /// <summary>Runs the actions; returns true when a field that policy conditions or targets read (priority, team) changed.</summary>
    public static async Task<bool> RunAsync(
        PishkhanDbContext db, Case entity, SlaInstance instance, SlaPolicyRules policy, string level, BusinessCalendar calendar, DateTime now, CancellationToken ct)
    {
        var reselect = false;
        var label = $"{SlaEngine.Label(instance.Metric, instance.Cycle)} ({policy.Name})";
        var instant = SlaEngine.ToInstant(now);
        var deliverAfter = policy.HoldNotificationsUntilOpen && !calendar.IsOpen(instant) ? SlaEngine.ToDateTime(calendar.NextOpen(instant)) : now;
        var what = level == "warning" ? "is nearing its breach" : level == "breach" ? "is breached" : $"is still breached ({level})";
        var title = $"{entity.Number}: {label} {what}";

        async Task NotifyAsync(IEnumerable<Guid> userIds, string who)
        {
            var ids = userIds.Distinct().ToList();
            foreach (var userId in ids)
            {
                db.Add(new Notification
                {
                    UserId = userId,
                    CaseId = entity.Id,
                    Title = title,
                    Body = entity.Subject,
                    Source = $"sla:{level}",
                    CreatedAt = now,
                    DeliverAfter = deliverAfter,
                });
            }

            var names = ids.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => u.DisplayName).ToListAsync(ct);
            Log(ids.Count == 0
                ? $"{label}: nobody to notify ({who})"
                : $"{label}: notified {string.Join(", ", names)} ({who}){(deliverAfter > now ? $", held until {deliverAfter:yyyy-MM-dd HH:mm}Z when the calendar opens" : "")}");
        }

        async Task<List<Guid>> TeamLeadsAsync() => entity.TeamId is { } teamId
            ? await db.TeamMembers.AsNoTracking()
                .Where(m => m.TeamId == teamId && m.User!.IsActive && (m.User.Role == UserRole.Supervisor || m.User.Role == UserRole.Admin))
                .Select(m => m.UserId).ToListAsync(ct)
            : [];

        void Log(string body) => SlaEngine.Timeline(db, entity.Id, instance.Metric, instance.Cycle, SlaEventKind.Escalated, body, now);

        void Touch()
        {
            entity.Version++;
            entity.UpdatedAt = now;
        }

        void Event(string field, string? from, string? to) => db.TimelineEntries.Add(new TimelineEntry
        {
            CaseId = entity.Id,
            Kind = TimelineKind.Event,
            Field = field,
            OldValue = from,
            NewValue = to,
            AuthorName = SlaEngine.AuthorName,
            CreatedAt = now,
        });

        foreach (var action in LevelsFor(policy, instance.Metric, level).SelectMany(l => l.Actions))
        {
            switch (action.Kind)
            {
                case SlaActionKind.NotifyOwner:
                    await NotifyAsync(entity.OwnerId is { } owner ? [owner] : await TeamLeadsAsync(), entity.OwnerId is null ? "no owner: team leads" : "owner");
                    break;
                case SlaActionKind.NotifyTeamLead:
                    await NotifyAsync(await TeamLeadsAsync(), "team lead");
                    break;
                case SlaActionKind.NotifyUser when action.UserId is { } userId:
                    await NotifyAsync([userId], "named user");
                    break;
                case SlaActionKind.ReassignToUser when action.UserId is { } userId && userId != entity.OwnerId:
                    var users = await db.Users.AsNoTracking().Where(u => u.Id == userId || u.Id == entity.OwnerId).Select(u => new { u.Id, u.DisplayName, u.IsActive }).ToListAsync(ct);
                    if (users.FirstOrDefault(u => u.Id == userId) is { IsActive: true } to)
                    {
                        Event("owner", users.FirstOrDefault(u => u.Id == entity.OwnerId)?.DisplayName, to.DisplayName);
                        entity.OwnerId = userId;
                        Touch();
                        Log($"{label}: reassigned to {to.DisplayName}");
                    }

                    break;
                case SlaActionKind.ReassignToTeam when action.TeamId is { } teamId && teamId != entity.TeamId:
                    var teams = await db.Teams.AsNoTracking().Where(t => t.Id == teamId || t.Id == entity.TeamId).Select(t => new { t.Id, t.Name }).ToListAsync(ct);
                    if (teams.FirstOrDefault(t => t.Id == teamId) is { } team)
                    {
                        Event("team", teams.FirstOrDefault(t => t.Id == entity.TeamId)?.Name, team.Name);
                        entity.TeamId = teamId;
                        Touch();
                        reselect = true;
                        Log($"{label}: reassigned to team {team.Name}");
                    }

                    break;
                case SlaActionKind.RaisePriority when entity.Priority > Priority.Critical:
                    var from = entity.Priority;
                    entity.Priority = from - 1;
                    Event("priority", from.ToString(), entity.Priority.ToString());
                    Touch();
                    reselect = true;
                    Log($"{label}: priority raised from {from} to {entity.Priority}");
                    break;
                case SlaActionKind.AddTag when !string.IsNullOrWhiteSpace(action.Tag) && !entity.Tags.Contains(action.Tag.Trim(), StringComparer.OrdinalIgnoreCase):
                    entity.Tags = CaseRules.CleanTags([.. entity.Tags, action.Tag.Trim()]);
                    Touch();
                    Log($"{label}: tagged '{action.Tag.Trim()}'");
                    break;
                case SlaActionKind.CreateTask when !string.IsNullOrWhiteSpace(action.Title):
                    db.Add(new CaseTask { CaseId = entity.Id, Title = action.Title.Trim(), AssigneeUserId = entity.OwnerId, CreatedAt = now, Source = $"sla:{level}" });
                    Log($"{label}: task '{action.Title.Trim()}' created");
                    break;
            }
        }

        return reselect;
    }
}
