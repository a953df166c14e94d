using Pishkhan.Calendar;
using Pishkhan.Components.Calendars;

namespace Pishkhan.Tests.Calendars;

public sealed class CalendarDraftTests
{
    [Fact]
    public void TheDefaultDefinition_RoundTripsThroughTheEditor()
    {
        var definition = IranianHolidays.TehranDefaultDefinition();
        var draft = CalendarDraft.From("Tehran", null, definition);
        Assert.Equal(definition.ToJson(), draft.ToDefinition().ToJson());
    }

    [Fact]
    public void TypedDates_BecomeDefinitionDates_InTheCalendarTheyWereWrittenIn_AtTheSamePositions()
    {
        var draft = new CalendarDraft { Zone = "Asia/Tehran" };
        draft.Holidays.Add(new HolidayRow { Date = "۱۴۰۵/۰۱/۱۲", Name = " Republic Day " });
        draft.Holidays.Add(new HolidayRow { Date = "2026-04-02" });
        draft.Holidays.Add(new HolidayRow { Date = "1404/12/30" });
        draft.Holidays.Add(new HolidayRow { Date = "soon" });
        var holidays = draft.ToDefinition().Holidays;
        Assert.Equal(new Holiday("1405-01-12") { Calendar = DateCalendar.Jalali, Name = "Republic Day" }, holidays[0]);
        Assert.Equal(new Holiday("2026-04-02"), holidays[1]);

        // Dates that do not exist or cannot be read stay where they were typed, so validation names their row.
        var errors = draft.ToDefinition().Validate().Select(e => e.Path).ToList();
        Assert.Equal(["holidays[2].date", "holidays[3].date"], errors);
    }

    [Fact]
    public void MergeHolidays_SkipsDatesAlreadyThere_HoweverWritten()
    {
        var draft = new CalendarDraft();
        draft.Holidays.Add(new HolidayRow { Date = "2026-03-21", Name = "Mine" });
        var added = draft.MergeHolidays(IranianHolidays.AsHolidays());
        Assert.Equal(IranianHolidays.All.Count - 1, added);
        Assert.Equal("Mine", draft.Holidays.Single(h => h.Date is "2026-03-21" or "1405/01/01").Name);
        Assert.Equal(0, draft.MergeHolidays(IranianHolidays.AsHolidays()));
    }

    [Fact]
    public void CopyToWorkingDays_GivesEveryOpenDayTheSameIntervals_AndLeavesClosedDaysClosed()
    {
        var draft = CalendarDraft.From("x", null, IranianHolidays.TehranDefaultDefinition());
        draft.Weekly.Days[NodaTime.IsoDayOfWeek.Saturday][0].End = "12:30";
        draft.Weekly.CopyToWorkingDays(NodaTime.IsoDayOfWeek.Saturday);
        var weekly = draft.ToDefinition().Weekly;
        Assert.Equal("12:30", weekly.Thursday[0].End);
        Assert.Equal(2, weekly.Thursday.Count);
        Assert.Empty(weekly.Friday);
    }
}
