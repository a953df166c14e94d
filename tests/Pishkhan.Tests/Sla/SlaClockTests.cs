using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Sla;

namespace Pishkhan.Tests.Sla;

/// <summary>The SLA clock on its own: issue 4's acceptance vectors and the rules of docs/sla.md, one test each.</summary>
public sealed class SlaClockTests
{
    private static readonly Guid Open = Guid.NewGuid();
    private static readonly Guid Waiting = Guid.NewGuid();
    private static readonly Guid OnHold = Guid.NewGuid();
    private static readonly Guid Resolved = Guid.NewGuid();
    private static readonly HashSet<Guid> PauseStatuses = [Waiting, OnHold];

    internal static readonly BusinessCalendar Berlin = BusinessCalendar.Create(new CalendarDefinition
    {
        Zone = "Europe/Berlin",
        Weekly = new WeeklyHours().With(
            [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday],
            new TimeRange("09:00", "18:00")),
    });

    private static readonly CalendarDefinition TehranWeekly = IranianHolidays.TehranDefaultDefinition() with { Holidays = [] };

    private static Instant Utc(int y, int mo, int d, int h, int mi, int s = 0) => Instant.FromUtc(y, mo, d, h, mi, s);

    private static SlaMetricTarget Target(SlaMetric metric, Duration target, SlaWarningPoint? warning = null, params Duration[] afterBreach) =>
        new(metric, target, warning ?? SlaWarningPoint.Default, PauseStatuses) { AfterBreach = afterBreach };

    private static SlaHistory History(Instant created, IEnumerable<(Instant At, Guid Status)>? statuses = null, IEnumerable<Instant>? replies = null, IEnumerable<Instant>? messages = null) => new(
        created,
        [new SlaStatusChange(created, Open, false), .. (statuses ?? []).Select(s => new SlaStatusChange(s.At, s.Status, s.Status == Resolved))],
        [.. replies ?? []],
        [.. messages ?? []]);

    private static SlaInstanceResult Single(SlaHistory history, SlaMetricTarget target, BusinessCalendar calendar, Instant now) =>
        Assert.Single(SlaClock.Compute(history, target, calendar, now));

    [Fact]
    public void Tehran_CreatedThursday1230_FourBusinessHours_DueSaturday1130()
    {
        var calendar = BusinessCalendar.Create(TehranWeekly);
        var created = Utc(2025, 6, 12, 9, 0); // Thursday 12:30 in Tehran (UTC+03:30)
        var result = Single(History(created), Target(SlaMetric.FirstResponse, Duration.FromHours(4)), calendar, created);

        Assert.Equal(Utc(2025, 6, 14, 8, 0), result.DueAt); // Saturday 11:30 Tehran
        Assert.Equal(SlaState.InProgress, result.State);
    }

    [Fact]
    public void Tehran_SaturdayIsAHoliday_DueSunday1130()
    {
        var calendar = BusinessCalendar.Create(TehranWeekly with { Holidays = [Holiday.OnGregorian(new LocalDate(2025, 6, 14), "test holiday")] });
        var created = Utc(2025, 6, 12, 9, 0);
        var result = Single(History(created), Target(SlaMetric.FirstResponse, Duration.FromHours(4)), calendar, created);

        Assert.Equal(Utc(2025, 6, 15, 8, 0), result.DueAt); // Sunday 11:30 Tehran
    }

    [Fact]
    public void Berlin_WaitingAndOnHold_DueAt1145Z()
    {
        var created = Utc(2013, 6, 4, 9, 0);
        var history = History(created, [
            (Utc(2013, 6, 4, 9, 30), Waiting), (Utc(2013, 6, 4, 9, 45), Open),
            (Utc(2013, 6, 4, 10, 0), OnHold), (Utc(2013, 6, 4, 10, 30), Open)]);
        var result = Single(history, Target(SlaMetric.FirstResponse, Duration.FromMinutes(120)), Berlin, Utc(2013, 6, 4, 10, 30));

        Assert.Equal(Utc(2013, 6, 4, 11, 45), result.DueAt);
        Assert.Equal(Duration.FromMinutes(45), result.Elapsed);
        Assert.Equal(
            [SlaEventKind.Started, SlaEventKind.Paused, SlaEventKind.Resumed, SlaEventKind.Paused, SlaEventKind.Resumed],
            result.Events.Select(e => e.Kind));
    }

    [Fact]
    public void Berlin_WhilePaused_NoDueInstant_AndElapsedStopsAtThePause()
    {
        var created = Utc(2013, 6, 4, 9, 0);
        var history = History(created, [(Utc(2013, 6, 4, 10, 0), OnHold)]);
        var result = Single(history, Target(SlaMetric.FirstResponse, Duration.FromMinutes(120)), Berlin, Utc(2013, 6, 4, 10, 20));

        Assert.Equal(SlaState.Paused, result.State);
        Assert.Null(result.DueAt);
        Assert.Null(result.WarnAt);
        Assert.Equal(Duration.FromMinutes(60), result.Elapsed);
    }

    [Fact]
    public void Berlin_FirstResponseAt1045_WithPause1000To1030_Achieved75BusinessMinutes()
    {
        var created = Utc(2013, 6, 4, 9, 0);
        var history = History(created, [(Utc(2013, 6, 4, 10, 0), OnHold), (Utc(2013, 6, 4, 10, 30), Open)], replies: [Utc(2013, 6, 4, 10, 45)]);
        var result = Single(history, Target(SlaMetric.FirstResponse, Duration.FromMinutes(120)), Berlin, Utc(2013, 6, 4, 12, 0));

        Assert.Equal(SlaState.Succeeded, result.State);
        Assert.Equal(Utc(2013, 6, 4, 10, 45), result.AchievedAt);
        Assert.Equal(Duration.FromMinutes(75), result.AchievedElapsed);
        Assert.Equal(SlaEventKind.Fulfilled, result.Events[^1].Kind);
    }

    [Fact]
    public void PauseInBusinessHours_ResumeAfterClosing_ClosedTimeDoesNotCount()
    {
        // Berlin closes at 16:00Z in June. Created 15:00Z, paused 15:30Z, resumed 17:00Z (closed).
        var created = Utc(2013, 6, 4, 15, 0);
        var history = History(created, [(Utc(2013, 6, 4, 15, 30), Waiting), (Utc(2013, 6, 4, 17, 0), Open)]);
        var target = Target(SlaMetric.FirstResponse, Duration.FromMinutes(120));
        var nextMorning = Utc(2013, 6, 5, 7, 0);

        var result = Single(history, target, Berlin, nextMorning);

        Assert.Equal(Duration.FromMinutes(30), result.Elapsed);
        Assert.Equal(Utc(2013, 6, 5, 8, 30), result.DueAt); // 90 minutes left, from the 07:00Z opening
    }

    [Fact]
    public void PauseAndResume_BothOutsideBusinessHours_ChangeNothing()
    {
        var created = Utc(2013, 6, 4, 15, 0);
        var target = Target(SlaMetric.FirstResponse, Duration.FromMinutes(120));
        var now = Utc(2013, 6, 5, 7, 30);
        var plain = Single(History(created), target, Berlin, now);
        var paused = Single(History(created, [(Utc(2013, 6, 4, 18, 0), Waiting), (Utc(2013, 6, 5, 5, 0), Open)]), target, Berlin, now);

        Assert.Equal(plain.DueAt, paused.DueAt);
        Assert.Equal(plain.Elapsed, paused.Elapsed);
        Assert.Equal(Utc(2013, 6, 5, 8, 0), paused.DueAt);
    }

    [Fact]
    public void TargetRunningOutAtClosing_IsDueAtTheNextOpening_AndAReplyBeforeItSucceeds()
    {
        var created = Utc(2013, 6, 4, 14, 0); // two business hours before the 16:00Z close
        var target = Target(SlaMetric.FirstResponse, Duration.FromHours(2));
        var running = Single(History(created), target, Berlin, created);
        Assert.Equal(Utc(2013, 6, 5, 7, 0), running.DueAt);

        var replied = Single(History(created, replies: [Utc(2013, 6, 4, 20, 0)]), target, Berlin, Utc(2013, 6, 5, 9, 0));
        Assert.Equal(SlaState.Succeeded, replied.State);
        Assert.Equal(Duration.FromHours(2), replied.AchievedElapsed);

        var late = Single(History(created, replies: [Utc(2013, 6, 5, 7, 0, 1)]), target, Berlin, Utc(2013, 6, 5, 9, 0));
        Assert.Equal(SlaState.Breached, late.State);
        Assert.Equal(Utc(2013, 6, 5, 7, 0), late.BreachedAt);
    }

    [Fact]
    public void Warning_AsPercentage_AndAsDurationBefore()
    {
        var created = Utc(2013, 6, 4, 8, 0);
        var byPercent = Single(History(created), Target(SlaMetric.FirstResponse, Duration.FromHours(2), new SlaWarningPoint(Percent: 75)), Berlin, created);
        var byBefore = Single(History(created), Target(SlaMetric.FirstResponse, Duration.FromHours(2), new SlaWarningPoint(Before: Duration.FromMinutes(10))), Berlin, created);

        Assert.Equal(Utc(2013, 6, 4, 9, 30), byPercent.WarnAt);
        Assert.Equal(Utc(2013, 6, 4, 9, 50), byBefore.WarnAt);
    }

    [Fact]
    public void PastWarningAndBreach_ChangeTheState_AndAreEventsInOrder()
    {
        var created = Utc(2013, 6, 4, 8, 0);
        var target = Target(SlaMetric.FirstResponse, Duration.FromHours(2), new SlaWarningPoint(Percent: 50), Duration.FromHours(1), Duration.FromHours(4));
        var history = History(created);

        Assert.Equal(SlaState.InProgress, Single(history, target, Berlin, Utc(2013, 6, 4, 8, 59)).State);
        Assert.Equal(SlaState.InProgress, Single(history, target, Berlin, Utc(2013, 6, 4, 9, 0)).State); // a level is reached just after its instant
        Assert.Equal(SlaState.NearingBreach, Single(history, target, Berlin, Utc(2013, 6, 4, 9, 0, 1)).State);
        Assert.Equal(SlaState.NearingBreach, Single(history, target, Berlin, Utc(2013, 6, 4, 10, 0)).State); // due instant itself still meets the target
        var breached = Single(history, target, Berlin, Utc(2013, 6, 4, 11, 30));
        Assert.Equal(SlaState.Breached, breached.State);
        Assert.Equal(Utc(2013, 6, 4, 10, 0), breached.BreachedAt);
        Assert.Equal([SlaEventKind.Started, SlaEventKind.Warned, SlaEventKind.Breached, SlaEventKind.Escalated], breached.Events.Select(e => e.Kind));
        Assert.Equal(Utc(2013, 6, 4, 11, 0), breached.Levels[2].ReachedAt);
        Assert.Equal(Utc(2013, 6, 4, 14, 0), breached.Levels[3].DueAt);

        var fulfilledLate = Single(History(created, replies: [Utc(2013, 6, 4, 12, 0)]), target, Berlin, Utc(2013, 6, 4, 15, 0));
        Assert.Equal(SlaState.Breached, fulfilledLate.State);
        Assert.Equal(Utc(2013, 6, 4, 12, 0), fulfilledLate.AchievedAt);
        Assert.Null(fulfilledLate.Levels[3].DueAt); // no more escalation once fulfilled
    }

    [Fact]
    public void FirstResponse_ResolvedWithoutReply_IsCancelled_AndReopeningResumesIt()
    {
        var created = Utc(2013, 6, 4, 8, 0);
        var target = Target(SlaMetric.FirstResponse, Duration.FromHours(2));
        var resolved = History(created, [(Utc(2013, 6, 4, 8, 30), Resolved)]);
        Assert.Equal(SlaState.Cancelled, Single(resolved, target, Berlin, Utc(2013, 6, 4, 12, 0)).State);

        var reopened = History(created, [(Utc(2013, 6, 4, 8, 30), Resolved), (Utc(2013, 6, 4, 11, 0), Open)]);
        var result = Single(reopened, target, Berlin, Utc(2013, 6, 4, 11, 0));
        Assert.Equal(SlaState.InProgress, result.State);
        Assert.Equal(Utc(2013, 6, 4, 12, 30), result.DueAt);
        Assert.Equal("reopened", result.Events[^1].Note);
    }

    [Fact]
    public void NextResponse_OneCyclePerUnansweredRun_NotBeforeTheFirstResponse()
    {
        var created = Utc(2013, 6, 4, 7, 0);
        var history = History(
            created,
            replies: [Utc(2013, 6, 4, 8, 0), Utc(2013, 6, 4, 10, 0)],
            messages: [Utc(2013, 6, 4, 7, 30), Utc(2013, 6, 4, 9, 0), Utc(2013, 6, 4, 9, 20), Utc(2013, 6, 4, 11, 0)]);
        var cycles = SlaClock.Compute(history, Target(SlaMetric.NextResponse, Duration.FromHours(1)), Berlin, Utc(2013, 6, 4, 11, 10));

        Assert.Equal(2, cycles.Count);
        Assert.Equal(Utc(2013, 6, 4, 9, 0), cycles[0].StartedAt);
        Assert.Equal(SlaState.Succeeded, cycles[0].State);
        Assert.Equal(Duration.FromMinutes(60), cycles[0].AchievedElapsed);
        Assert.Equal(2, cycles[1].Cycle);
        Assert.Equal(SlaState.InProgress, cycles[1].State);
        Assert.Equal(Utc(2013, 6, 4, 12, 0), cycles[1].DueAt);
    }

    [Fact]
    public void NextResponse_ResolvingCancels_AndAMessageWhileResolvedStartsAtTheReopening()
    {
        var created = Utc(2013, 6, 4, 7, 0);
        var history = History(
            created,
            [(Utc(2013, 6, 4, 9, 30), Resolved), (Utc(2013, 6, 4, 11, 0), Open)],
            replies: [Utc(2013, 6, 4, 8, 0)],
            messages: [Utc(2013, 6, 4, 9, 0), Utc(2013, 6, 4, 10, 0)]);
        var cycles = SlaClock.Compute(history, Target(SlaMetric.NextResponse, Duration.FromHours(1)), Berlin, Utc(2013, 6, 4, 11, 5));

        Assert.Equal(2, cycles.Count);
        Assert.Equal(SlaState.Cancelled, cycles[0].State);
        Assert.Equal(Utc(2013, 6, 4, 11, 0), cycles[1].StartedAt);
        Assert.Equal(SlaState.InProgress, cycles[1].State);
    }

    [Fact]
    public void PeriodicUpdate_RunsBetweenReplies_WhileOpen()
    {
        var created = Utc(2013, 6, 4, 7, 0);
        var history = History(created, [(Utc(2013, 6, 4, 12, 0), Resolved)], replies: [Utc(2013, 6, 4, 8, 0), Utc(2013, 6, 4, 9, 0), Utc(2013, 6, 4, 11, 30)]);
        var cycles = SlaClock.Compute(history, Target(SlaMetric.PeriodicUpdate, Duration.FromHours(2)), Berlin, Utc(2013, 6, 4, 13, 0));

        Assert.Equal([SlaState.Succeeded, SlaState.Breached, SlaState.Cancelled], cycles.Select(c => c.State));
        Assert.Equal(Utc(2013, 6, 4, 11, 0), cycles[1].BreachedAt);
    }

    [Fact]
    public void Resolution_ReopeningResumes_TimeWhileResolvedDoesNotCount()
    {
        var created = Utc(2013, 6, 4, 7, 0);
        var target = Target(SlaMetric.Resolution, Duration.FromHours(4));
        var history = History(created, [(Utc(2013, 6, 4, 8, 0), Resolved), (Utc(2013, 6, 4, 10, 0), Open)]);

        var atResolve = Single(History(created, [(Utc(2013, 6, 4, 8, 0), Resolved)]), target, Berlin, Utc(2013, 6, 4, 9, 0));
        Assert.Equal(SlaState.Succeeded, atResolve.State);
        Assert.Equal(Duration.FromHours(1), atResolve.AchievedElapsed);

        var reopened = Single(history, target, Berlin, Utc(2013, 6, 4, 10, 30));
        Assert.Equal(SlaState.InProgress, reopened.State);
        Assert.Equal(Duration.FromMinutes(90), reopened.Elapsed);
        Assert.Null(reopened.AchievedAt);
        Assert.Equal(Utc(2013, 6, 4, 13, 0), reopened.DueAt);
    }

    [Fact]
    public void AllDay_CountsWallClockTime()
    {
        var created = Utc(2013, 6, 8, 23, 0);
        var result = Single(History(created), Target(SlaMetric.FirstResponse, Duration.FromHours(8)), SlaClock.AllDay, created);
        Assert.Equal(Utc(2013, 6, 9, 7, 0), result.DueAt);
    }

    [Fact]
    public void AppliedEvent_IsListedWhenGiven()
    {
        var created = Utc(2013, 6, 4, 8, 0);
        var result = Single(History(created), Target(SlaMetric.FirstResponse, Duration.FromHours(2)), Berlin, created, Utc(2013, 6, 4, 8, 0));
        Assert.Equal([SlaEventKind.Applied, SlaEventKind.Started], result.Events.Select(e => e.Kind));
    }

    private static SlaInstanceResult Single(SlaHistory history, SlaMetricTarget target, BusinessCalendar calendar, Instant now, Instant appliedAt) =>
        Assert.Single(SlaClock.Compute(history, target, calendar, now, appliedAt));
}
