using Pishkhan.Features.Identity;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Cases;

/// <summary>
/// Which cases an actor may see: supervisors, admins and API keys see all; an agent sees the cases of
/// their teams and the cases they own. A case outside that reads as "not found", never "forbidden",
/// so ids cannot be probed.
/// </summary>
internal static class CaseVisibility
{
    public static IQueryable<Case> VisibleTo(this IQueryable<Case> cases, PishkhanDbContext db, Actor actor) =>
        actor.SeesAllCases
            ? cases
            : cases.Where(c => c.OwnerId == actor.UserId
                || (c.TeamId != null && db.TeamMembers.Any(m => m.UserId == actor.UserId && m.TeamId == c.TeamId)));
}
