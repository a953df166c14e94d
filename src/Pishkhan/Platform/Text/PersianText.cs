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
