using Pishkhan.Localization;

namespace Pishkhan.Components.Portal;

/// <summary>Portal errors travel as text keys (in a redirect's query or an outcome); these turn them into the reader's words.</summary>
public static class PortalText
{
    /// <summary>The text of an error key; anything that is not one of ours reads as the general error, never as raw input.</summary>
    public static string Error(Texts texts, string key) => key.StartsWith("portal.error.", StringComparison.Ordinal) && Texts.Has(key) ? texts[key] : texts["portal.error.general"];

    /// <summary>"field:key,field:key" from a redirect's query.</summary>
    public static Dictionary<string, string> ParseErrors(string? errors) =>
        (errors ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split(':', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0])
            .ToDictionary(g => g.Key, g => g.First()[1]);
}
