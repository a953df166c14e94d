using Pishkhan.Platform.Caching;

namespace Pishkhan.Tests.Platform;

public sealed class CachedValueTests
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_value_is_kept_for_its_lifetime_then_read_again()
    {
        var cache = new CachedValue<string>(TimeSpan.FromSeconds(10), _clock);
        var loads = 0;
        Task<string> Load(CancellationToken _) => Task.FromResult($"v{++loads}");

        Assert.Equal("v1", await cache.GetAsync(Load));
        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal("v1", await cache.GetAsync(Load));
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("v2", await cache.GetAsync(Load));
        cache.Forget();
        Assert.Equal("v3", await cache.GetAsync(Load));
    }

    [Fact]
    public async Task A_load_that_began_before_a_save_is_not_kept_after_the_save_forgot_the_value()
    {
        var cache = new CachedValue<string>(TimeSpan.FromMinutes(1), _clock);
        var slow = new TaskCompletionSource<string>();
        var before = cache.GetAsync(_ => slow.Task);

        cache.Forget(); // a save committed while the load above was still reading
        slow.SetResult("read before the save");
        Assert.Equal("read before the save", await before);

        Assert.Equal("read after the save", await cache.GetAsync(_ => Task.FromResult("read after the save")));
    }
}
