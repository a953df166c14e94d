using System.Text.Json;
using NodaTime;
using static Pishkhan.Calendar.Tests.TestCalendars;

namespace Pishkhan.Calendar.Tests;

public class JsonTests
{
    private static readonly JsonSerializerOptions WebDefaults = new(JsonSerializerDefaults.Web);

    private static readonly CalendarDefinition Full = new()
    {
        Zone = "Asia/Tehran",
        Weekly = new WeeklyHours().With(SaturdayToWednesday, R("08:00", "12:00"), R("13:00", "17:00"))
            .With([IsoDayOfWeek.Thursday], R("08:00", "13:00"))
            .With([IsoDayOfWeek.Friday], new TimeRange("22:00", "06:00") { Overnight = true }),
        Seasons = [new SeasonalHours("1404-04-01", new WeeklyHours().With(SaturdayToWednesday, R("06:00", "13:00"))) { Calendar = DateCalendar.Jalali, Name = "Summer" }],
        Overrides = [new DateOverride("2026-03-19", [R("08:00", "10:00")]) { Name = "Half day" }],
        Breaks = [new BreakPeriod("2026-03-17", "10:00", "11:30") { Name = "Staff meeting" }],
        Holidays = [Holiday.OnJalali(1405, 1, 1, "Nowruz"), new Holiday("2026-03-22")],
        RecurringHolidays = [new RecurringHoliday(1, 1) { Calendar = DateCalendar.Jalali, Name = "Nowruz" }, new RecurringHoliday(12, 25)],
    };

    [Fact]
    public void ToJson_ThenFromJson_RoundTripsEveryField()
    {
        var json = Full.ToJson();
        var back = CalendarDefinition.FromJson(json);
        Assert.Equal(json, back.ToJson());
        Assert.Equal("1404-04-01", Assert.Single(back.Seasons).EffectiveFrom);
        Assert.Equal(DateCalendar.Jalali, back.Holidays[0].Calendar);
        Assert.True(back.Weekly.Friday[0].Overnight);
        Assert.Empty(back.Validate());
    }

    [Fact]
    public void ToJson_UsesCamelCaseNamesAndCalendarNames()
    {
        using var document = JsonDocument.Parse(Full.ToJson());
        var root = document.RootElement;
        Assert.Equal("Asia/Tehran", root.GetProperty("zone").GetString());
        Assert.Equal("08:00", root.GetProperty("weekly").GetProperty("saturday")[0].GetProperty("start").GetString());
        Assert.Equal("jalali", root.GetProperty("recurringHolidays")[0].GetProperty("calendar").GetString());
        Assert.Equal("jalali", root.GetProperty("seasons")[0].GetProperty("calendar").GetString());
        Assert.True(root.GetProperty("weekly").GetProperty("friday")[0].GetProperty("overnight").GetBoolean());
    }

    [Fact]
    public void FromJson_HandWrittenDefinition_BehavesLikeTheBuiltOne()
    {
        const string json = """
            {
              "zone": "UTC",
              "weekly": { "monday": [{ "start": "09:00", "end": "17:00" }] },
              "holidays": [{ "date": "1394-11-05", "calendar": "jalali" }]
            }
            """;
        var calendar = BusinessCalendar.Create(CalendarDefinition.FromJson(json));

        // 1394-11-05 is Monday 2016-01-25, so the next Monday is the first working day.
        Assert.Equal(T("2016-02-01T10:00"), calendar.Add(T("2016-01-22T00:00"), Duration.FromHours(1)));
    }

    [Fact]
    public void SerializerWithWebDefaults_ReadsTheSameShape()
    {
        var json = JsonSerializer.Serialize(Full, WebDefaults);
        Assert.Equal(Full.ToJson(), CalendarDefinition.FromJson(json).ToJson());
    }
}
