namespace Pishkhan.Features.Reports;

/// <summary>Runs of consecutive ids, so that deleting thousands of change marks is a short statement rather than one parameter per id.</summary>
public static class IdRanges
{
    /// <summary>The ids as ascending, non-overlapping runs of consecutive values (duplicates ignored).</summary>
    public static List<(long From, long To)> Of(IEnumerable<long> ids)
    {
        var runs = new List<(long From, long To)>();
        foreach (var id in ids.Order())
        {
            if (runs.Count > 0 && id <= runs[^1].To + 1)
            {
                runs[^1] = (runs[^1].From, Math.Max(runs[^1].To, id));
            }
            else
            {
                runs.Add((id, id));
            }
        }

        return runs;
    }
}
