using Microsoft.AspNetCore.Identity;

namespace Pishkhan.Features.Identity;

/// <summary>A person who signs in to the agent UI: an agent, a supervisor or an admin.</summary>
public sealed class AppUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";
    public UserRole Role { get; set; } = UserRole.Agent;

    /// <summary>UI language, "fa" or "en"; fa is right-to-left with Jalali dates.</summary>
    public string Language { get; set; } = UiLanguage.Persian;

    /// <summary>IANA zone in which this user reads times.</summary>
    public string TimeZone { get; set; } = "Asia/Tehran";

    /// <summary>The business calendar of this person's working hours; null means the default calendar.</summary>
    public Guid? CalendarId { get; set; }

    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public List<TeamMember> Teams { get; } = [];
}

public enum UserRole
{
    Agent = 1,
    Supervisor = 2,
    Admin = 3,
}

public static class UiLanguage
{
    public const string Persian = "fa";
    public const string English = "en";

    public static bool IsSupported(string? language) => language is Persian or English;
}
