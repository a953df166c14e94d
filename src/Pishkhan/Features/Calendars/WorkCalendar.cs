using Pishkhan.Platform.Auditing;

namespace Pishkhan.Features.Calendars;

/// <summary>
/// A business calendar as a record admins edit: a name and the JSON of a <see cref="Pishkhan.Calendar.CalendarDefinition"/>.
/// Users and teams point at one (<c>CalendarId</c>); those that do not use the default, of which there is exactly one.
/// </summary>
public sealed class WorkCalendar : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>A valid definition as written by <see cref="Pishkhan.Calendar.CalendarDefinition.ToJson"/>.</summary>
    public required string Definition { get; set; }

    public bool IsDefault { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}
