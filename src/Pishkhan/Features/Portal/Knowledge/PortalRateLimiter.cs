using System.Collections.Concurrent;

namespace Pishkhan.Features.Portal.Knowledge;

/// <summary>
/// A fixed one-minute window per client address and purpose, on the app's clock (so tests move it). In memory per
/// app node: with several nodes each allows the limit. Old windows are dropped as the table grows.
/// </summary>
public sealed class PortalRateLimiter(TimeProvider clock)
{
    private const int PruneAbove = 10_000;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Counts one request of <paramref name="client"/> for <paramref name="purpose"/>; false when the minute's <paramref name="perMinute"/> is used up.</summary>
    public bool TryAcquire(string purpose, string client, int perMinute)
    {
        var minute = clock.GetUtcNow().ToUnixTimeSeconds() / 60;
        if (_windows.Count > PruneAbove)
        {
            foreach (var (key, old) in _windows)
            {
                if (old.Minute < minute)
                {
                    _windows.TryRemove(key, out _);
                }
            }
        }

        var window = _windows.AddOrUpdate(purpose + "|" + client, _ => new Window(minute, 1), (_, w) => w.Minute == minute ? w with { Count = w.Count + 1 } : new Window(minute, 1));
        return window.Count <= perMinute;
    }

    /// <summary>Seconds until the current window ends (for Retry-After).</summary>
    public int SecondsLeft() => (int)(60 - (clock.GetUtcNow().ToUnixTimeSeconds() % 60));

    private sealed record Window(long Minute, int Count);
}
