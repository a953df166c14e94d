using PhoneNumbers;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Contacts;

/// <summary>
/// Phone numbers are stored in E.164. Iranian forms — 0912…, +98912…, 0098912…, 912… — and Persian or
/// Arabic-Indic digits all normalise to the same +98912….
/// </summary>
public static class PhoneFormat
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public const string DefaultRegion = "IR";

    public static string? ToE164(string? raw, string defaultRegion = DefaultRegion)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var text = PersianText.ToLatinDigits(raw).Trim();
        if (text.StartsWith("00", StringComparison.Ordinal))
        {
            text = "+" + text[2..];
        }

        try
        {
            var number = Util.Parse(text, defaultRegion);
            return Util.IsValidNumber(number) ? Util.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
