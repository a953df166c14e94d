using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using NodaTime;

namespace Pishkhan.Calendar;

/// <summary>
/// Business-time arithmetic over a calendar of working intervals: is it open, what instant is 4 business hours
/// after this one, how much business time lies between two instants.
/// </summary>
/// <remarks>
/// <para><b>Boundaries.</b> Working intervals are half-open, <c>[start, end)</c>: on 09:00–17:00 the calendar is open at
/// 09:00:00 and closed at 17:00:00. Adjacent intervals (09:00–12:00 and 12:00–17:00) form one interval.</para>
/// <para><b>Business time</b> is real elapsed time inside the working intervals, so an interval that spans a DST
/// transition is worth its real length, not its wall-clock length.</para>
/// <para><b>Local times and DST.</b> Interval ends are local wall times on a local date in the calendar's zone. A local
/// time that falls in a gap (clocks jump forward) is moved forward by the gap's length; a local time that falls
/// in an overlap (clocks go back) takes the earlier offset, i.e. its first occurrence; an interval that lies
/// wholly inside a gap is dropped.</para>
/// <para><b>Range.</b> Instants from <see cref="MinSupportedInstant"/> (inclusive) to <see cref="MaxSupportedInstant"/>
/// (exclusive) are supported; others throw <see cref="ArgumentOutOfRangeException"/>. A search that would leave
/// the range, or that finds no working time within <see cref="SearchHorizonYears"/> consecutive years, throws
/// <see cref="CalendarHorizonException"/> instead of looping.</para>
/// <para><b>Performance.</b> The open intervals are precomputed in UTC, a year at a time as queries reach them, with
/// the cumulative business time at each; every query is one or two binary searches, so its cost does not grow
/// with the duration asked for. Queries do not allocate once the years they touch are built.</para>
/// <para><b>Thread safety.</b> Instances are immutable in behaviour and safe to share between threads; the lazily built
/// table is replaced atomically.</para>
/// </remarks>
public sealed class BusinessCalendar
{
    /// <summary>How many consecutive years without working time (or, for <see cref="NextClose"/>, without a closing) a search crosses before it gives up.</summary>
    public const int SearchHorizonYears = 10;

    private const int MinYear = 1900;
    private const int MaxYear = 2150;

    private readonly IIntervalSource _source;
    private readonly Lock _gate = new();
    private IntervalTable _table = IntervalTable.Empty;

    private BusinessCalendar(IIntervalSource source, string description)
    {
        _source = source;
        Description = description;
    }

    /// <summary>The earliest supported instant, 1900-01-01T00:00:00Z.</summary>
    public static Instant MinSupportedInstant { get; } = Instant.FromUtc(MinYear, 1, 1, 0, 0);

    /// <summary>The end (exclusive) of the supported instants, 2150-01-01T00:00:00Z.</summary>
    public static Instant MaxSupportedInstant { get; } = Instant.FromUtc(MaxYear, 1, 1, 0, 0);

    /// <summary>A short description for messages: the zone for a defined calendar, the members for a composition.</summary>
    public string Description { get; }

    /// <summary>Validates <paramref name="definition"/> and creates its calendar. Nothing is computed until a query needs it.</summary>
    /// <param name="definition">The definition.</param>
    /// <returns>The calendar.</returns>
    /// <exception cref="InvalidCalendarDefinitionException">The definition is invalid; <see cref="InvalidCalendarDefinitionException.Errors"/> names each bad item.</exception>
    public static BusinessCalendar Create(CalendarDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var (compiled, errors) = DefinitionCompiler.Compile(definition);
        return compiled is null
            ? throw new InvalidCalendarDefinitionException(errors)
            : new BusinessCalendar(new DefinitionSource(compiled), compiled.Zone.Id);
    }

    /// <summary>Like <see cref="Create"/>, but returns the errors instead of throwing.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="calendar">The calendar, when the definition is valid.</param>
    /// <param name="errors">Every problem found; empty when the definition is valid.</param>
    /// <returns>True when the definition is valid.</returns>
    public static bool TryCreate(CalendarDefinition definition, [NotNullWhen(true)] out BusinessCalendar? calendar, out IReadOnlyList<CalendarDefinitionError> errors)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var (compiled, found) = DefinitionCompiler.Compile(definition);
        errors = found;
        calendar = compiled is null ? null : new BusinessCalendar(new DefinitionSource(compiled), compiled.Zone.Id);
        return calendar is not null;
    }

    /// <summary>A calendar that is open whenever any of <paramref name="calendars"/> is open (team coverage).</summary>
    /// <param name="calendars">At least one calendar.</param>
    /// <returns>The union.</returns>
    /// <exception cref="ArgumentException">No calendar was given.</exception>
    public static BusinessCalendar Union(params IReadOnlyList<BusinessCalendar> calendars) =>
        Compose(calendars, static members => new UnionSource(members), "union");

    /// <summary>A calendar that is open only when all of <paramref name="calendars"/> are open.</summary>
    /// <param name="calendars">At least one calendar.</param>
    /// <returns>The intersection.</returns>
    /// <exception cref="ArgumentException">No calendar was given.</exception>
    public static BusinessCalendar Intersection(params IReadOnlyList<BusinessCalendar> calendars) =>
        Compose(calendars, static members => new IntersectionSource(members), "intersection");

    /// <summary>Whether the calendar is open at <paramref name="instant"/>: true from an interval's start up to, but not at, its end.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns>True when open.</returns>
    public bool IsOpen(Instant instant)
    {
        var x = ToNanos(instant);
        var table = Covering(x);
        var j = table.LastStartAtOrBefore(x);
        return j >= 0 && x < table.EndAt(j);
    }

    /// <summary>
    /// The earliest instant at which <paramref name="duration"/> of business time has elapsed since <paramref name="start"/>.
    /// A duration that runs out exactly at a closing time returns that closing instant (Mon 09:00 + 8 h on 09:00–17:00 is
    /// Mon 17:00); <c>Add(t, Duration.Zero)</c> is <c>t</c>, open or not. When <paramref name="start"/> is outside working
    /// time the count starts at the next opening.
    /// </summary>
    /// <param name="start">The instant to count from.</param>
    /// <param name="duration">A non-negative business duration.</param>
    /// <returns>The instant at which the duration has elapsed.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The duration is negative, or <paramref name="start"/> is outside the supported range.</exception>
    /// <exception cref="CalendarHorizonException">No working time is in reach.</exception>
    public Instant Add(Instant start, Duration duration) => Add(start, duration, AddConvention.ClosingInstant);

    /// <summary>
    /// Like <see cref="Add(Instant, Duration)"/>, with the choice of what to return when the duration runs out exactly at
    /// a closing time: the closing instant (<see cref="AddConvention.ClosingInstant"/>) or the next opening
    /// (<see cref="AddConvention.NextOpening"/>). A zero duration returns <paramref name="start"/> under either convention.
    /// </summary>
    /// <param name="start">The instant to count from.</param>
    /// <param name="duration">A non-negative business duration.</param>
    /// <param name="convention">What to return at a closing time.</param>
    /// <returns>The instant at which the duration has elapsed.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The duration is negative, or <paramref name="start"/> is outside the supported range.</exception>
    /// <exception cref="CalendarHorizonException">No working time is in reach.</exception>
    public Instant Add(Instant start, Duration duration, AddConvention convention)
    {
        var x = ToNanos(start);
        var d = DurationNanos(duration);
        if (d == 0)
        {
            return start;
        }

        var table = Covering(x);
        var target = table.Cumulative(x) + d;
        var j = table.FirstCumEnd(target, strictly: false);
        if (j == table.Count)
        {
            (table, j) = GrowUntilCumulative(table, x, target);
        }

        var result = table.EndAt(j) - (table.CumEndAt(j) - target);
        if (convention == AddConvention.NextOpening && result == table.EndAt(j))
        {
            return Nanos.ToInstant(NextOpenNanos(result));
        }

        return Nanos.ToInstant(result);
    }

    /// <summary>
    /// The latest instant, at or before <paramref name="end"/>, with exactly <paramref name="duration"/> of business time
    /// between it and <paramref name="end"/>. When the duration runs out at an opening, that opening is returned
    /// (Tue 10:00 − 1 h on 09:00–17:00 is Tue 09:00, not Mon 17:00). <c>Subtract(t, Duration.Zero)</c> is <c>t</c>.
    /// </summary>
    /// <param name="end">The instant to count back from.</param>
    /// <param name="duration">A non-negative business duration.</param>
    /// <returns>The instant.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The duration is negative, or <paramref name="end"/> is outside the supported range.</exception>
    /// <exception cref="CalendarHorizonException">No working time is in reach.</exception>
    public Instant Subtract(Instant end, Duration duration)
    {
        var x = ToNanos(end);
        var d = DurationNanos(duration);
        if (d == 0)
        {
            return end;
        }

        var table = Covering(x);
        var target = table.Cumulative(x) - d;
        while (target < table.CumAtFrom)
        {
            table = Grow(table, backward: true, x);
        }

        var j = table.FirstCumEnd(target, strictly: true);
        return Nanos.ToInstant(table.EndAt(j) - (table.CumEndAt(j) - target));
    }

    /// <summary>
    /// The business time in <c>[start, end)</c>: the real time during which the calendar is open. Zero when
    /// <paramref name="end"/> is not after <paramref name="start"/>.
    /// </summary>
    /// <param name="start">The start, inclusive.</param>
    /// <param name="end">The end, exclusive.</param>
    /// <returns>The business time.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An instant is outside the supported range.</exception>
    public Duration Between(Instant start, Instant end)
    {
        var a = ToNanos(start);
        var b = ToNanos(end);
        if (b <= a)
        {
            return Duration.Zero;
        }

        var table = _table;
        if (a < table.From || b >= table.To)
        {
            table = Covering(a);
            table = Covering(b);
        }

        return Duration.FromNanoseconds(table.Cumulative(b) - table.Cumulative(a));
    }

    /// <summary>The earliest open instant at or after <paramref name="instant"/>: the instant itself when open, otherwise the next opening.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns>The next opening (or the instant).</returns>
    /// <exception cref="CalendarHorizonException">No working time is in reach.</exception>
    public Instant NextOpen(Instant instant) => Nanos.ToInstant(NextOpenNanos(ToNanos(instant)));

    /// <summary>The earliest closed instant at or after <paramref name="instant"/>: the instant itself when closed, otherwise the end of the working interval it is in.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns>The next closing (or the instant).</returns>
    /// <exception cref="CalendarHorizonException">The calendar never closes within reach (it is open around the clock).</exception>
    public Instant NextClose(Instant instant)
    {
        var x = ToNanos(instant);
        var table = Covering(x);
        while (true)
        {
            var j = table.LastStartAtOrBefore(x);
            if (j < 0 || x >= table.EndAt(j))
            {
                return instant;
            }

            if (table.EndAt(j) < table.To)
            {
                return Nanos.ToInstant(table.EndAt(j));
            }

            // The interval runs to the edge of what is built; it may continue into the next year.
            table = Grow(table, backward: false, x, closing: true);
        }
    }

    /// <summary>
    /// The working intervals that overlap <c>[from, to)</c>, clipped to it, in order. Adjacent working time forms one
    /// interval. Each <see cref="Interval"/> is half-open like the working time it describes.
    /// </summary>
    /// <param name="from">The start, inclusive.</param>
    /// <param name="to">The end, exclusive.</param>
    /// <returns>The intervals; empty when <paramref name="to"/> is not after <paramref name="from"/>.</returns>
    public IReadOnlyList<Interval> Intervals(Instant from, Instant to)
    {
        var a = ToNanos(from);
        var b = ToNanos(to);
        if (b <= a)
        {
            return [];
        }

        Covering(a);
        var table = Covering(b);
        var result = new List<Interval>();
        var j = Math.Max(table.LastStartAtOrBefore(a), 0);
        for (; j < table.Count && table.StartAt(j) < b; j++)
        {
            var start = Math.Max(table.StartAt(j), a);
            var end = Math.Min(table.EndAt(j), b);
            if (start < end)
            {
                result.Add(new Interval(Nanos.ToInstant(start), Nanos.ToInstant(end)));
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public override string ToString() => $"BusinessCalendar({Description})";

    private static BusinessCalendar Compose(IReadOnlyList<BusinessCalendar> calendars, Func<IIntervalSource[], IIntervalSource> combine, string kind)
    {
        ArgumentNullException.ThrowIfNull(calendars);
        if (calendars.Count == 0)
        {
            throw new ArgumentException("At least one calendar is required.", nameof(calendars));
        }

        var members = new IIntervalSource[calendars.Count];
        for (var i = 0; i < members.Length; i++)
        {
            members[i] = (calendars[i] ?? throw new ArgumentException("A calendar cannot be null.", nameof(calendars)))._source;
        }

        return new BusinessCalendar(combine(members), $"{kind} of {string.Join(", ", calendars.Select(c => c.Description))}");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long ToNanos(Instant instant)
    {
        if (instant < MinSupportedInstant || instant >= MaxSupportedInstant)
        {
            ThrowOutOfRange(instant);
        }

        return NodaTime.HighPerformance.Instant64.FromInstant(instant).ToUnixTimeNanoseconds();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long DurationNanos(Duration duration)
    {
        if (duration < Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A business duration cannot be negative; use Subtract to count backwards.");
        }

        if (duration.Days >= 100_000)
        {
            throw new CalendarHorizonException($"A business duration of {duration} reaches beyond the supported range of instants.");
        }

        return duration.ToInt64Nanoseconds();
    }

    [DoesNotReturn]
    private static void ThrowOutOfRange(Instant instant) =>
        throw new ArgumentOutOfRangeException(nameof(instant), instant, $"Business calendars support instants from {MinSupportedInstant} to {MaxSupportedInstant} (exclusive).");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private IntervalTable Covering(long x)
    {
        var table = Volatile.Read(ref _table);
        return x >= table.From && x < table.To ? table : Cover(x);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private IntervalTable Cover(long x)
    {
        var year = YearOf(x);
        lock (_gate)
        {
            var table = _table;
            if (x >= table.From && x < table.To)
            {
                return table;
            }

            var first = table.IsEmpty ? year : Math.Min(table.FirstYear, year);
            var end = table.IsEmpty ? year + 1 : Math.Max(table.EndYear, year + 1);
            table = table.Extend(first, end, _source);
            Volatile.Write(ref _table, table);
            return table;
        }
    }

    /// <summary>
    /// Extends the table by a year forwards or backwards. Fails when the range is exhausted or when the last
    /// <see cref="SearchHorizonYears"/> years beyond <paramref name="origin"/> held no working time (or no closing).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private IntervalTable Grow(IntervalTable seen, bool backward, long origin, bool closing = false)
    {
        var table = Volatile.Read(ref _table);
        if (backward ? table.FirstYear < seen.FirstYear : table.EndYear > seen.EndYear)
        {
            return table;
        }

        var originYear = YearOf(origin);
        if (backward)
        {
            var lastWork = table.Count > 0 && table.StartAt(0) < origin ? YearOf(table.StartAt(0)) : originYear;
            if (lastWork - table.FirstYear >= SearchHorizonYears)
            {
                throw new CalendarHorizonException($"No working time in the {SearchHorizonYears} years before {Nanos.ToInstant(origin)} in calendar {Description}.");
            }

            if (table.FirstYear <= MinYear)
            {
                throw new CalendarHorizonException($"The answer lies before {MinSupportedInstant}, the earliest supported instant (calendar {Description}).");
            }
        }
        else
        {
            var last = table.Count > 0 ? table.EndAt(table.Count - 1) : long.MinValue;
            var progress = closing
                ? (last >= table.To ? originYear : YearOf(last))
                : (last > origin ? YearOf(last - 1) : originYear);
            if (table.EndYear - 1 - progress >= SearchHorizonYears)
            {
                throw new CalendarHorizonException(closing
                    ? $"Calendar {Description} does not close in the {SearchHorizonYears} years after {Nanos.ToInstant(origin)}."
                    : $"No working time in the {SearchHorizonYears} years after {Nanos.ToInstant(origin)} in calendar {Description}.");
            }

            if (table.EndYear >= MaxYear)
            {
                throw new CalendarHorizonException($"The answer lies beyond {MaxSupportedInstant}, the end of the supported range (calendar {Description}).");
            }
        }

        lock (_gate)
        {
            var current = _table;
            if (backward ? current.FirstYear < seen.FirstYear : current.EndYear > seen.EndYear)
            {
                return current;
            }

            current = backward
                ? current.Extend(current.FirstYear - 1, current.EndYear, _source)
                : current.Extend(current.FirstYear, current.EndYear + 1, _source);
            Volatile.Write(ref _table, current);
            return current;
        }
    }

    private (IntervalTable Table, int Index) GrowUntilCumulative(IntervalTable table, long origin, long target)
    {
        while (true)
        {
            table = Grow(table, backward: false, origin);
            var j = table.FirstCumEnd(target, strictly: false);
            if (j < table.Count)
            {
                return (table, j);
            }
        }
    }

    private long NextOpenNanos(long x)
    {
        var table = Covering(x);
        while (true)
        {
            var j = table.LastStartAtOrBefore(x);
            if (j >= 0 && x < table.EndAt(j))
            {
                return x;
            }

            if (j + 1 < table.Count)
            {
                return table.StartAt(j + 1);
            }

            table = Grow(table, backward: false, x);
        }
    }

    private static int YearOf(long nanos) => Nanos.ToInstant(nanos).InUtc().Year;
}
