namespace Pishkhan.Platform.Caching;

/// <summary>
/// A value read from the database and kept for a while: settings and compiled rules that every request needs but that
/// change rarely. <see cref="Forget"/> (after a save on this node) makes the next read load afresh; changes made on
/// another node are seen when <paramref name="lifetime"/> runs out.
/// </summary>
/// <remarks>
/// A load that began before a save may finish after the save's <see cref="Forget"/>; what it read may predate the
/// save, so it is returned to its own caller but not kept. Without that rule a saved rule could go unseen for a whole
/// lifetime.
/// </remarks>
public sealed class CachedValue<T>(TimeSpan lifetime, TimeProvider clock)
    where T : class
{
    private (T Value, DateTimeOffset Until)? _kept;
    private long _generation;

    public async Task<T> GetAsync(Func<CancellationToken, Task<T>> load, CancellationToken ct = default)
    {
        if (_kept is { } kept && kept.Until > clock.GetUtcNow())
        {
            return kept.Value;
        }

        var generation = Interlocked.Read(ref _generation);
        var value = await load(ct);
        if (Interlocked.Read(ref _generation) == generation)
        {
            _kept = (value, clock.GetUtcNow() + lifetime);
        }

        return value;
    }

    public void Forget()
    {
        Interlocked.Increment(ref _generation);
        _kept = null;
    }
}
