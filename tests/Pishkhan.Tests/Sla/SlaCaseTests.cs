using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Notifications;
using Pishkhan.Features.Sla;

namespace Pishkhan.Tests.Sla;

/// <summary>SLA instances on real cases, through the API, on a test clock: issue 4's acceptance scenarios.</summary>
[Trait("Category", "Integration")]
public sealed class SlaCaseTests(SlaApp sla) : IClassFixture<SlaApp>
{
    private PishkhanAppFactory App => sla.App;

    private static readonly CalendarDefinition BerlinAllWeek = new()
    {
        Zone = "Europe/Berlin",
        Weekly = new WeeklyHours().With(
            [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday],
            new TimeRange("09:00", "18:00")),
    };

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static DateTime UtcDate(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, DateTimeKind.Utc);

    private async Task<Guid> TeamAsync() => await App.CreateTeamAsync("Team " + Guid.NewGuid().ToString("N")[..8]);

    private Task<SlaPolicyDto> PolicyAsync(Guid team, object[] targets, Guid? calendarId = null, bool is24x7 = false, object[]? escalations = null, object? conditions = null) =>
        sla.CreatePolicyAsync(new
        {
            name = "Policy " + Guid.NewGuid().ToString("N")[..8],
            conditions = conditions ?? new { teamIds = new[] { team } },
            calendarId,
            is24x7,
            targets,
            escalations = escalations ?? [],
        });

    private static SlaInstanceDto Metric(SlaCaseDto dto, SlaMetric metric, int cycle = 1) =>
        Assert.Single(dto.Instances, i => i.Metric == metric && i.Cycle == cycle && i.PolicyId == dto.PolicyId);

    [Fact]
    public async Task Berlin_PausesWhileWaitingAndOnHold_DueAt1145()
    {
        var team = await TeamAsync();
        var calendar = await sla.CreateCalendarAsync(BerlinAllWeek);
        await PolicyAsync(team, [new { priority = "medium", metric = "firstResponse", minutes = 120 }], calendar);
        var statuses = await sla.StatusesAsync();

        sla.Clock.Set(Utc(2013, 6, 4, 9, 0));
        var created = await App.CreateCaseAsync(teamId: team, priority: "medium");
        sla.Clock.Set(Utc(2013, 6, 4, 9, 30));
        await sla.PatchAsync(created.Id, new { statusId = statuses["Waiting for customer"] });
        sla.Clock.Set(Utc(2013, 6, 4, 9, 45));
        await sla.PatchAsync(created.Id, new { statusId = statuses["Open"] });
        sla.Clock.Set(Utc(2013, 6, 4, 10, 0));
        await sla.PatchAsync(created.Id, new { statusId = statuses["On hold"] });

        // While paused the instance has no due instant: it does not move.
        var paused = Metric(await sla.SlaAsync(created.Id), SlaMetric.FirstResponse);
        Assert.Equal(SlaState.Paused, paused.State);
        Assert.Equal(45 * 60, paused.ElapsedSeconds);

        sla.Clock.Set(Utc(2013, 6, 4, 10, 30));
        await sla.PatchAsync(created.Id, new { statusId = statuses["Open"] });

        var first = Metric(await sla.SlaAsync(created.Id), SlaMetric.FirstResponse);
        Assert.Equal(SlaState.InProgress, first.State);
        Assert.Equal(UtcDate(2013, 6, 4, 11, 45), first.DueAt);

        // The stored row (what lists and the sweeper read) agrees with the replay.
        var row = await App.WithDbAsync(db => db.Set<SlaInstance>().SingleAsync(i => i.CaseId == created.Id && i.Metric == SlaMetric.FirstResponse));
        Assert.Equal(UtcDate(2013, 6, 4, 11, 45), row.DueAt);
        Assert.True(row.IsOpen);

        var events = (await sla.SlaEventsAsync(created.Id)).Select(e => e.NewValue).ToList();
        Assert.Equal(["applied", "paused", "resumed", "paused", "resumed"], events);
    }

    [Fact]
    public async Task Berlin_ReplyAt1045_WithHoldFrom1000To1030_Achieves75BusinessMinutes()
    {
        var team = await TeamAsync();
        var calendar = await sla.CreateCalendarAsync(BerlinAllWeek);
        await PolicyAsync(team, [new { priority = "medium", metric = "firstResponse", minutes = 120 }], calendar);
        var statuses = await sla.StatusesAsync();

        sla.Clock.Set(Utc(2013, 6, 4, 9, 0));
        var created = await App.CreateCaseAsync(teamId: team, priority: "medium");
        sla.Clock.Set(Utc(2013, 6, 4, 10, 0));
        await sla.PatchAsync(created.Id, new { statusId = statuses["On hold"] });
        sla.Clock.Set(Utc(2013, 6, 4, 10, 30));
        await sla.PatchAsync(created.Id, new { statusId = statuses["Open"] });
        sla.Clock.Set(Utc(2013, 6, 4, 10, 45));
        await sla.ReplyAsync(created.Id);

        var first = Metric(await sla.SlaAsync(created.Id), SlaMetric.FirstResponse);
        Assert.Equal(SlaState.Succeeded, first.State);
        Assert.Equal(75 * 60, first.AchievedSeconds);
        Assert.Equal(UtcDate(2013, 6, 4, 10, 45), first.AchievedAt);
        Assert.Contains(await sla.SlaEventsAsync(created.Id), e => e.NewValue == "fulfilled");
        Assert.Empty(await App.WithDbAsync(db => db.Set<SlaTimer>().Where(t => t.CaseId == created.Id && t.FiredAt == null).ToListAsync()));
    }

    [Fact]
    public async Task Tehran_ThursdayAt1230_DueSaturday1130_AndAHolidayAddedForSaturday_MovesItToSunday()
    {
        var team = await TeamAsync();
        var weekly = IranianHolidays.TehranDefaultDefinition() with { Holidays = [] };
        var calendar = await sla.CreateCalendarAsync(weekly);
        await PolicyAsync(team, [new { priority = "high", metric = "firstResponse", minutes = 240 }], calendar);

        sla.Clock.Set(Utc(2025, 6, 12, 9, 0)); // Thursday 12:30 in Tehran
        var created = await App.CreateCaseAsync(teamId: team, priority: "high");
        await sla.RecalculateAsync(); // the policy save's own job, so the one below is the calendar's
        Assert.Equal(UtcDate(2025, 6, 14, 8, 0), Metric(await sla.SlaAsync(created.Id), SlaMetric.FirstResponse).DueAt); // Saturday 11:30

        var client = App.ApiClient();
        var stored = await client.GetFromJsonAsync<Features.Calendars.CalendarDto>($"/api/v1/calendars/{calendar}", PishkhanAppFactory.Json);
        var put = await client.PutAsJsonAsync($"/api/v1/calendars/{calendar}", new
        {
            name = stored!.Name,
            definition = weekly with { Holidays = [Holiday.OnGregorian(new LocalDate(2025, 6, 14), "added tomorrow")] },
            version = stored.Version,
        }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        Assert.True(await sla.RecalculateAsync() >= 1);
        var row = await App.WithDbAsync(db => db.Set<SlaInstance>().SingleAsync(i => i.CaseId == created.Id));
        Assert.Equal(UtcDate(2025, 6, 15, 8, 0), row.DueAt); // Sunday 11:30
        Assert.Equal(UtcDate(2025, 6, 15, 8, 0), await App.WithDbAsync(db => db.Set<SlaTimer>().Where(t => t.InstanceId == row.Id && t.Level == "breach").Select(t => t.DueAt).SingleAsync()));
        Assert.Contains(await sla.SlaEventsAsync(created.Id), e => e.NewValue == "recalculated");

        var job = Assert.Single(await App.ApiClient().GetFromJsonAsync<List<SlaRecalculationDto>>("/api/v1/sla/recalculations", PishkhanAppFactory.Json) ?? [], j => j.CalendarId == calendar);
        Assert.Equal(RecalculationStatus.Done, job.Status);
        Assert.Equal(job.Total, job.Done);
    }

    [Fact]
    public async Task PriorityChange_UsesTheNewPrioritysTarget_FromCreation()
    {
        var team = await TeamAsync();
        await PolicyAsync(team, [new { priority = "medium", metric = "resolution", minutes = 600 }, new { priority = "high", metric = "resolution", minutes = 120 }], is24x7: true);
        sla.Clock.Set(Utc(2026, 3, 1, 8, 0));
        var created = await App.CreateCaseAsync(teamId: team, priority: "medium");
        Assert.Equal(UtcDate(2026, 3, 1, 18, 0), Metric(await sla.SlaAsync(created.Id), SlaMetric.Resolution).DueAt);

        sla.Clock.Set(Utc(2026, 3, 1, 9, 0));
        await sla.PatchAsync(created.Id, new { priority = "high" });
        var resolution = Metric(await sla.SlaAsync(created.Id), SlaMetric.Resolution);
        Assert.Equal(UtcDate(2026, 3, 1, 10, 0), resolution.DueAt);
        Assert.Equal(60 * 60, resolution.ElapsedSeconds);
    }

    [Fact]
    public async Task ConditionFieldChange_CancelsTheOldPolicysInstances_AndStartsTheNewOnesFromHistory()
    {
        var teamA = await TeamAsync();
        var teamB = await TeamAsync();
        var a = await PolicyAsync(teamA, [new { priority = "medium", metric = "firstResponse", minutes = 600 }], is24x7: true);
        var b = await PolicyAsync(teamB, [new { priority = "medium", metric = "firstResponse", minutes = 60 }], is24x7: true);
        sla.Clock.Set(Utc(2026, 3, 2, 8, 0));
        var created = await App.CreateCaseAsync(teamId: teamA, priority: "medium");
        Assert.Equal(a.Id, (await sla.SlaAsync(created.Id)).PolicyId);

        sla.Clock.Set(Utc(2026, 3, 2, 9, 30));
        await sla.PatchAsync(created.Id, new { teamId = teamB });

        var now = await sla.SlaAsync(created.Id);
        Assert.Equal(b.Id, now.PolicyId);
        var started = Metric(now, SlaMetric.FirstResponse);
        Assert.Equal(UtcDate(2026, 3, 2, 9, 0), started.DueAt); // from creation, not from the switch: already breached
        Assert.Equal(SlaState.Breached, started.State);
        var cancelled = Assert.Single(now.Instances, i => i.PolicyId == a.Id);
        Assert.Equal(SlaState.Cancelled, cancelled.State);
        Assert.Contains(await sla.SlaEventsAsync(created.Id), e => e.NewValue == "cancelled" && e.Body.Contains(b.Name, StringComparison.Ordinal));

        // The warning and breach found in the past have timers due already; the sweeper fires each once.
        Assert.Equal(2, await sla.SweepAndCountAsync(created.Id));
        Assert.Single(await sla.SlaEventsAsync(created.Id), e => e.NewValue == "breached");
        Assert.DoesNotContain(now.Explanation, c => c.PolicyId == a.Id && c.Matched);
        Assert.Contains(now.Explanation, c => c.PolicyId == a.Id && c.Summary.StartsWith("failed: team", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InternalNote_IsNotAResponse_PublicReplyIs()
    {
        var team = await TeamAsync();
        await PolicyAsync(team, [new { priority = "medium", metric = "firstResponse", minutes = 60 }], is24x7: true);
        sla.Clock.Set(Utc(2026, 3, 3, 8, 0));
        var created = await App.CreateCaseAsync(teamId: team, priority: "medium");
        sla.Clock.Set(Utc(2026, 3, 3, 8, 10));
        var note = await App.ApiClient().PostAsJsonAsync($"/api/v1/cases/{created.Id}/notes", new { body = "internal" }, PishkhanAppFactory.Json);
        Assert.True(note.IsSuccessStatusCode);
        Assert.Equal(SlaState.InProgress, Metric(await sla.SlaAsync(created.Id), SlaMetric.FirstResponse).State);

        sla.Clock.Set(Utc(2026, 3, 3, 8, 20));
        await sla.ReplyAsync(created.Id);
        var first = Metric(await sla.SlaAsync(created.Id), SlaMetric.FirstResponse);
        Assert.Equal(SlaState.Succeeded, first.State);
        Assert.Equal(20 * 60, first.AchievedSeconds);
    }

    [Fact]
    public async Task WarningAndBreach_FireOnce_AndNotifyOwnerAndTeamLead()
    {
        var team = await TeamAsync();
        var owner = await App.CreateUserAsync($"owner-{Guid.NewGuid():N}@test.local", UserRole.Agent, team);
        var lead = await App.CreateUserAsync($"lead-{Guid.NewGuid():N}@test.local", UserRole.Supervisor, team);
        await PolicyAsync(
            team,
            [new { priority = "medium", metric = "firstResponse", minutes = 60, warnPercent = 50 }],
            is24x7: true,
            escalations:
            [
                new { trigger = "warning", actions = new object[] { new { kind = "notifyOwner" } } },
                new { trigger = "breach", actions = new object[] { new { kind = "notifyOwner" }, new { kind = "notifyTeamLead" }, new { kind = "addTag", tag = "late" } } },
            ]);
        sla.Clock.Set(Utc(2026, 3, 4, 8, 0));
        var created = await App.CreateCaseAsync(teamId: team, priority: "medium");
        await sla.PatchAsync(created.Id, new { ownerId = owner.Id });

        sla.Clock.Set(Utc(2026, 3, 4, 8, 30)); // the warning instant itself: not yet past it
        Assert.Equal(0, await sla.SweepAndCountAsync(created.Id));
        sla.Clock.Set(Utc(2026, 3, 4, 8, 30).AddSeconds(1));
        Assert.Equal(1, await sla.SweepAndCountAsync(created.Id));
        Assert.Equal(SlaState.NearingBreach, Metric(await sla.SlaAsync(created.Id), SlaMetric.FirstResponse).State);

        sla.Clock.Set(Utc(2026, 3, 4, 9, 0).AddSeconds(1));
        Assert.Equal(2, await sla.SweepAndCountAsync(created.Id));

        var notifications = await App.WithDbAsync(db => db.Set<Notification>().Where(n => n.CaseId == created.Id).ToListAsync());
        Assert.Single(notifications, n => n.UserId == owner.Id && n.Source == "sla:warning");
        Assert.Single(notifications, n => n.UserId == owner.Id && n.Source == "sla:breach");
        Assert.Single(notifications, n => n.UserId == lead.Id && n.Source == "sla:breach");
        Assert.Equal(3, notifications.Count);

        var events = await sla.SlaEventsAsync(created.Id);
        Assert.Single(events, e => e.NewValue == "warned");
        Assert.Single(events, e => e.NewValue == "breached");
        Assert.Contains(events, e => e.NewValue == "escalated" && e.Body.Contains("tagged 'late'", StringComparison.Ordinal));
        Assert.Contains("late", (await App.ApiClient().GetFromJsonAsync<Features.Cases.CaseDto>($"/api/v1/cases/{created.Id}", PishkhanAppFactory.Json))!.Tags);
        Assert.Equal(SlaState.Breached, Metric(await sla.SlaAsync(created.Id), SlaMetric.FirstResponse).State);

        // A later edit replays the case; the fired levels never fire again.
        await sla.PatchAsync(created.Id, new { priority = "medium", subject = "still late" });
        Assert.Equal(2, await sla.SweepAndCountAsync(created.Id));
        Assert.Equal(3, await App.WithDbAsync(db => db.Set<Notification>().CountAsync(n => n.CaseId == created.Id)));
    }

    [Fact]
    public async Task AgentOutsideTheTeam_CannotReadTheCasesSla()
    {
        sla.Clock.Set(TimeProvider.System.GetUtcNow()); // the cookie handler checks expiry on the real clock
        var team = await TeamAsync();
        var created = await App.CreateCaseAsync(teamId: team);
        var outsider = await App.CreateUserAsync($"out-{Guid.NewGuid():N}@test.local", UserRole.Agent);
        var client = await App.LoginAsync(outsider.Email!);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/cases/{created.Id}/sla")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.AnonymousClient().GetAsync($"/api/v1/cases/{created.Id}/sla")).StatusCode);
    }

    [Fact]
    public async Task NewCase_GetsTheDefaultPolicysInstances()
    {
        sla.Clock.Set(Utc(2026, 3, 5, 8, 0));
        var created = await App.CreateCaseAsync(priority: "high");
        var dto = await sla.SlaAsync(created.Id);
        Assert.Equal(DefaultSlaPolicy.Name, dto.PolicyName);
        Assert.Equal([SlaMetric.FirstResponse, SlaMetric.Resolution], dto.Instances.Select(i => i.Metric).Order());
        Assert.All(dto.Instances, i => Assert.NotNull(i.DueAt));
    }
}
