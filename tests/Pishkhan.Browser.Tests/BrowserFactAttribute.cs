namespace Pishkhan.Browser.Tests;

/// <summary>
/// A fact that needs the system Chromium; where it is missing the test reports as skipped, never as passed
/// (xunit 2 has no runtime skip, so the decision is made when the attribute is read).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!File.Exists(BrowserApp.ChromiumPath))
        {
            Skip = $"Chromium is not installed at {BrowserApp.ChromiumPath} (apt-get install -y chromium).";
        }
    }
}
