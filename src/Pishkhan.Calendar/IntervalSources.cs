using NodaTime;
using NodaTime.TimeZones;

namespace Pishkhan.Calendar;

/// <summary>An open interval <c>[Start, End)</c> in nanoseconds since the Unix epoch (UTC).</summary>
internal readonly record struct Span(long Start, long End);

/// <summary>Produces the open intervals of a calendar within a UTC range.</summary>
internal interface IIntervalSource
{
    /// <summary>
    /// Appends to <paramref name="output"/> the open intervals within <c>[from, to)</c>: sorted, disjoint,
    /// not touching one another, and clipped to the range.
    /// </summary>
    void Build(long from, long to, List<Span> output);
}

/// <summary>Helpers shared by the interval sources.</summary>
internal static class Spans
{
    public static void SortAndMerge(List<Span> spans)
    {
        if (spans.Count < 2)
        {
            return;
        }

        spans.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var write = 0;
        for (var read = 1; read < spans.Count; read++)
        {
            var current = spans[write];
            var next = spans[read];
            if (next.Start <= current.End)
            {
                if (next.End > current.End)
                {
                    spans[write] = current with { End = next.End };
                }
            }
            else
            {
                spans[++write] = next;
            }
        }

        spans.RemoveRange(write + 1, spans.Count - write - 1);
    }

    /// <summary>Appends <paramref name="open"/> minus <paramref name="cuts"/>, clipped to <c>[from, to)</c>; both inputs sorted and merged.</summary>
    public static void SubtractAndClip(List<Span> open, List<Span> cuts, long from, long to, List<Span> output)
    {
        var c = 0;
        foreach (var span in open)
        {
            var start = Math.Max(span.Start, from);
            var end = Math.Min(span.End, to);
            while (c < cuts.Count && cuts[c].End <= start)
            {
                c++;
            }

            var k = c;
            while (start < end && k < cuts.Count && cuts[k].Start < end)
            {
                if (cuts[k].Start > start)
                {
                    output.Add(new Span(start, cuts[k].Start));
                }

                start = Math.Max(start, cuts[k].End);
                k++;
            }

            if (start < end)
            {
                output.Add(new Span(start, end));
            }
        }
    }
}

/// <summary>Builds open intervals from a compiled definition, applying the local-time and DST rules.</summary>
internal sealed class DefinitionSource(CompiledDefinition definition) : IIntervalSource
{
    private const long NanosPerDay = NodaConstants.NanosecondsPerDay;

    // A local time is resolved with a single offset when the instant it gives lies this far inside one zone
    // interval: no other interval's offset (offsets differ by at most a day) can then map it too.
    private const long SafetyMargin = 2 * NanosPerDay;

    public void Build(long from, long to, List<Span> output)
    {
        var zone = definition.Zone;
        var open = new List<Span>();
        var cuts = new List<Span>();

        // Intervals belong to their start date and last at most 48 hours from its midnight; offsets are within ±1 day.
        var firstDate = UtcDate(from).PlusDays(-3);
        var lastDate = UtcDate(to).PlusDays(1);
        var localMidnight = Nanos.FromInstant(firstDate.AtMidnight().InUtc().ToInstant());
        ZoneInterval? cached = null;
        for (var date = firstDate; date <= lastDate; date = date.PlusDays(1), localMidnight += NanosPerDay)
        {
            var slots = SlotsFor(date);
            if (slots.Length > 0 || definition.Breaks.ContainsKey(date))
            {
                // A whole-offset fast path: most dates are nowhere near a transition.
                long? offset = null;
                var guess = Instant.FromUnixTimeTicks(localMidnight / NodaConstants.NanosecondsPerTick);
                if (cached is null || !cached.Contains(guess))
                {
                    cached = zone.GetZoneInterval(guess);
                }

                var wall = cached.WallOffset.Nanoseconds;
                var intervalStart = cached.HasStart ? Nanos.FromInstantClamped(cached.Start) : long.MinValue;
                var intervalEnd = cached.HasEnd ? Nanos.FromInstantClamped(cached.End) : long.MaxValue;
                if (localMidnight - wall - SafetyMargin >= intervalStart && localMidnight + (2 * NanosPerDay) - wall + SafetyMargin < intervalEnd)
                {
                    offset = wall;
                }

                foreach (var slot in slots)
                {
                    if (Map(zone, date, localMidnight, slot, offset) is { } span)
                    {
                        open.Add(span);
                    }
                }

                if (definition.Breaks.TryGetValue(date, out var breaks))
                {
                    foreach (var slot in breaks)
                    {
                        if (Map(zone, date, localMidnight, slot, offset) is { } span)
                        {
                            cuts.Add(span);
                        }
                    }
                }
            }
        }

        Spans.SortAndMerge(open);
        Spans.SortAndMerge(cuts);
        Spans.SubtractAndClip(open, cuts, from, to, output);
    }

    private Slot[] SlotsFor(LocalDate date)
    {
        if (definition.Overrides.TryGetValue(date, out var overridden))
        {
            return overridden;
        }

        if (IsHoliday(date))
        {
            return [];
        }

        var week = definition.Weekly;
        var seasons = definition.Seasons;
        for (var i = seasons.Length - 1; i >= 0; i--)
        {
            if (seasons[i].From <= date)
            {
                week = seasons[i].Weekly;
                break;
            }
        }

        return week[(int)date.DayOfWeek % 7];
    }

    private bool IsHoliday(LocalDate date)
    {
        if (definition.Holidays.Contains(date))
        {
            return true;
        }

        if (definition.RecurringGregorian.Count > 0 && definition.RecurringGregorian.Contains((date.Month * 100) + date.Day))
        {
            return true;
        }

        if (definition.RecurringJalali.Count > 0)
        {
            var jalali = date.WithCalendar(CalendarSystem.PersianAstronomical);
            return definition.RecurringJalali.Contains((jalali.Month * 100) + jalali.Day);
        }

        return false;
    }

    private static Span? Map(DateTimeZone zone, LocalDate date, long localMidnight, Slot slot, long? offset)
    {
        long start;
        long end;
        if (offset is { } wall)
        {
            start = localMidnight + slot.Start - wall;
            end = localMidnight + slot.End - wall;
        }
        else
        {
            var midnight = date.AtMidnight();
            var startMapping = zone.MapLocal(midnight.PlusNanoseconds(slot.Start));
            var endMapping = zone.MapLocal(midnight.PlusNanoseconds(slot.End));
            if (startMapping.Count == 0 && endMapping.Count == 0 && startMapping.EarlyInterval.Equals(endMapping.EarlyInterval))
            {
                // The whole interval lies in one gap: those wall-clock times never happen that day.
                return null;
            }

            start = LocalTimeRules.Resolve(startMapping);
            end = LocalTimeRules.Resolve(endMapping);
        }

        return end > start ? new Span(start, end) : null;
    }

    private static LocalDate UtcDate(long nanos) =>
        Instant.FromUnixTimeTicks(nanos / NodaConstants.NanosecondsPerTick).InUtc().Date;
}

/// <summary>The DST rules for turning a local date and time into an instant.</summary>
internal static class LocalTimeRules
{
    /// <summary>
    /// Unambiguous: the single instant. Overlap: the earlier instant (the offset in force before the transition).
    /// Gap: the local time moved forward by the gap's length, which is the instant the local time would have
    /// with the offset in force before the gap.
    /// </summary>
    public static long Resolve(ZoneLocalMapping mapping) => mapping.Count switch
    {
        0 => Nanos.FromInstant(mapping.LocalDateTime.WithOffset(mapping.EarlyInterval.WallOffset).ToInstant()),
        _ => Nanos.FromInstant(mapping.First().ToInstant()),
    };
}

/// <summary>Open while any member is open.</summary>
internal sealed class UnionSource(IIntervalSource[] members) : IIntervalSource
{
    public void Build(long from, long to, List<Span> output)
    {
        var all = new List<Span>();
        foreach (var member in members)
        {
            member.Build(from, to, all);
        }

        Spans.SortAndMerge(all);
        output.AddRange(all);
    }
}

/// <summary>Open while every member is open.</summary>
internal sealed class IntersectionSource(IIntervalSource[] members) : IIntervalSource
{
    public void Build(long from, long to, List<Span> output)
    {
        var current = new List<Span>();
        members[0].Build(from, to, current);
        var other = new List<Span>();
        var next = new List<Span>();
        for (var m = 1; m < members.Length && current.Count > 0; m++)
        {
            other.Clear();
            next.Clear();
            members[m].Build(from, to, other);
            int i = 0, j = 0;
            while (i < current.Count && j < other.Count)
            {
                var start = Math.Max(current[i].Start, other[j].Start);
                var end = Math.Min(current[i].End, other[j].End);
                if (start < end)
                {
                    next.Add(new Span(start, end));
                }

                if (current[i].End < other[j].End)
                {
                    i++;
                }
                else
                {
                    j++;
                }
            }

            (current, next) = (next, current);
        }

        // Pieces of different members can meet end to start; merge so that a close is a real close.
        Spans.SortAndMerge(current);
        output.AddRange(current);
    }
}

/// <summary>Conversions between NodaTime instants and the engine's nanoseconds since the Unix epoch.</summary>
internal static class Nanos
{
    public static long FromInstant(Instant instant)
    {
        var sinceEpoch = instant - NodaConstants.UnixEpoch;
        return (sinceEpoch.Days * NodaConstants.NanosecondsPerDay) + sinceEpoch.NanosecondOfDay;
    }

    public static long FromInstantClamped(Instant instant)
    {
        var days = (instant - NodaConstants.UnixEpoch).Days;
        return days > 100_000 ? long.MaxValue / 2 : days < -100_000 ? long.MinValue / 2 : FromInstant(instant);
    }

    /// <summary>Valid for the range of <see cref="NodaTime.HighPerformance.Instant64"/> (years 1678 to 2261), which covers the engine's.</summary>
    public static Instant ToInstant(long nanos) => NodaTime.HighPerformance.Instant64.FromUnixTimeNanoseconds(nanos).ToInstant();
}
