namespace Pishkhan.Browser.Tests;

/// <summary>
/// A browser fact that only runs when <c>PISHKHAN_SCREENSHOTS=1</c> (it rewrites docs/screenshots); otherwise, or where
/// Chromium is missing, it reports as skipped.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ScreenshotFactAttribute : FactAttribute
{
    public const string Variable = "PISHKHAN_SCREENSHOTS";

    public ScreenshotFactAttribute()
    {
        if (!File.Exists(BrowserApp.ChromiumPath))
        {
            Skip = $"Chromium is not installed at {BrowserApp.ChromiumPath} (apt-get install -y chromium).";
        }
        else if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"Set {Variable}=1 to refresh docs/screenshots.";
        }
    }
}
