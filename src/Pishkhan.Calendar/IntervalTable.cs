using NodaTime;

namespace Pishkhan.Calendar;

/// <summary>
/// An immutable snapshot of a calendar's open intervals over a contiguous range of UTC years, with the
/// cumulative business time at the end of each interval. Extending it yields a new snapshot; the cumulative
/// values of intervals already present never change, so answers from two snapshots can be combined.
/// </summary>
internal sealed class IntervalTable
{
    public static readonly IntervalTable Empty = new([], [], [], [0], [0, 0], 0, 0, 0, 0, 0, 0);

    /// <summary>Cumulative business time is bucketed by 2^44 ns (about 4.9 hours) for the <see cref="FirstCumEnd"/> index.</summary>
    private const int CumBucketShift = 44;

    private const long NanosPerDay = NodaTime.NodaConstants.NanosecondsPerDay;

    private readonly long[] _starts;
    private readonly long[] _ends;
    private readonly long[] _cumEnds;

    /// <summary>For each UTC day k of the range, the index of the first interval ending after the day starts.</summary>
    private readonly int[] _dayFirst;

    /// <summary>For each cumulative bucket b, the index of the first interval whose cumulative end reaches the bucket.</summary>
    private readonly int[] _cumFirst;

    private IntervalTable(long[] starts, long[] ends, long[] cumEnds, int[] dayFirst, int[] cumFirst, int count, long from, long to, long cumAtFrom, int firstYear, int endYear)
    {
        _starts = starts;
        _ends = ends;
        _cumEnds = cumEnds;
        _dayFirst = dayFirst;
        _cumFirst = cumFirst;
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

    /// <summary>Index of the last interval starting at or before <paramref name="x"/>, which must be covered; -1 if none.</summary>
    /// <remarks>
    /// The day index narrows the search to the intervals around x's UTC day: every interval before
    /// <c>_dayFirst[k]</c> ends (so starts) before the day, and the one after <c>_dayFirst[k + 1]</c> starts after it.
    /// </remarks>
    public int LastStartAtOrBefore(long x)
    {
        var starts = _starts;
        var k = (int)((x - From) / NanosPerDay);
        var lo = Math.Max(_dayFirst[k] - 1, 0);
        var hi = Math.Min(_dayFirst[k + 1] + 1, Count);
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
        var count = Count;
        var cum = _cumEnds;
        if (count == 0 || target > cum[count - 1] || (strictly && target == cum[count - 1]))
        {
            return count;
        }

        // Intervals before _cumFirst[b] end below the bucket, hence below target; _cumFirst[b + 1] ends above it.
        var b = (int)((target - CumAtFrom) >> CumBucketShift);
        var lo = _cumFirst[b];
        var hi = Math.Min(_cumFirst[b + 1] + 1, count);
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
        var perYear = IsEmpty ? 1024 : (Count / (EndYear - FirstYear)) + 16;
        var all = new List<Span>(Count + (perYear * (endYear - firstYear - (EndYear - FirstYear))));
        if (IsEmpty)
        {
            AppendYears(source, firstYear, endYear, all);
            return FromSpans(all, firstYear, endYear, 0);
        }

        AppendYears(source, firstYear, FirstYear, all);
        long beforeTotal = 0;
        foreach (var span in all)
        {
            beforeTotal += span.End - span.Start;
        }

        for (var i = 0; i < Count; i++)
        {
            AppendMerging(all, new Span(_starts[i], _ends[i]));
        }

        AppendYears(source, EndYear, endYear, all);
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

        var from = YearStart(firstYear);
        var to = YearStart(endYear);
        var days = (int)((to - from) / NanosPerDay);
        var dayFirst = new int[days + 1];
        var j = 0;
        for (var k = 0; k <= days; k++)
        {
            var dayStart = from + (k * NanosPerDay);
            while (j < count && ends[j] <= dayStart)
            {
                j++;
            }

            dayFirst[k] = j;
        }

        var buckets = (int)((running - cumAtFrom) >> CumBucketShift) + 2;
        var cumFirst = new int[buckets];
        j = 0;
        for (var b = 0; b < buckets; b++)
        {
            var bucketStart = cumAtFrom + ((long)b << CumBucketShift);
            while (j < count && cumEnds[j] < bucketStart)
            {
                j++;
            }

            cumFirst[b] = j;
        }

        return new IntervalTable(starts, ends, cumEnds, dayFirst, cumFirst, count, from, to, cumAtFrom, firstYear, endYear);
    }
}
