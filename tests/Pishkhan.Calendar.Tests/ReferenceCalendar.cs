using System.Globalization;
using NodaTime;

namespace Pishkhan.Calendar.Tests;

/// <summary>
/// A deliberately naive second-by-second model of a definition, written from the rules in the docs and sharing no
/// code with the engine: it reads the definition's strings itself, resolves local times by scanning the zone's
/// intervals, and paints each second of a short window open or closed.
/// </summary>
internal sealed class ReferenceCalendar
{
    private static readonly Duration OneSecond = Duration.FromSeconds(1);

    private readonly CalendarDefinition _definition;
    private readonly DateTimeZone _zone;
    private readonly bool[] _open;
    private readonly int[] _prefix;

    public ReferenceCalendar(CalendarDefinition definition, Instant windowStart, int seconds)
    {
        _definition = definition;
        _zone = DateTimeZoneProviders.Tzdb[definition.Zone];
        WindowStart = windowStart;
        Seconds = seconds;
        _open = new bool[seconds];

        var firstDate = windowStart.InUtc().Date.PlusDays(-3);
        var lastDate = windowStart.Plus(Duration.FromSeconds(seconds)).InUtc().Date.PlusDays(2);
        for (var date = firstDate; date <= lastDate; date = date.PlusDays(1))
        {
            foreach (var (start, end) in Owned(date))
            {
                Paint(start, end, true);
            }
        }

        foreach (var item in definition.Breaks)
        {
            var date = ParseDate(item.Date, item.Calendar);
            var (start, end) = ToLocal(date, item.Start, item.End, item.Overnight);
            if (MapRange(start, end) is { } range)
            {
                Paint(range.Start, range.End, false);
            }
        }

        _prefix = new int[seconds + 1];
        for (var i = 0; i < seconds; i++)
        {
            _prefix[i + 1] = _prefix[i] + (_open[i] ? 1 : 0);
        }
    }

    public Instant WindowStart { get; }

    public int Seconds { get; }

    public Instant At(int second) => WindowStart.Plus(Duration.FromSeconds(second));

    public bool IsOpen(int second) => _open[second];

    /// <summary>Open seconds in <c>[a, b)</c>.</summary>
    public int Between(int a, int b) => b <= a ? 0 : _prefix[b] - _prefix[a];

    /// <summary>The first second at or after <paramref name="start"/> that is open (or closed); null when the window ends first.</summary>
    public int? NextWhere(int start, bool open)
    {
        for (var s = start; s < Seconds; s++)
        {
            if (_open[s] == open)
            {
                return s;
            }
        }

        return null;
    }

    /// <summary>Steps second by second from <paramref name="start"/>; null when the window ends first.</summary>
    public int? Add(int start, int seconds)
    {
        var counted = 0;
        for (var s = start; ; s++)
        {
            if (counted == seconds)
            {
                return s;
            }

            if (s >= Seconds)
            {
                return null;
            }

            counted += _open[s] ? 1 : 0;
        }
    }

    /// <summary>Steps back second by second from <paramref name="end"/>; null when the window starts first.</summary>
    public int? Subtract(int end, int seconds)
    {
        var counted = 0;
        for (var s = end; ; s--)
        {
            if (counted == seconds)
            {
                return s;
            }

            if (s <= 0)
            {
                return null;
            }

            counted += _open[s - 1] ? 1 : 0;
        }
    }

    /// <summary>The runs of open seconds, as <c>[start, end)</c> second indexes.</summary>
    public List<(int Start, int End)> Runs()
    {
        var runs = new List<(int, int)>();
        for (var s = 0; s < Seconds;)
        {
            if (!_open[s])
            {
                s++;
                continue;
            }

            var e = s;
            while (e < Seconds && _open[e])
            {
                e++;
            }

            runs.Add((s, e));
            s = e;
        }

        return runs;
    }

    private void Paint(Instant start, Instant end, bool value)
    {
        var from = (int)Math.Clamp((start - WindowStart).TotalSeconds, 0, Seconds);
        var to = (int)Math.Clamp((end - WindowStart).TotalSeconds, 0, Seconds);
        for (var s = from; s < to; s++)
        {
            _open[s] = value;
        }
    }

    private IEnumerable<(Instant Start, Instant End)> Owned(LocalDate date)
    {
        IReadOnlyList<TimeRange>? ranges = null;
        foreach (var o in _definition.Overrides)
        {
            if (ParseDate(o.Date, o.Calendar) == date)
            {
                ranges = o.Hours;
            }
        }

        if (ranges is null)
        {
            if (IsHoliday(date))
            {
                yield break;
            }

            var weekly = _definition.Weekly;
            var latest = LocalDate.MinIsoValue;
            foreach (var season in _definition.Seasons)
            {
                var from = ParseDate(season.EffectiveFrom, season.Calendar);
                if (from <= date && from >= latest)
                {
                    latest = from;
                    weekly = season.Weekly;
                }
            }

            ranges = weekly.For(date.DayOfWeek);
        }

        foreach (var range in ranges)
        {
            var (start, end) = ToLocal(date, range.Start, range.End, range.Overnight);
            if (MapRange(start, end) is { } mapped)
            {
                yield return mapped;
            }
        }
    }

    private bool IsHoliday(LocalDate date)
    {
        foreach (var h in _definition.Holidays)
        {
            if (ParseDate(h.Date, h.Calendar) == date)
            {
                return true;
            }
        }

        var jalali = date.WithCalendar(CalendarSystem.PersianAstronomical);
        foreach (var r in _definition.RecurringHolidays)
        {
            var (month, day) = r.Calendar == DateCalendar.Jalali ? (jalali.Month, jalali.Day) : (date.Month, date.Day);
            if (r.Month == month && r.Day == day)
            {
                return true;
            }
        }

        return false;
    }

    private (Instant Start, Instant End)? MapRange(LocalDateTime start, LocalDateTime end)
    {
        var (s, sGap) = Resolve(start);
        var (e, eGap) = Resolve(end);
        if (sGap is not null && sGap == eGap)
        {
            return null;
        }

        return e > s ? (s, e) : null;
    }

    /// <summary>The earliest valid instant for a local time, or (in a gap) the local time read with the offset before the gap.</summary>
    private (Instant Instant, Instant? Gap) Resolve(LocalDateTime local)
    {
        var around = local.InUtc().ToInstant();
        var intervals = _zone.GetZoneIntervals(around - Duration.FromDays(2), around + Duration.FromDays(2)).ToList();
        foreach (var interval in intervals)
        {
            var candidate = around - interval.WallOffset.Seconds * OneSecond;
            if ((!interval.HasStart || candidate >= interval.Start) && (!interval.HasEnd || candidate < interval.End))
            {
                return (candidate, null);
            }
        }

        for (var i = 0; i + 1 < intervals.Count; i++)
        {
            var before = around - intervals[i].WallOffset.Seconds * OneSecond;
            var after = around - intervals[i + 1].WallOffset.Seconds * OneSecond;
            if (before >= intervals[i].End && after < intervals[i + 1].Start)
            {
                return (before, intervals[i].End);
            }
        }

        throw new InvalidOperationException($"Cannot resolve {local} in {_zone.Id}.");
    }

    private static (LocalDateTime Start, LocalDateTime End) ToLocal(LocalDate date, string start, string end, bool overnight)
    {
        var midnight = date.AtMidnight();
        var endDay = overnight ? midnight.PlusDays(1) : midnight;
        return (midnight.PlusSeconds(SecondsOf(start)), endDay.PlusSeconds(SecondsOf(end)));
    }

    private static long SecondsOf(string time)
    {
        var parts = time.Split(':');
        var total = (int.Parse(parts[0], CultureInfo.InvariantCulture) * 3600) + (int.Parse(parts[1], CultureInfo.InvariantCulture) * 60);
        return parts.Length > 2 ? total + int.Parse(parts[2], CultureInfo.InvariantCulture) : total;
    }

    private static LocalDate ParseDate(string text, DateCalendar calendar)
    {
        var parts = text.Split('-').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var system = calendar == DateCalendar.Jalali ? CalendarSystem.PersianAstronomical : CalendarSystem.Iso;
        return new LocalDate(parts[0], parts[1], parts[2], system).WithCalendar(CalendarSystem.Iso);
    }
}
