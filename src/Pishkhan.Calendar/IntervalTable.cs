using NodaTime;

namespace Pishkhan.Calendar;

/// <summary>
/// An immutable snapshot of a calendar's open intervals over a contiguous range of UTC years, with the
/// cumulative business time at the end of each interval. Extending it yields a new snapshot; the cumulative
/// values of intervals already present never change, so answers from two snapshots can be combined.
/// </summary>
internal sealed class IntervalTable
{
    public static readonly IntervalTable Empty = new([], [], [], 0, 0, 0, 0, 0, 0);

    private readonly long[] _starts;
    private readonly long[] _ends;
    private readonly long[] _cumEnds;

    private IntervalTable(long[] starts, long[] ends, long[] cumEnds, int count, long from, long to, long cumAtFrom, int firstYear, int endYear)
    {
        _starts = starts;
        _ends = ends;
        _cumEnds = cumEnds;
        Count = count;
        From = from;
        To = to;
        CumAtFrom = cumAtFrom;
        FirstYear = firstYear;
        EndYear = endYear;
    }

    public int Count { get; }

    /// <summary>Start of the covered range (nanoseconds, inclusive).</summary>
    public long From { get; }

    /// <summary>End of the covered range (nanoseconds, exclusive).</summary>
    public long To { get; }

    /// <summary>Cumulative business time at <see cref="From"/>.</summary>
    public long CumAtFrom { get; }

    public int FirstYear { get; }

    public int EndYear { get; }

    public bool IsEmpty => FirstYear == EndYear;

    public long StartAt(int index) => _starts[index];

    public long EndAt(int index) => _ends[index];

    public long CumEndAt(int index) => _cumEnds[index];

    /// <summary>Index of the last interval starting at or before <paramref name="x"/>, or -1.</summary>
    public int LastStartAtOrBefore(long x)
    {
        var starts = _starts;
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (starts[mid] <= x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo - 1;
    }

    /// <summary>Index of the first interval whose cumulative end is at least (or, when <paramref name="strictly"/>, above) <paramref name="target"/>; <see cref="Count"/> if none.</summary>
    public int FirstCumEnd(long target, bool strictly)
    {
        var cum = _cumEnds;
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (cum[mid] < target || (strictly && cum[mid] == target))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Business time from an arbitrary origin to <paramref name="x"/>, which must be covered.</summary>
    public long Cumulative(long x)
    {
        var j = LastStartAtOrBefore(x);
        if (j < 0)
        {
            return CumAtFrom;
        }

        var end = _ends[j];
        return x >= end ? _cumEnds[j] : _cumEnds[j] - (end - x);
    }

    /// <summary>Returns a snapshot covering the UTC years <c>[firstYear, endYear)</c>, which must contain this one's.</summary>
    public IntervalTable Extend(int firstYear, int endYear, IIntervalSource source)
    {
        if (IsEmpty)
        {
            var built = new List<Span>();
            AppendYears(source, firstYear, endYear, built);
            return FromSpans(built, firstYear, endYear, 0);
        }

        var before = new List<Span>();
        AppendYears(source, firstYear, FirstYear, before);
        long beforeTotal = 0;
        foreach (var span in before)
        {
            beforeTotal += span.End - span.Start;
        }

        var all = new List<Span>(before.Count + Count + 64);
        all.AddRange(before);
        for (var i = 0; i < Count; i++)
        {
            AppendMerging(all, new Span(_starts[i], _ends[i]));
        }

        var after = new List<Span>();
        AppendYears(source, EndYear, endYear, after);
        foreach (var span in after)
        {
            AppendMerging(all, span);
        }

        return FromSpans(all, firstYear, endYear, CumAtFrom - beforeTotal);
    }

    public static long YearStart(int year) => Nanos.FromInstant(Instant.FromUtc(year, 1, 1, 0, 0));

    private static void AppendYears(IIntervalSource source, int firstYear, int endYear, List<Span> output)
    {
        var block = new List<Span>();
        for (var year = firstYear; year < endYear; year++)
        {
            block.Clear();
            source.Build(YearStart(year), YearStart(year + 1), block);
            foreach (var span in block)
            {
                AppendMerging(output, span);
            }
        }
    }

    private static void AppendMerging(List<Span> list, Span span)
    {
        if (list.Count > 0 && list[^1].End == span.Start)
        {
            list[^1] = list[^1] with { End = span.End };
        }
        else
        {
            list.Add(span);
        }
    }

    private static IntervalTable FromSpans(List<Span> spans, int firstYear, int endYear, long cumAtFrom)
    {
        var count = spans.Count;
        var starts = new long[count];
        var ends = new long[count];
        var cumEnds = new long[count];
        var running = cumAtFrom;
        for (var i = 0; i < count; i++)
        {
            starts[i] = spans[i].Start;
            ends[i] = spans[i].End;
            running += spans[i].End - spans[i].Start;
            cumEnds[i] = running;
        }

        return new IntervalTable(starts, ends, cumEnds, count, YearStart(firstYear), YearStart(endYear), cumAtFrom, firstYear, endYear);
    }
}
