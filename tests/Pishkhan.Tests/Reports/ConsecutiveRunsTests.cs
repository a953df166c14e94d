using Pishkhan.Features.Reports;

namespace Pishkhan.Tests.Reports;

public sealed class ConsecutiveRunsTests
{
    [Fact]
    public void Consecutive_ids_become_one_range_and_gaps_split_them()
    {
        Assert.Equal([(1L, 3L), (5L, 5L), (7L, 9L)], ConsecutiveRuns.Of<long>([9, 1, 2, 3, 5, 7, 8]));
    }

    [Fact]
    public void Duplicates_and_no_ids_are_handled()
    {
        Assert.Equal([(4L, 6L)], ConsecutiveRuns.Of<long>([4, 4, 5, 6, 6]));
        Assert.Empty(ConsecutiveRuns.Of<long>([]));
    }

    [Fact]
    public void A_range_never_covers_an_id_that_was_not_given()
    {
        var ids = new long[] { 10, 11, 13, 14, 15, 20, long.MaxValue - 1, long.MaxValue };
        var covered = ConsecutiveRuns.Of<long>(ids).SelectMany(r => Enumerable.Range(0, (int)(r.To - r.From + 1)).Select(i => r.From + i));
        Assert.Equal(ids, covered);
    }
}
