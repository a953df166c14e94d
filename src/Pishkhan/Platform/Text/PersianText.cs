using System.Globalization;
using System.Text;

namespace Pishkhan.Platform.Text;

/// <summary>
/// Persian-aware text normalisation for matching: Arabic ي/ك become Persian ی/ک, diacritics and tatweel go,
/// ZWNJ becomes a space, Persian and Arabic-Indic digits become Latin, and case is folded.
/// </summary>
public static class PersianText
{
    public static string NormalizeForSearch(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var builder = new StringBuilder(text.Length);
        var lastWasSpace = true;
        foreach (var raw in text)
        {
            var c = raw switch
            {
                'ي' or 'ى' => 'ی',
                'ك' => 'ک',
                'ة' => 'ه',
                'أ' or 'إ' or 'ٱ' => 'ا',
                'ؤ' => 'و',
                '\u200C' or '\u200D' or '\u00A0' => ' ',
                >= '۰' and <= '۹' => (char)('0' + (raw - '۰')),
                >= '٠' and <= '٩' => (char)('0' + (raw - '٠')),
                _ => raw,
            };
            if (c is '\u0640' || (c >= '\u064B' && c <= '\u065F') || c == '\u0670')
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                if (!lastWasSpace)
                {
                    builder.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            builder.Append(char.ToLowerInvariant(c));
            lastWasSpace = false;
        }

        return builder.ToString().TrimEnd();
    }

    /// <summary>
    /// The character-level rules of <see cref="NormalizeForSearch"/> for a search index, as (from, to) pairs: Arabic
    /// letters to Persian, Persian and Arabic-Indic digits to Latin, diacritics and tatweel to nothing. Unlike
    /// <see cref="NormalizeForSearch"/>, ZWNJ and ZWJ join («می‌شود» → «میشود») because an index compares whole words;
    /// <see cref="JoinsNextWord"/> and <see cref="JoinsPreviousWord"/> cover the spelling with a space («می شود»).
    /// </summary>
    public static IEnumerable<(string From, string To)> IndexFolding()
    {
        yield return ("ي", "ی");
        yield return ("ى", "ی");
        yield return ("ك", "ک");
        yield return ("ة", "ه");
        yield return ("أ", "ا");
        yield return ("إ", "ا");
        yield return ("ٱ", "ا");
        yield return ("ؤ", "و");
        yield return ("\u200C", "");
        yield return ("\u200D", "");
        yield return ("\u00A0", " ");
        yield return ("\u0640", "");
        yield return ("\u0670", "");
        for (var c = '\u064B'; c <= '\u065F'; c++)
        {
            yield return (c.ToString(), "");
        }

        for (var d = 0; d < 10; d++)
        {
            var latin = ((char)('0' + d)).ToString();
            yield return (((char)('۰' + d)).ToString(), latin);
            yield return (((char)('٠' + d)).ToString(), latin);
        }
    }

    /// <summary>Verb prefixes written apart or with ZWNJ («می شود», «می‌شود»); an index joins them to the next word.</summary>
    public static bool JoinsNextWord(ReadOnlySpan<char> word) => word is "می" or "نمی";

    /// <summary>Plural and comparative suffixes written apart or with ZWNJ («فایل ها»); an index joins them to the previous word.</summary>
    public static bool JoinsPreviousWord(ReadOnlySpan<char> word) => word is "ها" or "های" or "هایی" or "تر" or "ترین" or "هایم" or "هایش";

    /// <summary>
    /// A light Persian stem for an already folded word: the plural suffixes «ها», «های», «هایی» go when at least two
    /// letters remain, so «فایلها» and «فایل» match. Arabic broken plurals are left alone.
    /// </summary>
    public static ReadOnlySpan<char> LightStem(ReadOnlySpan<char> word)
    {
        foreach (var suffix in (ReadOnlySpan<string>)["هایی", "های", "ها"])
        {
            if (word.Length >= suffix.Length + 2 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                return word[..^suffix.Length];
            }
        }

        return word;
    }

    /// <summary>Replaces Persian and Arabic-Indic digits with Latin ones, leaving everything else.</summary>
    public static string ToLatinDigits(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = chars[i] switch
            {
                >= '۰' and <= '۹' => (char)('0' + (chars[i] - '۰')),
                >= '٠' and <= '٩' => (char)('0' + (chars[i] - '٠')),
                _ => chars[i],
            };
        }

        return new string(chars);
    }

    /// <summary>Replaces Latin digits with Persian ones, for text a Persian reader sees.</summary>
    public static string ToPersianDigits(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is >= '0' and <= '9')
            {
                chars[i] = (char)('۰' + (chars[i] - '0'));
            }
        }

        return new string(chars);
    }

    public static string ToPersianDigits(long number) => ToPersianDigits(number.ToString(CultureInfo.InvariantCulture));
}
