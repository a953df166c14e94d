using System.Text.RegularExpressions;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Routing;

/// <summary>
/// One test on a case, as stored and as the API takes it: <c>{"field": "keyword", "operator": "contains",
/// "values": ["فاکتور", "invoice"]}</c>. A rule matches when all of its conditions do; a condition with several
/// values matches when any value does (for <c>notIn</c>: when none does).
/// </summary>
/// <remarks>
/// Fields and their operators:
/// <list type="bullet">
/// <item><c>priority</c>, <c>channel</c>, <c>language</c> (fa/en, detected from the text), <c>accountTier</c>,
/// <c>senderDomain</c>, <c>product</c>: <c>in</c>, <c>notIn</c> (case-insensitive).</item>
/// <item><c>category</c>, <c>team</c>: <c>in</c>, <c>notIn</c> with ids that must exist.</item>
/// <item><c>tag</c>: <c>in</c> (has any of the tags), <c>notIn</c> (has none).</item>
/// <item><c>keyword</c> (subject and description, Persian-normalised on both sides): <c>contains</c>,
/// <c>notContains</c>, <c>matches</c> (a .NET regular expression, case-insensitive, 50 ms time-out).</item>
/// </list>
/// </remarks>
public sealed record RoutingCondition(string Field, string Operator, IReadOnlyList<string> Values);

/// <summary>Ids a condition may refer to; a reference to anything else is an error naming it.</summary>
public sealed record KnownReferences(IReadOnlySet<Guid> Categories, IReadOnlySet<Guid> Teams);

/// <summary>Validates conditions and turns them into one predicate, so evaluating a rule never parses anything.</summary>
public static class RoutingConditions
{
    public static readonly IReadOnlyList<string> Fields =
        ["priority", "channel", "category", "product", "team", "tag", "keyword", "senderDomain", "language", "accountTier"];

    private static readonly TimeSpan RegexBudget = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// A condition's values as a form field holds them: comma-separated (Latin or Persian comma); a <c>matches</c>
    /// pattern is taken whole, since commas belong to regular expressions.
    /// </summary>
    public static List<string> SplitValues(string? text, string @operator) =>
        string.IsNullOrWhiteSpace(text) ? []
        : @operator == "matches" ? [text.Trim()]
        : [.. text.Split([',', '،'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>
    /// Compiles <paramref name="conditions"/>; every problem is added to <paramref name="errors"/> under
    /// <c>{path}[i].field</c>, <c>.operator</c> or <c>.values</c>, and the result is then null.
    /// </summary>
    public static Func<CaseFacts, bool>? Compile(
        IReadOnlyList<RoutingCondition>? conditions, string path, KnownReferences known, FieldErrors errors)
    {
        if (conditions is null || conditions.Count == 0)
        {
            return static _ => true;
        }

        var tests = new List<Func<CaseFacts, bool>>(conditions.Count);
        var ok = true;
        for (var i = 0; i < conditions.Count; i++)
        {
            var test = CompileOne(conditions[i], $"{path}[{i}]", known, errors);
            if (test is null)
            {
                ok = false;
            }
            else
            {
                tests.Add(test);
            }
        }

        if (!ok)
        {
            return null;
        }

        var all = tests.ToArray();
        return facts =>
        {
            foreach (var test in all)
            {
                if (!test(facts))
                {
                    return false;
                }
            }

            return true;
        };
    }

    private static Func<CaseFacts, bool>? CompileOne(RoutingCondition? condition, string path, KnownReferences known, FieldErrors errors)
    {
        if (condition is null)
        {
            errors.Add(path, "A condition is required here.");
            return null;
        }

        var values = condition.Values?.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).ToArray() ?? [];
        if (values.Length == 0)
        {
            errors.Add($"{path}.values", "At least one value is required.");
            return null;
        }

        var op = condition.Operator?.Trim() ?? "";
        switch (condition.Field?.Trim())
        {
            case "priority":
                return InOrNotIn(path, op, errors, ParseEnums<Priority>(values, $"{path}.values", errors), f => f.Priority);
            case "channel":
                return InOrNotIn(path, op, errors, ParseEnums<CaseChannel>(values, $"{path}.values", errors), f => f.Channel);
            case "language":
                var bad = values.Where(v => v is not (LanguageDetector.Persian or LanguageDetector.English)).ToList();
                if (bad.Count > 0)
                {
                    errors.Add($"{path}.values", $"Unknown language {string.Join(", ", bad.Select(b => $"'{b}'"))}; use fa or en.");
                    return null;
                }

                return InOrNotIn(path, op, errors, values, f => f.Language);
            case "accountTier":
                return InOrNotInText(path, op, errors, values, f => f.AccountTier);
            case "senderDomain":
                return InOrNotInText(path, op, errors, values.Select(v => v.TrimStart('@')).ToArray(), f => f.SenderDomain);
            case "product":
                return InOrNotInText(path, op, errors, values, f => f.Product);
            case "category":
                return InOrNotIn(path, op, errors, ParseIds(values, known.Categories, "category", $"{path}.values", errors), f => f.CategoryId);
            case "team":
                return InOrNotIn(path, op, errors, ParseIds(values, known.Teams, "team", $"{path}.values", errors), f => f.TeamId);
            case "tag":
                var tags = new HashSet<string>(values, StringComparer.OrdinalIgnoreCase);
                return op switch
                {
                    "in" => f => f.Tags.Any(tags.Contains),
                    "notIn" => f => !f.Tags.Any(tags.Contains),
                    _ => UnknownOperator(path, op, "in, notIn", errors),
                };
            case "keyword":
                return Keyword(path, op, values, errors);
            default:
                errors.Add($"{path}.field", $"Unknown field '{condition.Field}'; use one of: {string.Join(", ", Fields)}.");
                return null;
        }
    }

    private static Func<CaseFacts, bool>? Keyword(string path, string op, string[] values, FieldErrors errors)
    {
        var words = values.Select(PersianText.NormalizeForSearch).Where(w => w.Length > 0).ToArray();
        switch (op)
        {
            case "contains":
                return f => words.Any(w => f.NormalizedText.Contains(w, StringComparison.Ordinal));
            case "notContains":
                return f => !words.Any(w => f.NormalizedText.Contains(w, StringComparison.Ordinal));
            case "matches":
                var patterns = new List<Regex>();
                for (var i = 0; i < values.Length; i++)
                {
                    try
                    {
                        patterns.Add(new Regex(PersianText.NormalizeForSearch(values[i]),
                            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexBudget));
                    }
                    catch (ArgumentException e)
                    {
                        errors.Add($"{path}.values[{i}]", $"Not a valid pattern: {e.Message}");
                    }
                }

                if (patterns.Count < values.Length)
                {
                    return null;
                }

                return f => patterns.Any(p => SafeIsMatch(p, f.NormalizedText));
            default:
                return UnknownOperator(path, op, "contains, notContains, matches", errors);
        }
    }

    /// <summary>A pattern that runs past its time budget counts as no match rather than stalling routing.</summary>
    private static bool SafeIsMatch(Regex pattern, string text)
    {
        try
        {
            return pattern.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static Func<CaseFacts, bool>? InOrNotIn<T>(string path, string op, FieldErrors errors, IReadOnlyCollection<T>? set, Func<CaseFacts, T> value)
    {
        if (set is null)
        {
            return null;
        }

        var lookup = set.ToHashSet();
        return op switch
        {
            "in" => f => lookup.Contains(value(f)),
            "notIn" => f => !lookup.Contains(value(f)),
            _ => UnknownOperator(path, op, "in, notIn", errors),
        };
    }

    private static Func<CaseFacts, bool>? InOrNotInText(string path, string op, FieldErrors errors, string[] values, Func<CaseFacts, string?> value)
    {
        var lookup = new HashSet<string>(values, StringComparer.OrdinalIgnoreCase);
        return op switch
        {
            "in" => f => value(f) is { } v && lookup.Contains(v),
            "notIn" => f => value(f) is not { } v || !lookup.Contains(v),
            _ => UnknownOperator(path, op, "in, notIn", errors),
        };
    }

    private static Func<CaseFacts, bool>? UnknownOperator(string path, string op, string allowed, FieldErrors errors)
    {
        errors.Add($"{path}.operator", $"Unknown operator '{op}' for this field; use one of: {allowed}.");
        return null;
    }

    private static TEnum[]? ParseEnums<TEnum>(string[] values, string path, FieldErrors errors)
        where TEnum : struct, Enum
    {
        var parsed = new List<TEnum>();
        foreach (var v in values)
        {
            if (CaseRules.TryParse<TEnum>(v, out var e))
            {
                parsed.Add(e);
            }
            else
            {
                errors.Add(path, $"'{v}' is not a valid {typeof(TEnum).Name.ToLowerInvariant()}; use one of: {CaseRules.Allowed<TEnum>()}.");
            }
        }

        return parsed.Count == values.Length ? parsed.ToArray() : null;
    }

    private static Guid?[]? ParseIds(string[] values, IReadOnlySet<Guid> known, string what, string path, FieldErrors errors)
    {
        var ids = new List<Guid?>();
        foreach (var v in values)
        {
            if (Guid.TryParse(v, out var id) && known.Contains(id))
            {
                ids.Add(id);
            }
            else
            {
                errors.Add(path, $"No {what} has the id '{v}'.");
            }
        }

        return ids.Count == values.Length ? ids.ToArray() : null;
    }
}
