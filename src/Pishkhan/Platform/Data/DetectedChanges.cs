using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Pishkhan.Platform.Data;

/// <summary>
/// A save detects the pending changes once (<see cref="ForSave"/>): the audit, outbox and report-mark capture, the
/// survey interceptor and EF's own save then read the entries with automatic detection off. Each detection
/// compares every tracked property of every tracked entity (JSON columns included), and a save used to run five.
/// </summary>
/// <remarks>
/// Whatever runs inside the save and <em>changes</em> a tracked entity (rather than adding one) must detect that
/// entity's changes itself (<c>db.Entry(x).DetectChanges()</c>), or EF would not write them.
/// </remarks>
public static class DetectedChanges
{
    /// <summary>
    /// Detects the pending changes and turns automatic detection off until disposed. When the caller had turned it off
    /// already (it manages its entities' states itself), nothing is detected and nothing changes.
    /// </summary>
    public static IDisposable ForSave(ChangeTracker tracker)
    {
        if (!tracker.AutoDetectChangesEnabled)
        {
            return Restore.Nothing;
        }

        tracker.DetectChanges();
        tracker.AutoDetectChangesEnabled = false;
        return new Restore(tracker);
    }

    /// <summary>
    /// Runs <paramref name="read"/> on the detected changes: inside a save they are detected already; outside one, they
    /// are detected once first.
    /// </summary>
    public static T Read<T>(ChangeTracker tracker, Func<T> read)
    {
        using (ForSave(tracker))
        {
            return read();
        }
    }

    private sealed class Restore(ChangeTracker? tracker) : IDisposable
    {
        public static readonly Restore Nothing = new(null);

        public void Dispose()
        {
            if (tracker is not null)
            {
                tracker.AutoDetectChangesEnabled = true;
            }
        }
    }
}
