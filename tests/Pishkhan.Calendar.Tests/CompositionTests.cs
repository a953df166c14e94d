using NodaTime;
using static Pishkhan.Calendar.Tests.TestCalendars;

namespace Pishkhan.Calendar.Tests;

public class CompositionTests
{
    private static readonly BusinessCalendar Morning = Weekly("UTC", MondayToFriday, R("08:00", "12:00"));
    private static readonly BusinessCalendar Afternoon = Weekly("UTC", MondayToFriday, R("11:00", "18:00"));

    [Fact]
    public void Union_IsOpenWhenAnyMemberIsOpen()
    {
        var team = BusinessCalendar.Union(Morning, Afternoon);
        Assert.Equal(Duration.FromHours(10), team.Between(T("2016-01-25T00:00"), T("2016-01-26T00:00")));
        Assert.Equal(T("2016-01-25T18:00"), team.NextClose(T("2016-01-25T09:00")));
    }

    [Fact]
    public void Intersection_IsOpenOnlyWhenAllMembersAreOpen()
    {
        var both = BusinessCalendar.Intersection(Morning, Afternoon);
        Assert.Equal(Duration.FromHours(1), both.Between(T("2016-01-25T00:00"), T("2016-01-26T00:00")));
        Assert.Equal(T("2016-01-26T11:30"), both.Add(T("2016-01-25T11:30"), Duration.FromHours(1)));
    }

    [Fact]
    public void Union_AcrossZones_CoversFollowTheSun()
    {
        var tehran = Weekly("Asia/Tehran", SaturdayToWednesday, R("08:00", "17:00"));
        var newYork = Weekly("America/New_York", MondayToFriday, R("09:00", "17:00"));
        var sun = BusinessCalendar.Union(tehran, newYork);

        // Monday 2026-01-05: Tehran 04:30Z–13:30Z, New York 14:00Z–22:00Z.
        Assert.Equal(Duration.FromHours(17), sun.Between(T("2026-01-05T00:00"), T("2026-01-06T00:00")));
        Assert.Equal(T("2026-01-05T14:00"), sun.NextOpen(T("2026-01-05T13:30")));
    }

    [Fact]
    public void Compose_WithNoCalendars_Throws() => Assert.Throws<ArgumentException>(() => BusinessCalendar.Union());
}
