namespace Pishkhan.Browser.Tests;

/// <summary>A theory that needs the system Chromium and the real mail servers: skipped, with the reason, where either is missing.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class BrowserMailTheoryAttribute : TheoryAttribute
{
    public BrowserMailTheoryAttribute()
    {
        if (!File.Exists(BrowserApp.ChromiumPath))
        {
            Skip = $"Chromium is not installed at {BrowserApp.ChromiumPath} (apt-get install -y chromium).";
        }
        else if (Pishkhan.Tests.Email.MailServers.Missing() is { } missing)
        {
            Skip = missing;
        }
    }
}
