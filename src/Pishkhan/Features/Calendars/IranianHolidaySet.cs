using Pishkhan.Calendar;

namespace Pishkhan.Features.Calendars;

/// <summary>One shipped official holiday, with how many published sources agreed on its date.</summary>
public sealed record IranianHolidayDto(string Date, string JalaliDate, string NameFa, string NameEn, int SourceCount);

/// <summary>Iran's official holidays shipped with the calendar library, and the same as definition entries to merge.</summary>
public sealed record IranianHolidaySetDto(int FirstYear, int LastYear, IReadOnlyList<IranianHolidayDto> Items, IReadOnlyList<Holiday> Holidays)
{
    public static IranianHolidaySetDto Shipped { get; } = new(
        IranianHolidays.FirstYear,
        IranianHolidays.LastYear,
        [.. IranianHolidays.All.Select(h => new IranianHolidayDto(Holiday.OnGregorian(h.Date).Date, Pishkhan.Calendar.Jalali.FormatIso(h.Date), h.NameFa, h.NameEn, h.SourceCount))],
        IranianHolidays.AsHolidays());
}
