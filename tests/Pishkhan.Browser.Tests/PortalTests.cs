using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pishkhan.Features.Email;
using Pishkhan.Features.Identity;
using Pishkhan.Tests.Email;

namespace Pishkhan.Browser.Tests;

/// <summary>
/// The customer portal end to end, in Persian and English, at desktop width and on a 375 px phone: sign up, confirm the
/// address from the mail the real SMTP server received, open a request with a file, read the agent's answer (given in the
/// agent UI), and rate the service once the agent resolves it.
/// </summary>
[Collection(BrowserGroup.Name)]
public sealed partial class PortalTests(BrowserApp app, MailServers mail) : IClassFixture<MailServers>
{
    private static readonly SemaphoreSlim MailboxOnce = new(1, 1);
    private static bool _mailboxReady;

    [BrowserMailTheory]
    [InlineData("fa", 1366)]
    [InlineData("en", 1366)]
    [InlineData("fa", 375)]
    [InlineData("en", 375)]
    public async Task A_customer_signs_up_opens_a_request_with_a_file_reads_the_answer_and_rates_the_service(string language, int width)
    {
        await EnsureMailboxAsync();
        var email = $"portal-{language}-{width}-{Guid.NewGuid():N}"[..32] + "@customer.test";
        var subject = $"Printer {language} {width} {Guid.NewGuid():N}"[..30];
        var customer = await app.NewPageAsync(width, width < 600 ? 740 : 900);

        // Sign up in the chosen language.
        await customer.GotoAsync($"/portal/language/{language}?returnUrl=%2Fportal%2Fsignup");
        await Assertions.Expect(customer.Locator(".portal")).ToHaveAttributeAsync("dir", language == "fa" ? "rtl" : "ltr");
        await customer.TestId("portal-signup-name").FillAsync(language == "fa" ? "سارا احمدی" : "Sara Ahmadi");
        await customer.TestId("portal-signup-email").FillAsync(email);
        await customer.TestId("portal-signup-password").FillAsync("a-good-password");
        await customer.TestId("portal-signup-submit").ClickAsync();
        await customer.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/portal/signup" && new Uri(url).Query.Length > 0);
        Assert.True(await customer.TestId("portal-signup-sent").IsVisibleAsync(), $"{customer.Url}\n{(await customer.ContentAsync())[..Math.Min(3000, (await customer.ContentAsync()).Length)]}");
        await AssertFitsAsync(customer, width);

        // Confirm the address with the link in the mail the SMTP server received.
        var verify = await MailedLinkAsync(email, "/portal/verify");
        await customer.GotoAsync(verify);
        await Assertions.Expect(customer.TestId("portal-welcome")).ToBeVisibleAsync();

        // Open a request with a file.
        await customer.TestId("portal-new-case").ClickAsync();
        await customer.TestId("portal-category-none").ClickAsync();
        await customer.TestId("portal-new-subject").FillAsync(subject);
        await customer.TestId("portal-new-description").FillAsync(language == "fa" ? "از دیروز چاپ نمی‌کند." : "It stopped printing yesterday.");
        await customer.TestId("portal-new-files").SetInputFilesAsync(new FilePayload { Name = "error.txt", MimeType = "text/plain", Buffer = "paper jam 42"u8.ToArray() });
        await AssertFitsAsync(customer, width);
        await customer.TestId("portal-new-submit").ClickAsync();
        await Assertions.Expect(customer.TestId("portal-case-created")).ToBeVisibleAsync();
        await Assertions.Expect(customer.TestId("portal-case-subject")).ToHaveTextAsync(subject);
        await Assertions.Expect(customer.TestId("portal-attachment")).ToHaveTextAsync(new Regex("error.txt"));
        var number = Digits(await customer.TestId("portal-case-number").InnerTextAsync());
        if (language == "fa")
        {
            Assert.Matches("^[۰-۹]{4}-[۰-۹]{6}$", await customer.TestId("portal-case-number").InnerTextAsync());
        }

        // An agent answers in the agent UI.
        var agent = await app.NewPageAsync();
        await agent.SignInAsync(BrowserApp.AdminEmail, BrowserApp.Password);
        await agent.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await agent.GotoAsync($"/cases/{number}");
        await agent.InteractiveAsync("send-message");
        await agent.TestId("mode-reply").CheckAsync();
        var answer = $"Please restart it ({Guid.NewGuid():N})"[..40];
        await agent.TestId("message-body").FillAsync(answer);
        await agent.TestId("send-message").ClickAsync();
        await Assertions.Expect(agent.Locator("[data-testid='timeline-entry'][data-kind='OutboundMessage']").Filter(new() { HasText = answer })).ToHaveCountAsync(1);

        // The customer sees it.
        await customer.ReloadAsync();
        await Assertions.Expect(customer.TestId("portal-message-agent").Filter(new() { HasText = answer })).ToBeVisibleAsync();
        await AssertFitsAsync(customer, width);

        // The agent resolves; the customer rates the service 5 from the case page, and the agent sees the rating.
        await agent.ChooseAsync("status-select", "Resolved");
        await agent.TestId("save-properties").ClickAsync();
        await Assertions.Expect(agent.TestId("status-chip")).ToHaveTextAsync("Resolved");
        await customer.ReloadAsync();
        await Assertions.Expect(customer.TestId("portal-case-stage")).ToHaveTextAsync(language == "fa" ? "حل شد" : "Solved");
        await customer.TestId("portal-rate").ClickAsync();
        await customer.TestId("survey-rating-5").CheckAsync();
        await customer.TestId("survey-comment").FillAsync(language == "fa" ? "عالی بود" : "Great help");
        await customer.TestId("survey-submit").ClickAsync();
        await Assertions.Expect(customer.TestId("survey-thanks")).ToBeVisibleAsync();
        await AssertFitsAsync(customer, width);

        await agent.ReloadAsync();
        await Assertions.Expect(agent.TestId("csat-rating")).ToContainTextAsync("5");
        await agent.Context.CloseAsync();
        await customer.Context.CloseAsync();
    }

    /// <summary>Nothing wider than the screen: no sideways scrolling on a phone.</summary>
    private static async Task AssertFitsAsync(IPage page, int width)
    {
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"The page is {scrollWidth} px wide on a {width} px screen.");
    }

    private async Task<string> MailedLinkAsync(string to, string path)
    {
        for (var i = 0; i < 120; i++)
        {
            var message = mail.Received().LastOrDefault(m => m.To.Mailboxes.Any(a => a.Address == to));
            if (message?.TextBody is { } body && LinkPattern().Match(body) is { Success: true } link && link.Value.Contains(path, StringComparison.Ordinal))
            {
                return new Uri(link.Value).PathAndQuery;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"No mail with a {path} link reached {to}.");
    }

    private async Task EnsureMailboxAsync()
    {
        await MailboxOnce.WaitAsync();
        try
        {
            if (_mailboxReady)
            {
                return;
            }

            var user = await mail.CreateUserAsync();
            var saved = await app.Services.GetRequiredService<SaveMailbox>().HandleAsync(null, new MailboxRequest(
                "Support", "support@pishkhan.test", "127.0.0.1", mail.ImapPort, user, MailServers.Password, "127.0.0.1", mail.SmtpPort,
                ImapSecurity: "none", SmtpSecurity: "none", IsActive: true), Actor.System);
            Assert.IsType<Platform.Api.Outcome<MailboxDto>.Ok>(saved);
            _mailboxReady = true;
        }
        finally
        {
            MailboxOnce.Release();
        }
    }

    private static string Digits(string text) => new(text.Select(c => c is >= '۰' and <= '۹' ? (char)('0' + (c - '۰')) : c).ToArray());

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkPattern();
}
