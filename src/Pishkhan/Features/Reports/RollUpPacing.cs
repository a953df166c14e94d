namespace Pishkhan.Features.Reports;

/// <summary>
/// When the background worker may next recompute the daily roll-up: a recomputation that took longer than
/// <see cref="FreeBelow"/> is not repeated before <see cref="Pause"/> times its own duration has passed, so at most
/// about 1 / (<see cref="Pause"/> + 1) of the time goes to it. Cheap recomputations are never held back. Times are
/// readings of a monotonic clock (the caller's); no I/O here.
/// </summary>
public sealed class RollUpPacing(TimeSpan freeBelow, int pause)
{
    /// <summary>The worker's pacing: recomputations over 50 ms take at most about 5% of the time.</summary>
    public static RollUpPacing Default() => new(TimeSpan.FromMilliseconds(50), 19);

    private TimeSpan _dueAt = TimeSpan.MinValue;

    public TimeSpan FreeBelow { get; } = freeBelow;

    public int Pause { get; } = pause;

    public bool IsDue(TimeSpan now) => now >= _dueAt;

    /// <summary>Notes a recomputation that ran from <paramref name="started"/> to <paramref name="finished"/>.</summary>
    public void Ran(TimeSpan started, TimeSpan finished)
    {
        var took = finished - started;
        _dueAt = took < FreeBelow ? TimeSpan.MinValue : finished + (took * Pause);
    }
}
