using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Pishkhan.Browser.Tests;

/// <summary>The steps the tests are written in: sign in, wait for the Blazor circuit, pick from MudBlazor popovers.</summary>
internal static partial class Ui
{
    public static ILocator TestId(this IPage page, string id) => page.Locator($"[data-testid='{id}']");

    public static async Task SignInAsync(this IPage page, string email, string password)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("form[action='/account/login'] button[type=submit]");
    }

    /// <summary>
    /// Waits until the element was rendered by the live circuit rather than by prerendering: Blazor marks the elements
    /// a component holds a reference to with a <c>_bl_…</c> attribute, which the server-side prerender never writes.
    /// Clicking or typing before that is lost.
    /// </summary>
    public static async Task<ILocator> InteractiveAsync(this IPage page, string testId)
    {
        // Query afresh each time: the live render replaces the prerendered nodes rather than adopting them.
        try
        {
            await page.WaitForFunctionAsync(
                "sel => { const el = document.querySelector(sel); return !!el && Array.from(el.attributes).some(a => a.name.startsWith('_bl_')); }",
                $"[data-testid='{testId}']");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"'{testId}' did not become interactive.\n{Diagnostics.Report(page)}", e);
        }

        return page.TestId(testId);
    }

    /// <summary>Opens a MudSelect and clicks the option with exactly this text.</summary>
    public static async Task ChooseAsync(this IPage page, string selectTestId, string option)
    {
        await (await page.InteractiveAsync(selectTestId)).ClickAsync();
        var item = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = ExactText(option) });
        await item.ClickAsync();
        await item.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
    }

    public static Regex ExactText(string text) => new($"^\\s*{Regex.Escape(text)}\\s*$");

    /// <summary>A Jalali date and time in Persian digits as the app writes it, e.g. ۱۴۰۵/۰۹/۰۲ ۱۰:۲۰.</summary>
    [GeneratedRegex("^[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2}$")]
    public static partial Regex JalaliDateTime();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")]
    public static partial Regex IsoDateTime();
}
