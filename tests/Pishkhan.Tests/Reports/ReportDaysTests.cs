using Pishkhan.Features.Cases;
using Pishkhan.Features.Reports;

namespace Pishkhan.Tests.Reports;

/// <summary>The daily roll-up's arithmetic on a hand-computed fixture.</summary>
public sealed class ReportDaysTests
{
    private static readonly Guid Agent = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Billing = Guid.Parse("00000000-0000-0000-0000-0000000000b1");

    [Fact]
    public void BucketOf_IsExactBelow16_Then16PerPowerOfTwo_AndNeverDecreases()
    {
        Assert.Equal([0L, 1, 15, 16, 31, 32, 33, 34, 47, 48, 50], new long[] { 0, 1, 15, 16, 31, 32, 34, 36, 63, 64, 72 }.Select(ReportDays.BucketOf));
        Assert.Equal(-1, ReportDays.BucketOf(-1));
        var values = new long[] { long.MinValue + 1, -5_000_000_000, -17, -16, -1, 0, 7, 16, 100, 3599, 3600, 86_400_000_000, long.MaxValue };
        Assert.Equal(values.Select(ReportDays.BucketOf).Order(), values.Select(ReportDays.BucketOf));
        // 16 buckets per power of two: 1,000 and 1,060 are 6% apart and in neighbouring buckets.
        Assert.Equal(ReportDays.BucketOf(1000) + 1, ReportDays.BucketOf(1060));
    }

    [Fact]
    public void Compute_AddsUpEachDay_AndEachHistogramBucketKeepsCountSumMinMax()
    {
        // Day 10: two web cases (billing, "Router"), first responses 100 s and 104 s (64–127 is the 4th power of two
        // from 16: buckets 48 + (100 >> 2) - 16 = 57 and 48 + (104 >> 2) - 16 = 58), one resolved, 3 + 4 exchanges.
        // Day 11: one email case with no category or product, reopened once, first response 101 s (bucket 57 again).
        DayCaseRow Row(int day, int hour, CaseChannel channel, Guid? category, string? product, StatusCategory status, int reopens, int exchanges, long? fr, long? res) =>
            new(day, hour, channel, category, product, status, reopens, exchanges, fr, fr * 1_000_000, res, res * 1_000_000);
        var created = new[]
        {
            Row(10, 9, CaseChannel.Web, Billing, "Router", StatusCategory.Resolved, 0, 3, 100, 5000),
            Row(10, 9, CaseChannel.Web, Billing, "Router", StatusCategory.Open, 0, 4, 104, null),
            Row(11, 23, CaseChannel.Email, null, null, StatusCategory.Open, 1, 2, 101, null),
        };
        var closed = new[] { new DayClosedRow(12, Agent, 5000, 4), new DayClosedRow(12, Agent, null, null), new DayClosedRow(12, null, 60, 2) };

        var days = ReportDays.Compute(created, closed);
        ReportDay One(ReportDayKind kind, int day, string key = "", long bucket = 0) => days.Single(d => d.Kind == kind && d.Day == day && d.Key == key && d.Bucket == bucket);

        Assert.Equal(2, One(ReportDayKind.Channel, 10, ((int)CaseChannel.Web).ToString(System.Globalization.CultureInfo.InvariantCulture)).Count);
        Assert.Equal(1, One(ReportDayKind.Channel, 11, ((int)CaseChannel.Email).ToString(System.Globalization.CultureInfo.InvariantCulture)).Count);
        Assert.Equal(2, One(ReportDayKind.Category, 10, Billing.ToString()).Count);
        Assert.Equal(1, One(ReportDayKind.Category, 11, "").Count);
        Assert.Equal(2, One(ReportDayKind.Product, 10, "=Router").Count);
        Assert.Equal(1, One(ReportDayKind.Product, 11, "").Count);
        Assert.Equal(2, One(ReportDayKind.Hour, 10, bucket: 9).Count);
        Assert.Equal(1, One(ReportDayKind.Hour, 11, bucket: 23).Count);
        var day10 = One(ReportDayKind.Created, 10);
        Assert.Equal((2L, 7L, 1L, 0L), (day10.Count, day10.Sum, day10.Count2, day10.Count3));
        var day11 = One(ReportDayKind.Created, 11);
        Assert.Equal((1L, 2L, 1L, 1L), (day11.Count, day11.Sum, day11.Count2, day11.Count3)); // reopened counts as resolved once
        Assert.Equal(57, ReportDays.BucketOf(100));
        Assert.Equal(58, ReportDays.BucketOf(104));
        var b57 = One(ReportDayKind.FirstResponseBusiness, 10, bucket: 57);
        Assert.Equal((1L, 100L, 100L, 100L), (b57.Count, b57.Sum, b57.Min, b57.Max));
        Assert.Equal((1L, 101L), (One(ReportDayKind.FirstResponseBusiness, 11, bucket: 57).Count, One(ReportDayKind.FirstResponseBusiness, 11, bucket: 57).Sum));
        var resolution = days.Single(d => d.Kind == ReportDayKind.ResolutionCalendar);
        Assert.Equal((10, 1L, 5_000_000_000L, 5_000_000_000L, 5_000_000_000L), (resolution.Day, resolution.Count, resolution.Sum, resolution.Min, resolution.Max));
        var agent = One(ReportDayKind.Closed, 12, Agent.ToString());
        Assert.Equal((2L, 1L, 5000L, 1L, 4.0), (agent.Count, agent.Count2, agent.Sum, agent.Count3, agent.RatingSum));
        var nobody = One(ReportDayKind.Closed, 12, "");
        Assert.Equal((1L, 1L, 60L, 1L, 2.0), (nobody.Count, nobody.Count2, nobody.Sum, nobody.Count3, nobody.RatingSum));
        // 2 channel, 2 category, 2 product, 2 hour, 2 created rows; first response 3 business buckets (57, 58 on day 10,
        // 57 on day 11) and 3 calendar ones (100e6 >> 22 = 23 and 104e6 >> 22 = 24 apart); 1 + 1 resolution; 2 closed.
        Assert.Equal(20, days.Count);
    }
}
