using System.Globalization;

namespace Pishkhan.Localization;

public static class UiCulture
{
    public const string Persian = "fa";
    public const string English = "en";

    public static bool IsPersian => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == Persian;
}
