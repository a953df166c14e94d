namespace Pishkhan.Features.Identity;

public sealed class Team
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }

    /// <summary>The business calendar the team works by; null means the default calendar.</summary>
    public Guid? CalendarId { get; set; }

    public List<TeamMember> Members { get; } = [];
}

public sealed class TeamMember
{
    public Guid TeamId { get; set; }
    public Team? Team { get; set; }
    public Guid UserId { get; set; }
    public AppUser? User { get; set; }
}
