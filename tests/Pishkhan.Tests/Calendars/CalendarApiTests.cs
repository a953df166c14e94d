using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Auditing;

namespace Pishkhan.Tests.Calendars;

[Trait("Category", "Integration")]
public sealed class CalendarApiTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    private static readonly TimeRange NineToFive = new("09:00", "17:00");

    private static CalendarDefinition Weekdays(string zone = "Europe/Berlin") => new()
    {
        Zone = zone,
        Weekly = new WeeklyHours().With(
            [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday], NineToFive),
        Holidays = [new Holiday("1405-01-12") { Calendar = DateCalendar.Jalali, Name = "Republic Day" }],
    };

    private static string UniqueName(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private async Task<CalendarDto> CreateAsync(string? name = null, CalendarDefinition? definition = null)
    {
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/calendars", new { name = name ?? UniqueName("Cal"), description = "Test", definition = definition ?? Weekdays() }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CalendarDto>(PishkhanAppFactory.Json))!;
    }

    private Task<int> CountCalendarsAsync() => app.WithDbAsync(db => db.Calendars.CountAsync());

    [Fact]
    public async Task DefaultCalendar_ExistsAfterStartup_WithTheTehranDefinition()
    {
        var list = await app.ApiClient().GetFromJsonAsync<List<CalendarSummaryDto>>("/api/v1/calendars", PishkhanAppFactory.Json);
        var theDefault = Assert.Single(list!, c => c.IsDefault);
        Assert.Equal(DefaultCalendar.Name, theDefault.Name);
        Assert.Equal("Asia/Tehran", theDefault.Zone);
        Assert.Same(theDefault, list![0]);

        var full = await app.ApiClient().GetFromJsonAsync<CalendarDto>($"/api/v1/calendars/{theDefault.Id}", PishkhanAppFactory.Json);
        Assert.Equal(IranianHolidays.TehranDefaultDefinition().ToJson(), full!.Definition.ToJson());
        Assert.Contains("تهران", full.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crud_RoundTrip_IsAudited()
    {
        var client = app.ApiClient();
        var created = await CreateAsync(UniqueName("Berlin"));
        Assert.False(created.IsDefault);
        Assert.Equal(0, created.Version);
        Assert.Equal(Weekdays().ToJson(), created.Definition.ToJson());

        var read = await client.GetFromJsonAsync<CalendarDto>($"/api/v1/calendars/{created.Id}", PishkhanAppFactory.Json);
        Assert.Equal(created.Definition.ToJson(), read!.Definition.ToJson());

        var changed = Weekdays() with { Zone = "Asia/Tehran", Breaks = [new BreakPeriod("2026-05-04", "12:00", "13:00") { Name = "Lunch" }] };
        var put = await client.PutAsJsonAsync($"/api/v1/calendars/{created.Id}", new { name = created.Name + " v2", description = (string?)null, definition = changed, version = created.Version }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var updated = (await put.Content.ReadFromJsonAsync<CalendarDto>(PishkhanAppFactory.Json))!;
        Assert.Equal(1, updated.Version);
        Assert.Equal(created.Name + " v2", updated.Name);
        Assert.Null(updated.Description);
        Assert.Equal(changed.ToJson(), updated.Definition.ToJson());

        var list = await client.GetFromJsonAsync<List<CalendarSummaryDto>>("/api/v1/calendars", PishkhanAppFactory.Json);
        Assert.Contains(list!, c => c.Id == created.Id && c.Zone == "Asia/Tehran" && c.HolidayCount == 1);

        var audit = await client.GetFromJsonAsync<List<AuditEntryDto>>($"/api/v1/calendars/{created.Id}/audit", PishkhanAppFactory.Json);
        Assert.Contains(audit!, a => a.Field == "created");
        Assert.Contains(audit!, a => a.Field == "name" && a.NewValue == created.Name + " v2");
        Assert.Contains(audit!, a => a.Field == "definition" && a.NewValue!.Contains("Asia/Tehran", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/calendars/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/calendars/{created.Id}")).StatusCode);
    }

    [Fact]
    public async Task InvalidDefinition_Is400NamingEachItem_AndStoresNothing()
    {
        var before = await CountCalendarsAsync();
        var bad = new CalendarDefinition
        {
            Zone = "Asia/Atlantis",
            Weekly = new WeeklyHours
            {
                Monday = [new("09:00", "12:00"), new("11:00", "17:00")],
                Sunday = [new("09:00", "25:00")],
            },
            Holidays = [new Holiday("2026-03-21"), new Holiday("1404-12-30") { Calendar = DateCalendar.Jalali }],
        };
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/calendars", new { name = UniqueName("Bad"), definition = bad }, PishkhanAppFactory.Json);
        var errors = await Problems.ErrorsAsync(response);
        Assert.Contains("definition.zone", errors.Keys);
        Assert.Contains("definition.weekly.monday[1]", errors.Keys);
        Assert.Contains("definition.weekly.sunday[0].end", errors.Keys);
        Assert.Contains("definition.holidays[1].date", errors.Keys);
        Assert.DoesNotContain("definition.holidays[0].date", errors.Keys);
        Assert.Contains("1404-12-30", errors["definition.holidays[1].date"][0], StringComparison.Ordinal);
        Assert.Equal(before, await CountCalendarsAsync());
    }

    [Fact]
    public async Task MalformedDefinition_Is400NamingWhereItWentWrong()
    {
        var before = await CountCalendarsAsync();
        var client = app.ApiClient();
        var wrongShape = await client.PostAsync("/api/v1/calendars", Problems.JsonBody(new { name = UniqueName("Shape"), definition = new { zone = "UTC", weekly = new { monday = "09-17" } } }));
        var errors = await Problems.ErrorsAsync(wrongShape);
        Assert.Contains("definition.weekly.monday", errors.Keys);

        var notAnObject = await client.PostAsync("/api/v1/calendars", Problems.JsonBody(new { name = UniqueName("Shape"), definition = "Sat-Wed 8-17" }));
        Assert.Contains("definition", (await Problems.ErrorsAsync(notAnObject)).Keys);

        var missing = await client.PostAsync("/api/v1/calendars", Problems.JsonBody(new { name = " " }));
        var missingErrors = await Problems.ErrorsAsync(missing);
        Assert.Contains("name", missingErrors.Keys);
        Assert.Contains("definition", missingErrors.Keys);

        var notJson = await client.PostAsync("/api/v1/calendars", new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json"));
        Assert.Contains("body", (await Problems.ErrorsAsync(notJson)).Keys);
        Assert.Equal(before, await CountCalendarsAsync());
    }

    [Fact]
    public async Task DuplicateName_IgnoringCase_Is400()
    {
        var first = await CreateAsync(UniqueName("Dup"));
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/calendars", new { name = first.Name.ToUpperInvariant(), definition = Weekdays() }, PishkhanAppFactory.Json);
        var errors = await Problems.ErrorsAsync(response);
        Assert.Contains(first.Name, errors["name"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaleVersion_Is409_AndMissingVersionIs400()
    {
        var created = await CreateAsync();
        var client = app.ApiClient();
        var first = await client.PutAsJsonAsync($"/api/v1/calendars/{created.Id}", new { name = created.Name, definition = Weekdays("UTC"), version = created.Version }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var stale = await client.PutAsJsonAsync($"/api/v1/calendars/{created.Id}", new { name = created.Name, definition = Weekdays("Asia/Tokyo"), version = created.Version }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var noVersion = await client.PutAsJsonAsync($"/api/v1/calendars/{created.Id}", new { name = created.Name, definition = Weekdays("Asia/Tokyo") }, PishkhanAppFactory.Json);
        Assert.Contains("version", (await Problems.ErrorsAsync(noVersion)).Keys);

        var stored = await client.GetFromJsonAsync<CalendarDto>($"/api/v1/calendars/{created.Id}", PishkhanAppFactory.Json);
        Assert.Equal("UTC", stored!.Definition.Zone);
        Assert.Equal(created.Version + 1, stored.Version);
    }

    [Fact]
    public async Task Delete_ReferencedByTeamOrUser_Is409NamingThem_DefaultIsRefused()
    {
        var calendar = await CreateAsync();
        var teamName = UniqueName("Night shift");
        var teamId = await app.CreateTeamAsync(teamName);
        var user = await app.CreateUserAsync($"shift-{Guid.NewGuid():N}@test.local", UserRole.Agent);
        var client = app.ApiClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/teams/{teamId}/calendar", new { calendarId = calendar.Id }, PishkhanAppFactory.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/users/{user.Id}/calendar", new { calendarId = calendar.Id }, PishkhanAppFactory.Json)).StatusCode);

        var refused = await client.DeleteAsync($"/api/v1/calendars/{calendar.Id}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var detail = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
        Assert.Contains(teamName, detail, StringComparison.Ordinal);
        Assert.Contains(user.DisplayName, detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/calendars/{calendar.Id}")).StatusCode);

        var usage = await client.GetFromJsonAsync<CalendarUsage>($"/api/v1/calendars/{calendar.Id}/usage", PishkhanAppFactory.Json);
        Assert.Equal([teamId], usage!.Teams.Select(t => t.Id));
        Assert.Equal([user.Id], usage.Users.Select(u => u.Id));
        var teams = await client.GetFromJsonAsync<List<TeamRef>>("/api/v1/teams", PishkhanAppFactory.Json);
        Assert.Equal(calendar.Id, teams!.Single(t => t.Id == teamId).CalendarId);

        // Back to the default, then the delete goes through.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/teams/{teamId}/calendar", new { calendarId = (Guid?)null }, PishkhanAppFactory.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/users/{user.Id}/calendar", new { calendarId = (Guid?)null }, PishkhanAppFactory.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/calendars/{calendar.Id}")).StatusCode);

        var theDefault = (await client.GetFromJsonAsync<List<CalendarSummaryDto>>("/api/v1/calendars", PishkhanAppFactory.Json))!.Single(c => c.IsDefault);
        Assert.Equal(HttpStatusCode.Conflict, (await client.DeleteAsync($"/api/v1/calendars/{theDefault.Id}")).StatusCode);
    }

    [Fact]
    public async Task TeamOrUserWithUnknownCalendar_Is400NamingCalendarId()
    {
        var teamId = await app.CreateTeamAsync(UniqueName("Team"));
        var response = await app.ApiClient().PutAsJsonAsync($"/api/v1/teams/{teamId}/calendar", new { calendarId = Guid.NewGuid() }, PishkhanAppFactory.Json);
        Assert.Contains("calendarId", (await Problems.ErrorsAsync(response)).Keys);
        Assert.Null(await app.WithDbAsync(db => db.Teams.Where(t => t.Id == teamId).Select(t => t.CalendarId).SingleAsync()));

        var user = await app.CreateUserAsync($"nocal-{Guid.NewGuid():N}@test.local", UserRole.Agent);
        var userResponse = await app.ApiClient().PutAsJsonAsync($"/api/v1/users/{user.Id}/calendar", new { calendarId = Guid.NewGuid() }, PishkhanAppFactory.Json);
        Assert.Contains("calendarId", (await Problems.ErrorsAsync(userResponse)).Keys);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ApiClient().PutAsJsonAsync($"/api/v1/teams/{Guid.NewGuid()}/calendar", new { calendarId = (Guid?)null }, PishkhanAppFactory.Json)).StatusCode);
    }

    [Fact]
    public async Task SetDefault_MovesTheDefault_AndKeepsExactlyOne()
    {
        var client = app.ApiClient();
        var original = (await client.GetFromJsonAsync<List<CalendarSummaryDto>>("/api/v1/calendars", PishkhanAppFactory.Json))!.Single(c => c.IsDefault);
        var other = await CreateAsync();
        try
        {
            var response = await client.PostAsync($"/api/v1/calendars/{other.Id}/default", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var list = await client.GetFromJsonAsync<List<CalendarSummaryDto>>("/api/v1/calendars", PishkhanAppFactory.Json);
            Assert.Equal(other.Id, Assert.Single(list!, c => c.IsDefault).Id);
            Assert.Equal(HttpStatusCode.Conflict, (await client.DeleteAsync($"/api/v1/calendars/{other.Id}")).StatusCode);
            var resolver = app.Services.GetRequiredService<CalendarResolver>();
            Assert.Equal(other.Id, (await resolver.DefaultAsync()).Id);
        }
        finally
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/v1/calendars/{original.Id}/default", null)).StatusCode);
        }

        Assert.Equal(original.Id, (await client.GetFromJsonAsync<List<CalendarSummaryDto>>("/api/v1/calendars", PishkhanAppFactory.Json))!.Single(c => c.IsDefault).Id);
    }

    [Theory]
    // Thursday 12:30 Tehran (+03:30) is 09:00Z: half an hour to Thursday's 13:00 close, Friday closed, then 3.5 h from
    // Saturday 08:00 → Saturday 11:30 Tehran = 08:00Z (2026-05-09 is not a holiday).
    [InlineData("2026-05-07T09:00:00Z", 4, "2026-05-09T08:00:00Z", "2026-05-09T11:30")]
    // Issue 3 vector 8 on the default calendar: Thursday after closing, Nowruz 1–4 (21–24 March) closed, then
    // 4 h from Wednesday 08:00 end exactly at the 12:00 break, which is the answer: 12:00 Tehran, 08:30Z.
    [InlineData("2026-03-19T12:00:00Z", 4, "2026-03-25T08:30:00Z", "2026-03-25T12:00")]
    public async Task Preview_OfTheDefault_GivesBusinessHoursAfterAnInstant(string from, double hours, string expectedUtc, string expectedLocal)
    {
        var client = app.ApiClient();
        var theDefault = (await client.GetFromJsonAsync<List<CalendarSummaryDto>>("/api/v1/calendars", PishkhanAppFactory.Json))!.Single(c => c.IsDefault);
        var preview = await client.GetFromJsonAsync<CalendarPreview>(
            $"/api/v1/calendars/{theDefault.Id}/preview?from={Uri.EscapeDataString(from)}&hours={hours}&openings=10", PishkhanAppFactory.Json);
        Assert.Equal(DateTime.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal), preview!.Due!.Utc);
        Assert.Equal(expectedLocal, preview.Due.Local);
        Assert.Equal(10, preview.Openings.Count);
        Assert.All(preview.Openings, o => Assert.True(o.End.Utc > o.Start.Utc));
        Assert.All(preview.Openings.Zip(preview.Openings.Skip(1)), pair => Assert.True(pair.Second.Start.Utc > pair.First.End.Utc));
    }

    [Fact]
    public async Task Preview_ListsOpeningsWithJalaliText()
    {
        var client = app.ApiClient();
        var theDefault = (await client.GetFromJsonAsync<List<CalendarSummaryDto>>("/api/v1/calendars", PishkhanAppFactory.Json))!.Single(c => c.IsDefault);
        // Wednesday 2026-05-06 10:00 Tehran: open until the 12:00 break, then 13:00–17:00, then Thursday 08:00–13:00, then Saturday.
        var preview = await client.GetFromJsonAsync<CalendarPreview>(
            $"/api/v1/calendars/{theDefault.Id}/preview?from=2026-05-06T10:00:00%2B03:30&hours=1&openings=4", PishkhanAppFactory.Json);
        Assert.True(preview!.OpenAtFrom);
        Assert.Equal("2026-05-06T11:00", preview.Due!.Local);
        Assert.Equal(
            ["2026-05-06T10:00–2026-05-06T12:00", "2026-05-06T13:00–2026-05-06T17:00", "2026-05-07T08:00–2026-05-07T13:00", "2026-05-09T08:00–2026-05-09T12:00"],
            preview.Openings.Select(o => $"{o.Start.Local}–{o.End.Local}"));
        Assert.Equal("1405-02-16 10:00", preview.Openings[0].Start.Jalali);
        Assert.Equal("چهارشنبه ۱۶ اردیبهشت ۱۴۰۵، ۱۰:۰۰", preview.Openings[0].Start.DisplayFa);
        Assert.Equal(120, preview.Openings[0].Minutes);

        var bad = await client.GetAsync($"/api/v1/calendars/{theDefault.Id}/preview?from=yesterday&hours=-1&openings=1000");
        var errors = await Problems.ErrorsAsync(bad);
        Assert.Equal(["from", "hours", "openings"], errors.Keys.Order());
    }

    [Fact]
    public async Task PreviewOfAnUnsavedDefinition_ComputesOrNamesTheBadItems()
    {
        var client = app.ApiClient();
        var ok = await client.PostAsJsonAsync("/api/v1/calendars/preview", new { definition = Weekdays("UTC"), from = "2016-01-22T09:00:00Z", hours = 8, openings = 2 }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var preview = (await ok.Content.ReadFromJsonAsync<CalendarPreview>(PishkhanAppFactory.Json))!;
        // Issue 3 vector 1: Friday 09:00 + 8 h on Mon–Fri 09–17 ends exactly at Friday's close.
        Assert.Equal("2016-01-22T17:00", preview.Due!.Local);

        var bad = await client.PostAsJsonAsync("/api/v1/calendars/preview", new { definition = Weekdays() with { Zone = "Mars/Olympus" } }, PishkhanAppFactory.Json);
        Assert.Contains("definition.zone", (await Problems.ErrorsAsync(bad)).Keys);

        var closed = await client.PostAsJsonAsync("/api/v1/calendars/preview", new { definition = new CalendarDefinition { Zone = "UTC" } }, PishkhanAppFactory.Json);
        var never = (await closed.Content.ReadFromJsonAsync<CalendarPreview>(PishkhanAppFactory.Json))!;
        Assert.Null(never.Due);
        Assert.Empty(never.Openings);
        Assert.NotNull(never.Note);
    }

    [Fact]
    public async Task Agent_ReadsCalendars_ButCannotWrite()
    {
        var email = $"agent-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(email, UserRole.Agent);
        var agent = await app.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/v1/calendars")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/v1/calendars/iranian-holidays")).StatusCode);
        var before = await CountCalendarsAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/calendars", new { name = "Mine", definition = Weekdays() }, PishkhanAppFactory.Json)).StatusCode);
        var theDefault = (await agent.GetFromJsonAsync<List<CalendarSummaryDto>>("/api/v1/calendars", PishkhanAppFactory.Json))!.Single(c => c.IsDefault);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsJsonAsync($"/api/v1/calendars/{theDefault.Id}", new { name = "Mine", definition = Weekdays(), version = theDefault.Version }, PishkhanAppFactory.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.DeleteAsync($"/api/v1/calendars/{theDefault.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync($"/api/v1/calendars/{theDefault.Id}/default", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsJsonAsync($"/api/v1/teams/{Guid.NewGuid()}/calendar", new { calendarId = (Guid?)null }, PishkhanAppFactory.Json)).StatusCode);
        Assert.Equal(before, await CountCalendarsAsync());

        var readKey = app.ApiClient(await app.CreateApiKeyAsync(Scopes.CasesRead));
        Assert.Equal(HttpStatusCode.OK, (await readKey.GetAsync("/api/v1/calendars")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readKey.PostAsJsonAsync("/api/v1/calendars/import-ical", new { ics = "x" }, PishkhanAppFactory.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.AnonymousClient().GetAsync("/api/v1/calendars")).StatusCode);
    }

    [Fact]
    public async Task Resolver_CachesByVersion_AndSeesAnUpdate()
    {
        var resolver = app.Services.GetRequiredService<CalendarResolver>();
        var created = await CreateAsync(definition: Weekdays("UTC"));
        var teamId = await app.CreateTeamAsync(UniqueName("Resolved"));
        await app.ApiClient().PutAsJsonAsync($"/api/v1/teams/{teamId}/calendar", new { calendarId = created.Id }, PishkhanAppFactory.Json);

        var first = (await resolver.ForTeamAsync(teamId))!;
        var again = (await resolver.ForCalendarAsync(created.Id))!;
        Assert.Same(first, again);
        var saturdayNoon = Instant.FromUtc(2026, 5, 9, 12, 0);
        Assert.False(first.Calendar.IsOpen(saturdayNoon));

        var weekend = Weekdays("UTC") with { Weekly = Weekdays("UTC").Weekly with { Saturday = [NineToFive] } };
        var put = await app.ApiClient().PutAsJsonAsync($"/api/v1/calendars/{created.Id}", new { name = created.Name, definition = weekend, version = created.Version }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var after = (await resolver.ForTeamAsync(teamId))!;
        Assert.NotSame(first, after);
        Assert.Equal(created.Version + 1, after.Version);
        Assert.True(after.Calendar.IsOpen(saturdayNoon));

        // A user or team without a calendar of its own follows the default; an unknown one resolves to nothing.
        var loner = await app.CreateTeamAsync(UniqueName("Loner"));
        Assert.Equal((await resolver.DefaultAsync()).Id, (await resolver.ForTeamAsync(loner))!.Id);
        Assert.Null(await resolver.ForTeamAsync(Guid.NewGuid()));
        Assert.Null(await resolver.ForUserAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task ResolverSeesAnEditMadeElsewhere_ByVersion()
    {
        var resolver = app.Services.GetRequiredService<CalendarResolver>();
        var created = await CreateAsync(definition: Weekdays("UTC"));
        var first = (await resolver.ForCalendarAsync(created.Id))!;

        // Another node saved a new version straight to the database; this node's cache was not told.
        await app.WithDbAsync(async db =>
        {
            var row = await db.Calendars.SingleAsync(c => c.Id == created.Id);
            row.Definition = (Weekdays("UTC") with { Weekly = new WeeklyHours() }).ToJson();
            row.Version++;
            return await db.SaveChangesAsync();
        });
        var after = (await resolver.ForCalendarAsync(created.Id))!;
        Assert.NotSame(first, after);
        Assert.False(after.Calendar.IsOpen(Instant.FromUtc(2026, 5, 4, 12, 0)));
    }

    [Fact]
    public async Task IranianHolidays_AreTheShippedSet()
    {
        var set = await app.ApiClient().GetFromJsonAsync<IranianHolidaySetDto>("/api/v1/calendars/iranian-holidays", PishkhanAppFactory.Json);
        Assert.Equal(IranianHolidays.All.Count, set!.Items.Count);
        Assert.Equal(IranianHolidays.All.Count, set.Holidays.Count);
        var nowruz = Assert.Single(set.Items, h => h.JalaliDate == "1405-01-01");
        Assert.Equal("2026-03-21", nowruz.Date);
        Assert.All(set.Holidays, h => Assert.Equal(DateCalendar.Jalali, h.Calendar));
    }

    [Fact]
    public async Task ImportICal_KeepsAllDayEventsOnTheirDates_AndNamesBadInput()
    {
        const string ics = """
            BEGIN:VCALENDAR
            VERSION:2.0
            PRODID:-//test//EN
            BEGIN:VEVENT
            UID:a@test
            DTSTART;VALUE=DATE:20260321
            DTEND;VALUE=DATE:20260323
            SUMMARY:Nowruz
            END:VEVENT
            BEGIN:VEVENT
            UID:b@test
            DTSTART:20260505T060000Z
            DTEND:20260505T073000Z
            SUMMARY:Maintenance
            END:VEVENT
            END:VCALENDAR
            """;
        var client = app.ApiClient();
        var response = await client.PostAsJsonAsync("/api/v1/calendars/import-ical", new { ics, zone = "Asia/Tehran", fromYear = 1405, toYear = 1405, yearCalendar = "jalali" }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<ICalImportDto>(PishkhanAppFactory.Json))!;
        Assert.Equal(["2026-03-21", "2026-03-22"], result.Holidays.Select(h => h.Date));
        Assert.All(result.Holidays, h => Assert.Equal("Nowruz", h.Name));
        var maintenance = Assert.Single(result.Breaks);
        Assert.Equal(("2026-05-05", "09:30", "11:00"), (maintenance.Date, maintenance.Start, maintenance.End));

        var bad = await client.PostAsJsonAsync("/api/v1/calendars/import-ical", new { ics = "not a calendar", zone = "Nowhere/Special", fromYear = 2026, toYear = 2020 }, PishkhanAppFactory.Json);
        var errors = await Problems.ErrorsAsync(bad);
        Assert.Contains("zone", errors.Keys);
        Assert.Contains("toYear", errors.Keys);
    }
}
