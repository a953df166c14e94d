using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Pishkhan.Platform.Data;

/// <summary>
/// Walks of the change tracker made just before a save (audit, outbox, report marks, surveys) detect changes once and
/// then read the entries with automatic detection off: each <c>Entries()</c> or <c>Entry()</c> call would otherwise
/// compare every tracked property again.
/// </summary>
public static class DetectedChanges
{
    /// <summary>Detects the pending changes once, then runs <paramref name="read"/> without detecting them again.</summary>
    public static T Read<T>(ChangeTracker tracker, Func<T> read)
    {
        tracker.DetectChanges();
        var auto = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            return read();
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = auto;
        }
    }
}
