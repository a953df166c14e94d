using Pishkhan.Features.Reports;
using Pishkhan.Features.Sla;

namespace Pishkhan.Tests.Sla;

/// <summary>The recalculation writes without the save interceptors, so it marks the report days itself.</summary>
public sealed class SlaBatchChangesTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);

    private static SlaInstance Instance(DateTime startedAt) => new()
    {
        Id = Guid.NewGuid(),
        CaseId = Guid.NewGuid(),
        State = SlaState.InProgress,
        IsOpen = true,
        StartedAt = startedAt,
        DueAt = startedAt.AddHours(4),
    };

    [Fact]
    public void AStateChange_MarksTheDaysAroundTheStart_AMovedDueInstantAlone_MarksNothing()
    {
        var changedState = Instance(new DateTime(2025, 12, 10, 9, 0, 0, DateTimeKind.Utc));
        var movedOnly = Instance(new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc));
        var changes = new SlaBatchChanges(Now);
        changes.Read([changedState, movedOnly], []);
        changedState.State = SlaState.Breached;
        movedOnly.DueAt = movedOnly.DueAt!.Value.AddDays(1);

        changes.Classify();

        Assert.Equal(ReportDays.DaysAround(changedState.StartedAt).ToHashSet(), changes.ReportDays);
        Assert.Equal(2, changes.ChangedInstances.Values.Sum(rows => rows.Count));
    }

    [Fact]
    public void AnAddedInstance_AndAMovedStart_MarkTheirDays_BeforeAndAfter()
    {
        var moved = Instance(new DateTime(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc));
        var changes = new SlaBatchChanges(Now);
        changes.Read([moved], []);
        var before = moved.StartedAt;
        moved.StartedAt = before.AddDays(10);
        var added = Instance(new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc));
        changes.Writes.AddedInstances.Add(added);

        changes.Classify();

        var expected = ReportDays.DaysAround(before).Concat(ReportDays.DaysAround(moved.StartedAt)).Concat(ReportDays.DaysAround(added.StartedAt)).ToHashSet();
        Assert.Equal(expected, changes.ReportDays);
    }
}
