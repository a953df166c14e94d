using Pishkhan.Features.Cases;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Triage;

/// <summary>One step of an urgency or impact scale: which <see cref="Level"/> it is and what people call it.</summary>
public sealed record MatrixLevel(Level Level, string En, string Fa);

/// <summary>
/// The urgency × impact matrix (ماتریس فوریت × اثر) that gives a case its priority. Each axis uses 2–5 of the five
/// <see cref="Level"/> values, most severe first; the API names levels by their fixed keys (<c>critical</c>,
/// <c>high</c>, <c>medium</c>, <c>low</c>, <c>minimal</c>), while what the UI shows is the admin's fa/en labels.
/// <see cref="Cells"/> has one row per urgency level and one column per impact level.
/// </summary>
public sealed record PriorityMatrix(IReadOnlyList<MatrixLevel> Urgency, IReadOnlyList<MatrixLevel> Impact, IReadOnlyList<IReadOnlyList<Priority>> Cells)
{
    public const int MinLevels = 2;
    public const int MaxLevels = 5;
    public const int LabelMaxLength = 50;

    /// <summary>3 × 3, identical to <see cref="CaseRules.PriorityFrom"/>: the matrix a new installation starts with.</summary>
    public static PriorityMatrix Default { get; } = new(
        [new(Level.High, "High", "زیاد"), new(Level.Medium, "Medium", "متوسط"), new(Level.Low, "Low", "کم")],
        [new(Level.High, "High", "زیاد"), new(Level.Medium, "Medium", "متوسط"), new(Level.Low, "Low", "کم")],
        [
            [Priority.Critical, Priority.High, Priority.Medium],
            [Priority.High, Priority.Medium, Priority.Medium],
            [Priority.Medium, Priority.Medium, Priority.Low],
        ]);

    /// <summary>
    /// The priority of a case with this urgency and impact. A level that is not on an axis (the matrix was resized
    /// after the case was opened) counts as the nearest level on it, the more severe one on a tie.
    /// </summary>
    public Priority PriorityOf(Level urgency, Level impact) => Cells[IndexOf(Urgency, urgency)][IndexOf(Impact, impact)];

    public bool HasUrgency(Level level) => Urgency.Any(l => l.Level == level);

    public bool HasImpact(Level level) => Impact.Any(l => l.Level == level);

    /// <summary>The level a new case gets when none is given: the middle of the axis (the more severe of two middles).</summary>
    public static Level MiddleOf(IReadOnlyList<MatrixLevel> axis) => axis[(axis.Count - 1) / 2].Level;

    public static string LabelOf(IReadOnlyList<MatrixLevel> axis, Level level, bool persian)
    {
        var found = axis.FirstOrDefault(l => l.Level == level) ?? axis[IndexOf(axis, level)];
        return persian ? found.Fa : found.En;
    }

    private static int IndexOf(IReadOnlyList<MatrixLevel> axis, Level level)
    {
        var best = 0;
        for (var i = 1; i < axis.Count; i++)
        {
            if (Math.Abs(axis[i].Level - level) < Math.Abs(axis[best].Level - level))
            {
                best = i;
            }
        }

        return best;
    }

    public static string Key(Level level) => char.ToLowerInvariant(level.ToString()[0]) + level.ToString()[1..];

    public static string Key(Priority priority) => char.ToLowerInvariant(priority.ToString()[0]) + priority.ToString()[1..];

    /// <summary>
    /// Checks a matrix as the API sends it and builds it; each problem is named by its path
    /// (<c>urgency[2].level</c>, <c>cells[1][0]</c>) and the result is then null.
    /// </summary>
    public static PriorityMatrix? Parse(PriorityMatrixBody? body, FieldErrors errors)
    {
        if (body is null)
        {
            errors.Add("body", "The body must be a matrix with 'urgency', 'impact' and 'cells'.");
            return null;
        }

        var urgency = ParseAxis(body.Urgency, "urgency", errors);
        var impact = ParseAxis(body.Impact, "impact", errors);
        var cells = new List<IReadOnlyList<Priority>>();
        if (body.Cells is null)
        {
            errors.Add("cells", "'cells' is required: one row per urgency level, one priority per impact level.");
        }
        else if (urgency is not null && impact is not null)
        {
            if (body.Cells.Count != urgency.Count)
            {
                errors.Add("cells", $"'cells' must have {urgency.Count} rows (one per urgency level), not {body.Cells.Count}.");
            }

            for (var r = 0; r < body.Cells.Count && r < urgency.Count; r++)
            {
                var row = body.Cells[r];
                if (row is null || row.Count != impact.Count)
                {
                    errors.Add($"cells[{r}]", $"Row {r} must have {impact.Count} priorities (one per impact level), not {row?.Count ?? 0}.");
                    continue;
                }

                var parsed = new List<Priority>();
                for (var c = 0; c < row.Count; c++)
                {
                    if (CaseRules.TryParse<Priority>(row[c], out var p))
                    {
                        parsed.Add(p);
                    }
                    else
                    {
                        errors.Add($"cells[{r}][{c}]", $"'{row[c]}' is not a priority; use one of: {CaseRules.Allowed<Priority>()}.");
                    }
                }

                cells.Add(parsed);
            }
        }

        return errors.Any ? null : new PriorityMatrix(urgency!, impact!, cells);
    }

    private static List<MatrixLevel>? ParseAxis(List<MatrixLevelBody?>? levels, string axis, FieldErrors errors)
    {
        if (levels is null || levels.Count is < MinLevels or > MaxLevels)
        {
            errors.Add(axis, $"'{axis}' must have {MinLevels}–{MaxLevels} levels, most severe first (it has {levels?.Count ?? 0}).");
            return null;
        }

        var result = new List<MatrixLevel>();
        var ok = true;
        for (var i = 0; i < levels.Count; i++)
        {
            var path = $"{axis}[{i}]";
            var item = levels[i];
            if (item is null)
            {
                errors.Add(path, "A level is required here.");
                ok = false;
                continue;
            }

            if (!CaseRules.TryParse<Level>(item.Level, out var level))
            {
                errors.Add($"{path}.level", $"'{item.Level}' is not a level; use one of: {CaseRules.Allowed<Level>()}.");
                ok = false;
            }
            else if (result.Count > 0 && level <= result[^1].Level)
            {
                errors.Add($"{path}.level", $"'{item.Level}' must come after '{Key(result[^1].Level)}': list each level once, most severe first.");
                ok = false;
            }

            foreach (var (lang, text) in new[] { ("en", item.En), ("fa", item.Fa) })
            {
                if (string.IsNullOrWhiteSpace(text))
                {
                    errors.Add($"{path}.{lang}", $"The {(lang == "en" ? "English" : "Persian")} label is required.");
                    ok = false;
                }
                else if (text.Trim().Length > LabelMaxLength)
                {
                    errors.Add($"{path}.{lang}", $"Labels are at most {LabelMaxLength} characters.");
                    ok = false;
                }
            }

            result.Add(new MatrixLevel(level, item.En?.Trim() ?? "", item.Fa?.Trim() ?? ""));
        }

        return ok ? result : null;
    }

    public PriorityMatrixBody ToBody() => new(
        Urgency.Select(l => new MatrixLevelBody(Key(l.Level), l.En, l.Fa)).ToList<MatrixLevelBody?>(),
        Impact.Select(l => new MatrixLevelBody(Key(l.Level), l.En, l.Fa)).ToList<MatrixLevelBody?>(),
        Cells.Select(r => r.Select(Key).ToList()).ToList());
}

/// <summary>A level as the API and the stored JSON carry it: <c>{"level": "high", "en": "High", "fa": "زیاد"}</c>.</summary>
public sealed record MatrixLevelBody(string? Level, string? En, string? Fa);

/// <summary>The matrix as the API and the stored JSON carry it; levels and priorities are names, so a wrong one can be named.</summary>
public sealed record PriorityMatrixBody(List<MatrixLevelBody?>? Urgency, List<MatrixLevelBody?>? Impact, List<List<string>>? Cells, int? Version = null);

/// <summary>
/// Whether a case's priority is the matrix's or someone's override, and what it becomes after an edit: an override
/// holds until urgency or impact change, and is then replaced by the matrix's answer.
/// </summary>
public static class CasePriority
{
    /// <summary>Supervisors, admins and API keys (integrations) may override; agents get the matrix's priority.</summary>
    public static bool MayOverride(Identity.Actor actor) => actor.ApiKeyId is not null || actor.Role >= Identity.UserRole.Supervisor;

    public static (Priority Priority, bool Overridden) OnCreate(PriorityMatrix matrix, Level urgency, Level impact, Priority? requested)
    {
        var computed = matrix.PriorityOf(urgency, impact);
        return requested is { } p && p != computed ? (p, true) : (computed, false);
    }

    /// <summary>
    /// <paramref name="levelsChanged"/>: urgency or impact now differ from before. A priority sent in the same edit
    /// wins (and is an override when it differs from the matrix).
    /// </summary>
    public static (Priority Priority, bool Overridden) OnUpdate(
        PriorityMatrix matrix, Level urgency, Level impact, Priority current, bool currentlyOverridden, bool levelsChanged, Priority? requested)
    {
        var computed = matrix.PriorityOf(urgency, impact);
        if (requested is { } p)
        {
            return (p, p != computed);
        }

        return levelsChanged ? (computed, false) : (current, currentlyOverridden);
    }
}
