using Pishkhan.Localization;

namespace Pishkhan.Components.Portal;

/// <summary>Portal errors travel as text keys (in a redirect's query or an outcome); these turn them into the reader's words.</summary>
public static class PortalText
{
    /// <summary>The text of an error key; anything that is not one of ours reads as the general error, never as raw input.</summary>
    public static string Error(Texts texts, string key) => IsErrorKey(key) && Texts.Has(key) ? texts[key] : texts["portal.error.general"];

    /// <summary>
    /// Whether an error is one of our text keys (the portal's, the web form's or a file upload's) rather than words written
    /// elsewhere, such as a validation rule's message.
    /// </summary>
    public static bool IsErrorKey(string error) =>
        error.StartsWith("portal.error.", StringComparison.Ordinal) || error.StartsWith("upload.error.", StringComparison.Ordinal)
        || error.StartsWith("webform.error.", StringComparison.Ordinal);

    /// <summary>
    /// What a customer can expect, in one sentence: "We usually answer within 4 business hours; we are open …; we aim to
    /// answer this one by …." Empty when the SLA gives nothing to say.
    /// </summary>
    public static string Expectation(Texts texts, Features.Portal.PortalExpectation e, bool fa)
    {
        var parts = new List<string>();
        if (e.TargetSeconds is { } seconds)
        {
            parts.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, texts["portal.expect.within"], Features.Portal.OpeningHours.Duration(seconds, fa)));
        }

        if ((fa ? e.OpeningHoursFa : e.OpeningHours) is { } hours)
        {
            parts.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, texts["portal.expect.open"], hours));
        }

        if (e.AnswerBy is { } by)
        {
            parts.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, texts["portal.expect.by"], DisplayFormat.DateTime(by, fa)));
        }

        return parts.Count == 0 ? "" : string.Join(fa ? "؛ " : "; ", parts) + ".";
    }

    /// <summary>"field:key,field:key" from a redirect's query.</summary>
    public static Dictionary<string, string> ParseErrors(string? errors) =>
        (errors ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split(':', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0])
            .ToDictionary(g => g.Key, g => g.First()[1]);
}
