using System.Globalization;
using System.Text.Json;
using NodaTime;
using Pishkhan.Calendar;

namespace Pishkhan.Features.Automation;

/// <summary>What a condition is evaluated against: the record, the change that triggered the run, now, and the calendars it names.</summary>
public sealed record ConditionContext(
    RecordSnapshot Record,
    IReadOnlyDictionary<string, FieldChange> Changes,
    Instant Now,
    IReadOnlyDictionary<string, BusinessCalendar> Calendars);

/// <summary>Comparison operators of a condition.</summary>
public static class Ops
{
    public const string EqualsOp = "equals";
    public const string NotEquals = "notEquals";
    public const string In = "in";
    public const string Contains = "contains";
    public const string StartsWith = "startsWith";
    public const string GreaterThan = "greaterThan";
    public const string LessThan = "lessThan";
    public const string IsEmpty = "isEmpty";
    public const string IsNotEmpty = "isNotEmpty";
    public const string Changed = "changed";
    public const string ChangedTo = "changedTo";
    public const string ChangedFrom = "changedFrom";

    public static readonly IReadOnlyList<string> All = [EqualsOp, NotEquals, In, Contains, StartsWith, GreaterThan, LessThan, IsEmpty, IsNotEmpty, Changed, ChangedTo, ChangedFrom];

    /// <summary>Operators that need no <c>value</c>.</summary>
    public static bool IsUnary(string op) => op is IsEmpty or IsNotEmpty or Changed;
}

/// <summary>
/// Evaluates a condition tree. Pure: the record, the change, the clock and the calendars are all in the context.
/// Text compares case-insensitively; a missing value is empty and never equals, contains or orders against anything.
/// </summary>
public static class ConditionEvaluator
{
    /// <summary>The key under which the default calendar is passed in <see cref="ConditionContext.Calendars"/>.</summary>
    public const string DefaultCalendar = "default";

    public static bool Evaluate(ConditionNode? node, ConditionContext context)
    {
        if (node is null)
        {
            return true;
        }

        if (node.All is { } all)
        {
            foreach (var child in all)
            {
                if (!Evaluate(child, context))
                {
                    return false;
                }
            }

            return true;
        }

        if (node.Any is { } any)
        {
            foreach (var child in any)
            {
                if (Evaluate(child, context))
                {
                    return true;
                }
            }

            return false;
        }

        if (node.Not is { } not)
        {
            return !Evaluate(not, context);
        }

        if (node.Calendar is { } calendarKey)
        {
            var calendar = context.Calendars.TryGetValue(calendarKey, out var found) ? found : throw new InvalidOperationException($"Calendar '{calendarKey}' was not resolved.");
            var open = calendar.IsOpen(context.Now);
            return string.Equals(node.Is, "open", StringComparison.OrdinalIgnoreCase) ? open : !open;
        }

        return Compare(node.Field!, node.Op!, node.Constant, context);
    }

    /// <summary>One comparison, against the node's precompiled constant (see <see cref="ConditionConstant"/>).</summary>
    private static bool Compare(string field, string op, ConditionConstant value, ConditionContext context)
    {
        switch (op)
        {
            case Ops.Changed:
                return context.Changes.ContainsKey(field);
            case Ops.ChangedTo:
                return context.Changes.TryGetValue(field, out var to) && TextEquals(to.To, value);
            case Ops.ChangedFrom:
                return context.Changes.TryGetValue(field, out var from) && TextEquals(from.From, value);
        }

        var actual = context.Record.Get(field);
        switch (op)
        {
            case Ops.IsEmpty:
                return IsEmptyValue(actual);
            case Ops.IsNotEmpty:
                return !IsEmptyValue(actual);
            case Ops.EqualsOp:
                return Matches(actual, value);
            case Ops.NotEquals:
                return !Matches(actual, value);
            case Ops.In:
                if (value.Items is not { } items)
                {
                    return false;
                }

                foreach (var item in items)
                {
                    if (Matches(actual, item))
                    {
                        return true;
                    }
                }

                return false;
            case Ops.Contains:
                switch (actual)
                {
                    case IReadOnlyList<string> list:
                        foreach (var i in list)
                        {
                            if (TextEquals(i, value))
                            {
                                return true;
                            }
                        }

                        return false;
                    case string s when value.Text is { } needle:
                        return s.Contains(needle, StringComparison.OrdinalIgnoreCase);
                    default:
                        return false;
                }

            case Ops.StartsWith:
                return actual is string text && value.Text is { } prefix && text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
            case Ops.GreaterThan:
                return Order(actual, value, context.Now) is > 0;
            case Ops.LessThan:
                return Order(actual, value, context.Now) is < 0;
            default:
                throw new InvalidOperationException($"Unknown operator '{op}'.");
        }
    }

    private static bool IsEmptyValue(object? value) => value switch
    {
        null => true,
        string s => string.IsNullOrWhiteSpace(s),
        IReadOnlyList<string> list => list.Count == 0,
        _ => false,
    };

    private static bool Matches(object? actual, ConditionConstant expected) => actual switch
    {
        null => expected.IsNull,
        IReadOnlyList<string> items => expected.SortedItemTexts is { } sorted
            && items.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(sorted, StringComparer.OrdinalIgnoreCase),
        decimal number => expected.Number is { } n && n == number,
        DateTime date => expected.Date is { } d && d == date,
        string text => TextEquals(text, expected),
        _ => TextEquals(Format(actual), expected),
    };

    /// <summary>Orders a number or a date against the value; dates also take <c>"now"</c> and <c>"now-3d"</c> / <c>"now+2h"</c>.</summary>
    private static int? Order(object? actual, ConditionConstant expected, Instant now) => actual switch
    {
        decimal number when expected.Number is { } n => number.CompareTo(n),
        DateTime date when expected.FromNow is { } offset => date.CompareTo(now.ToDateTimeUtc() + offset),
        DateTime date when expected.Date is { } other => date.CompareTo(other),
        _ => null,
    };

    internal static DateTime? ParseDate(JsonElement? value, Instant? now = null)
    {
        if (value is not { ValueKind: JsonValueKind.String } element)
        {
            return null;
        }

        var text = element.GetString()!;
        if (now is { } n && text.StartsWith("now", StringComparison.OrdinalIgnoreCase))
        {
            var at = n.ToDateTimeUtc();
            return text.Length == 3 ? at : RelativeOffset(text[3..]) is { } offset ? at + offset : null;
        }

        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
    }

    /// <summary><c>+2h</c>, <c>-3d</c>, <c>+30m</c>.</summary>
    internal static TimeSpan? RelativeOffset(string text)
    {
        if (text.Length < 3 || (text[0] != '+' && text[0] != '-') || !int.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }

        var sign = text[0] == '-' ? -1 : 1;
        return char.ToLowerInvariant(text[^1]) switch
        {
            'm' => TimeSpan.FromMinutes(sign * amount),
            'h' => TimeSpan.FromHours(sign * amount),
            'd' => TimeSpan.FromDays(sign * amount),
            _ => null,
        };
    }

    private static bool TextEquals(string? actual, ConditionConstant expected) =>
        actual is null ? expected.IsNull : string.Equals(actual, expected.Text, StringComparison.OrdinalIgnoreCase);

    internal static string? Text(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { } other => other.GetRawText(),
    };

    internal static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        Guid g => g.ToString(),
        Enum e => RecordSchema.Name(e),
        IEnumerable<string> list => string.Join(",", list),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// A condition's <c>value</c>, read once: as text (what text comparisons use), a number, an absolute date, an offset
/// from now (<c>now</c>, <c>now-3d</c>), and for an array its items. Immutable; built by <see cref="ConditionNode.Constant"/>.
/// </summary>
internal sealed class ConditionConstant
{
    public bool IsNull { get; private init; }
    public string? Text { get; private init; }
    public decimal? Number { get; private init; }
    public DateTime? Date { get; private init; }
    public TimeSpan? FromNow { get; private init; }
    public IReadOnlyList<ConditionConstant>? Items { get; private init; }
    public IReadOnlyList<string>? SortedItemTexts { get; private init; }

    public static ConditionConstant Of(JsonElement? value)
    {
        if (value is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return new ConditionConstant { IsNull = true };
        }

        TimeSpan? fromNow = null;
        if (element.ValueKind == JsonValueKind.String && element.GetString() is { } text && text.StartsWith("now", StringComparison.OrdinalIgnoreCase))
        {
            fromNow = text.Length == 3 ? TimeSpan.Zero : ConditionEvaluator.RelativeOffset(text[3..]);
        }

        var items = element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().Select(e => Of(e)).ToList() : null;
        return new ConditionConstant
        {
            Text = ConditionEvaluator.Text(element),
            Number = element.ValueKind == JsonValueKind.Number && element.TryGetDecimal(out var number) ? number : null,
            Date = fromNow is null ? ConditionEvaluator.ParseDate(element) : null,
            FromNow = fromNow,
            Items = items,
            SortedItemTexts = element.ValueKind == JsonValueKind.Array ? [.. element.EnumerateArray().Select(e => e.ToString()).Order(StringComparer.OrdinalIgnoreCase)] : null,
        };
    }
}
