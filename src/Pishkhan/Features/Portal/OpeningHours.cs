using Pishkhan.Calendar;
using Pishkhan.Localization;

namespace Pishkhan.Features.Portal;

/// <summary>
/// A calendar's weekly hours in a sentence a customer reads ("Saturday to Wednesday 8:00–17:00; Thursday 8:00–13:00"),
/// days with the same hours run together, the week starting on Saturday as it does in Iran. Pure; no I/O.
/// </summary>
public static class OpeningHours
{
    private static readonly (DayOfWeek Day, string En, string Fa)[] Week =
    [
        (DayOfWeek.Saturday, "Saturday", "شنبه"),
        (DayOfWeek.Sunday, "Sunday", "یکشنبه"),
        (DayOfWeek.Monday, "Monday", "دوشنبه"),
        (DayOfWeek.Tuesday, "Tuesday", "سه‌شنبه"),
        (DayOfWeek.Wednesday, "Wednesday", "چهارشنبه"),
        (DayOfWeek.Thursday, "Thursday", "پنجشنبه"),
        (DayOfWeek.Friday, "Friday", "جمعه"),
    ];

    /// <summary>Null when the calendar has no weekly hours (open around the clock, or never).</summary>
    public static string? Describe(WeeklyHours weekly, bool fa)
    {
        var hours = Week.Select(d => (d.En, d.Fa, Hours: string.Join(fa ? " و " : ", ", Ranges(weekly, d.Day).Select(r => $"{Trim(r.Start)}–{Trim(r.End)}")))).ToList();
        if (hours.All(h => h.Hours.Length == 0))
        {
            return null;
        }

        var parts = new List<string>();
        for (var i = 0; i < hours.Count;)
        {
            var j = i;
            while (j + 1 < hours.Count && hours[j + 1].Hours == hours[i].Hours)
            {
                j++;
            }

            if (hours[i].Hours.Length > 0)
            {
                var first = fa ? hours[i].Fa : hours[i].En;
                var last = fa ? hours[j].Fa : hours[j].En;
                var days = i == j ? first : fa ? $"{first} تا {last}" : $"{first} to {last}";
                parts.Add($"{days} {hours[i].Hours}");
            }

            i = j + 1;
        }

        var text = string.Join(fa ? "؛ " : "; ", parts);
        return DisplayFormat.Digits(text, fa);
    }

    /// <summary>A business-time target in words: "4 business hours", "30 business minutes", "2 business days" (of 8 hours).</summary>
    public static string Duration(long seconds, bool fa)
    {
        var minutes = (seconds + 59) / 60;
        var text = minutes < 60 ? (fa ? $"{minutes} دقیقهٔ کاری" : $"{minutes} business minute{(minutes == 1 ? "" : "s")}")
            : minutes % 60 == 0 ? (fa ? $"{minutes / 60} ساعت کاری" : $"{minutes / 60} business hour{(minutes == 60 ? "" : "s")}")
            : fa ? FormattableString.Invariant($"{minutes / 60.0:0.#} ساعت کاری") : FormattableString.Invariant($"{minutes / 60.0:0.#} business hours");
        return DisplayFormat.Digits(text, fa);
    }

    private static IEnumerable<TimeRange> Ranges(WeeklyHours weekly, DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => weekly.Monday,
        DayOfWeek.Tuesday => weekly.Tuesday,
        DayOfWeek.Wednesday => weekly.Wednesday,
        DayOfWeek.Thursday => weekly.Thursday,
        DayOfWeek.Friday => weekly.Friday,
        DayOfWeek.Saturday => weekly.Saturday,
        _ => weekly.Sunday,
    };

    private static string Trim(string time) => time.StartsWith('0') && time.Length == 5 ? time[1..] : time;
}
