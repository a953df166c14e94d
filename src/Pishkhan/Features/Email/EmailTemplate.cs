using System.Text.RegularExpressions;

namespace Pishkhan.Features.Email;

/// <summary>
/// A subject and a plain-text body with <c>{placeholders}</c>, for emails other features send through
/// <see cref="EmailOutbox.SendTemplateAsync"/> (e.g. notifications). Unknown placeholders are left as written.
/// </summary>
public sealed partial record EmailTemplate(string Subject, string Body)
{
    public static string Fill(string text, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(text, m => values.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

    [GeneratedRegex(@"\{([A-Za-z0-9_.-]+)\}")]
    private static partial Regex Placeholder();
}
