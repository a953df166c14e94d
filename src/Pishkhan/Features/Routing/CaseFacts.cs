using Pishkhan.Features.Cases;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Routing;

/// <summary>
/// What routing may look at on a case, read once per decision. Text is kept Persian-normalised
/// (<see cref="PersianText.NormalizeForSearch"/>) so keyword rules match however the customer typed it.
/// </summary>
public sealed record CaseFacts(
    Priority Priority,
    CaseChannel Channel,
    Guid? CategoryId,
    string? Product,
    Guid? TeamId,
    IReadOnlyCollection<string> Tags,
    string NormalizedText,
    string? SenderDomain,
    string Language,
    string? AccountTier)
{
    /// <summary>Builds the facts of a case; the sender's domain comes from the contact's email when there is one.</summary>
    public static CaseFacts Of(Case c, string? senderEmail, string? accountTier) => new(
        c.Priority,
        c.Channel,
        c.CategoryId,
        c.Product,
        c.TeamId,
        c.Tags,
        PersianText.NormalizeForSearch($"{c.Subject} {c.Description}"),
        DomainOf(senderEmail),
        LanguageDetector.Detect($"{c.Subject} {c.Description}"),
        accountTier);

    public static string? DomainOf(string? email) =>
        email is not null && email.LastIndexOf('@') is var at and > 0 && at < email.Length - 1
            ? email[(at + 1)..].Trim().ToLowerInvariant()
            : null;
}

/// <summary>Tells Persian from English text by counting letters of each script; digits and punctuation do not vote.</summary>
public static class LanguageDetector
{
    public const string Persian = "fa";
    public const string English = "en";

    public static string Detect(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return English;
        }

        int persian = 0, latin = 0;
        foreach (var c in text)
        {
            if (c is >= '\u0600' and <= '\u06FF' or >= '\uFB50' and <= '\uFDFF' or >= '\uFE70' and <= '\uFEFF')
            {
                if (char.IsLetter(c))
                {
                    persian++;
                }
            }
            else if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z')
            {
                latin++;
            }
        }

        return persian > latin ? Persian : English;
    }
}
