using Pishkhan.Features.Reports;

namespace Pishkhan.Tests.Reports;

public sealed class RollUpPacingTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void Before_any_recomputation_it_is_due()
    {
        Assert.True(RollUpPacing.Default().IsDue(TimeSpan.Zero));
    }

    [Fact]
    public void A_cheap_recomputation_is_never_held_back()
    {
        var pacing = new RollUpPacing(Ms(50), 19);
        pacing.Ran(Ms(1_000), Ms(1_049));
        Assert.True(pacing.IsDue(Ms(1_049)));
    }

    [Fact]
    public void An_expensive_recomputation_waits_its_pause_times_its_duration()
    {
        var pacing = new RollUpPacing(Ms(50), 19);
        pacing.Ran(Ms(1_000), Ms(1_200)); // 200 ms: the next one not before 1,200 + 19 × 200 ms
        Assert.False(pacing.IsDue(Ms(1_200)));
        Assert.False(pacing.IsDue(Ms(4_999)));
        Assert.True(pacing.IsDue(Ms(5_000)));
    }

    [Fact]
    public void Once_it_is_cheap_again_the_pause_is_gone()
    {
        var pacing = new RollUpPacing(Ms(50), 19);
        pacing.Ran(Ms(0), Ms(500));
        Assert.False(pacing.IsDue(Ms(600)));
        pacing.Ran(Ms(10_500), Ms(10_510));
        Assert.True(pacing.IsDue(Ms(10_510)));
    }
}
