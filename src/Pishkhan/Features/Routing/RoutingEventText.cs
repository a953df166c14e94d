using System.Globalization;

namespace Pishkhan.Features.Routing;

/// <summary>
/// The machine-readable form of a routing timeline event, kept in the entry's <c>body</c> so the UI can say it in the
/// reader's language (<c>newValue</c> keeps the English sentence for API readers): <c>returned|30|2</c> is "back to
/// the queue: not accepted within 30 business minutes (return 2)", <c>escalated|3|Name</c> is "escalated to Name
/// after 3 returns to the queue".
/// </summary>
public static class RoutingEventText
{
    public static string Returned(int minutes, int hop) =>
        string.Create(CultureInfo.InvariantCulture, $"returned|{minutes}|{hop}");

    public static string Escalated(string supervisor, int returns) =>
        string.Create(CultureInfo.InvariantCulture, $"escalated|{returns}|{supervisor}");

    /// <summary>The event's kind and numbers; null for a body in no known form (an older entry).</summary>
    public static (string Kind, int Count, string Detail)? Parse(string? body)
    {
        var parts = body?.Split('|', 3);
        if (parts is not { Length: 3 } || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return null;
        }

        return parts[0] switch
        {
            "returned" when int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _) => (parts[0], count, parts[2]),
            "escalated" => (parts[0], count, parts[2]),
            _ => null,
        };
    }
}
