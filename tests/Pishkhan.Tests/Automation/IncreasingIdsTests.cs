using Pishkhan.Features.Automation;

namespace Pishkhan.Tests.Automation;

public sealed class IncreasingIdsTests
{
    [Fact]
    public void Ids_made_in_one_burst_sort_in_the_order_made_as_text_and_as_guids()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => new WorkflowRunLog().Id).ToList();

        Assert.Equal(ids, ids.Order().ToList());
        Assert.Equal(ids.Select(i => i.ToString().ToUpperInvariant()), ids.Select(i => i.ToString().ToUpperInvariant()).Order(StringComparer.Ordinal));
        Assert.All(ids, id => Assert.Equal(7, id.Version));
    }
}
