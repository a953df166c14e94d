using System.Numerics;

namespace Pishkhan.Features.Reports;

/// <summary>
/// Runs of consecutive integers: marked days read as a few short ranges instead of one long one, and thousands of change
/// marks deleted by a short statement rather than one parameter per id.
/// </summary>
public static class ConsecutiveRuns
{
    /// <summary>The values as ascending, non-overlapping runs of consecutive values (duplicates ignored).</summary>
    public static List<(T From, T To)> Of<T>(IEnumerable<T> values) where T : IBinaryInteger<T>
    {
        var runs = new List<(T From, T To)>();
        foreach (var value in values.Order())
        {
            if (runs.Count > 0 && value <= runs[^1].To + T.One)
            {
                runs[^1] = (runs[^1].From, T.Max(runs[^1].To, value));
            }
            else
            {
                runs.Add((value, value));
            }
        }

        return runs;
    }
}
