using NodaTime;
using static Pishkhan.Calendar.Tests.TestCalendars;

namespace Pishkhan.Calendar.Tests;

public class ICalImportTests
{
    private const string Ics = """
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//Pishkhan//Tests//EN
        BEGIN:VEVENT
        UID:nowruz
        DTSTART;VALUE=DATE:20260321
        DTEND;VALUE=DATE:20260325
        SUMMARY:Nowruz
        END:VEVENT
        BEGIN:VEVENT
        UID:christmas
        DTSTART;VALUE=DATE:20251225
        SUMMARY:Christmas
        RRULE:FREQ=YEARLY
        END:VEVENT
        BEGIN:VEVENT
        UID:meeting
        DTSTART:20260317T063000Z
        DTEND:20260317T080000Z
        SUMMARY:All hands
        END:VEVENT
        BEGIN:VEVENT
        UID:night
        DTSTART;TZID=Asia/Tehran:20260318T220000
        DTEND;TZID=Asia/Tehran:20260319T020000
        SUMMARY:Maintenance
        END:VEVENT
        END:VCALENDAR
        """;

    private static readonly DateTimeZone Tehran = DateTimeZoneProviders.Tzdb["Asia/Tehran"];

    [Fact]
    public void Read_AllDayEvent_KeepsItsLocalDatesWithExclusiveEnd()
    {
        var result = ICalImport.Read(Ics, Tehran, new LocalDate(2026, 1, 1), new LocalDate(2026, 12, 31));
        var dates = result.Holidays.Select(h => h.Date).ToArray();
        Assert.Equal(["2026-03-21", "2026-03-22", "2026-03-23", "2026-03-24", "2026-12-25"], dates);
        Assert.Equal("Nowruz", result.Holidays[0].Name);
    }

    [Fact]
    public void Read_AllDayEvent_IsNotShiftedByAFarAwayZone()
    {
        var pacific = DateTimeZoneProviders.Tzdb["Pacific/Kiritimati"];
        var result = ICalImport.Read(Ics, pacific, new LocalDate(2026, 3, 1), new LocalDate(2026, 3, 31));
        Assert.Equal("2026-03-21", result.Holidays[0].Date);
    }

    [Fact]
    public void Read_RecurringEvent_ExpandsWithinTheRange()
    {
        var result = ICalImport.Read(Ics, Tehran, new LocalDate(2025, 1, 1), new LocalDate(2028, 1, 1));
        Assert.Equal(["2025-12-25", "2026-12-25", "2027-12-25"], result.Holidays.Where(h => h.Name == "Christmas").Select(h => h.Date));
    }

    [Fact]
    public void Read_TimedEvents_BecomeBreaksInTheCalendarZoneSplitAtMidnight()
    {
        var result = ICalImport.Read(Ics, Tehran, new LocalDate(2026, 3, 1), new LocalDate(2026, 3, 31));
        Assert.Equal(
            [("2026-03-17", "10:00", "11:30"), ("2026-03-18", "22:00", "24:00"), ("2026-03-19", "00:00", "02:00")],
            result.Breaks.Select(b => (b.Date, b.Start, b.End)));
    }

    [Fact]
    public void Read_ImportedEntries_ValidateAndApply()
    {
        var result = ICalImport.Read(Ics, Tehran, new LocalDate(2026, 1, 1), new LocalDate(2026, 12, 31));
        var calendar = BusinessCalendar.Create(TehranDefinition() with { Holidays = result.Holidays, Breaks = result.Breaks });
        Assert.Equal(T("2026-03-25T08:30"), calendar.Add(T("2026-03-19T12:00"), Duration.FromHours(4)));
        Assert.False(calendar.IsOpen(T("2026-03-17T07:00")));
    }

    [Theory]
    [InlineData("hello world")]
    [InlineData("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:bad\nDTSTART:notadate\nEND:VEVENT\nEND:VCALENDAR")]
    public void Read_InvalidText_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => ICalImport.Read(text, Tehran, new LocalDate(2026, 1, 1), new LocalDate(2026, 2, 1)));
}
