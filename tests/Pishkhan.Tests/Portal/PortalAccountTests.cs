using System.Net;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Email;
using Pishkhan.Features.Portal;

namespace Pishkhan.Tests.Portal;

[Trait("Category", "Integration")]
public sealed class PortalAccountTests : IDisposable
{
    private readonly TestClock _clock = new(TimeProvider.System.GetUtcNow());
    private readonly PishkhanAppFactory _app;

    public PortalAccountTests() => _app = new PishkhanAppFactory(seedDemo: false, _clock, new Dictionary<string, string> { ["Pishkhan:Email:Background"] = "false" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Sign_up_mails_a_link_that_confirms_the_address_and_signs_in_and_a_second_sign_up_makes_no_second_account()
    {
        await PortalKit.AddMailboxAsync(_app);
        var email = $"new-{Guid.NewGuid():N}@customer.test";
        var client = _app.AnonymousClient();
        var response = await PortalKit.PostFormAsync(client, "/portal/signup", "/portal/account/signup",
            new() { ["name"] = "Sara Ahmadi", ["email"] = email.ToUpperInvariant(), ["password"] = "a-good-password" });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/portal/signup?sent=1", response.Headers.Location?.OriginalString, StringComparison.Ordinal);

        var account = await _app.WithDbAsync(db => db.Set<PortalAccount>().Include(a => a.Contact).SingleAsync(a => a.Email == email));
        Assert.Null(account.EmailConfirmedAt);
        Assert.Equal("Sara Ahmadi", account.Contact!.Name);

        // Not yet confirmed: the right password is not enough.
        var early = await PortalKit.PostFormAsync(client, "/portal/login", "/portal/account/login", new() { ["email"] = email, ["password"] = "a-good-password" });
        Assert.Contains("portal.error.notVerified", early.Headers.Location?.OriginalString, StringComparison.Ordinal);

        var link = await PortalKit.LinkMailedToAsync(_app, email);
        Assert.StartsWith("/portal/verify?token=", link, StringComparison.Ordinal);
        var verified = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, verified.StatusCode);
        Assert.Equal("/portal/cases?welcome=1", verified.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/portal/api/cases")).StatusCode);
        Assert.NotNull(await _app.WithDbAsync(db => db.Set<PortalAccount>().Where(a => a.Email == email).Select(a => a.EmailConfirmedAt).SingleAsync()));

        // Signing up again with the address: the same answer, no second account, and the owner is told by email.
        var again = await PortalKit.PostFormAsync(_app.AnonymousClient(), "/portal/signup", "/portal/account/signup",
            new() { ["name"] = "Someone else", ["email"] = email, ["password"] = "another-password" });
        Assert.StartsWith("/portal/signup?sent=1", again.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<PortalAccount>().CountAsync(a => a.Email == email)));
        var mails = await _app.WithDbAsync(db => db.Set<OutboundEmail>().Where(o => o.To == email).OrderBy(o => o.CreatedAt).Select(o => o.Subject).ToListAsync());
        Assert.Equal(2, mails.Count);
        Assert.NotEqual(mails[0], mails[1]);
    }

    [Fact]
    public async Task Bad_sign_up_input_is_refused_field_by_field_and_creates_nothing()
    {
        await PortalKit.AddMailboxAsync(_app);
        var contactsBefore = await _app.WithDbAsync(db => db.Contacts.CountAsync());
        var response = await PortalKit.PostFormAsync(_app.AnonymousClient(), "/portal/signup", "/portal/account/signup",
            new() { ["name"] = "", ["email"] = "not-an-address", ["password"] = "short" });
        var location = response.Headers.Location?.OriginalString ?? "";
        Assert.Contains(Uri.EscapeDataString("name:portal.error.nameRequired"), location, StringComparison.Ordinal);
        Assert.Contains(Uri.EscapeDataString("email:portal.error.emailInvalid"), location, StringComparison.Ordinal);
        Assert.Contains(Uri.EscapeDataString("password:portal.error.passwordTooShort"), location, StringComparison.Ordinal);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<PortalAccount>().CountAsync()));
        Assert.Equal(contactsBefore, await _app.WithDbAsync(db => db.Contacts.CountAsync()));

        // The page shows each error beside its field, in the reader's words.
        var page = await _app.AnonymousClient().GetStringAsync(location);
        Assert.Contains("signup-email-error", page, StringComparison.Ordinal);

        // A filled honeypot: the same friendly answer, nothing stored.
        var bot = await PortalKit.PostFormAsync(_app.AnonymousClient(), "/portal/signup", "/portal/account/signup",
            new() { ["name"] = "Bot", ["email"] = "bot@spam.test", ["password"] = "bot-password", ["website"] = "http://spam.test" });
        Assert.StartsWith("/portal/signup?sent=1", bot.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<PortalAccount>().CountAsync()));
    }

    [Fact]
    public async Task Without_a_mailbox_sign_up_says_mail_cannot_be_sent_and_creates_nothing()
    {
        var response = await PortalKit.PostFormAsync(_app.AnonymousClient(), "/portal/signup", "/portal/account/signup",
            new() { ["name"] = "Sara", ["email"] = "sara@customer.test", ["password"] = "a-good-password" });
        Assert.Contains(Uri.EscapeDataString("form:portal.error.mailUnavailable"), response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<PortalAccount>().CountAsync()));
    }

    [Fact]
    public async Task Twenty_wrong_passwords_lock_the_account_until_the_lockout_ends()
    {
        var (_, email) = await PortalKit.CreateCustomerAsync(_app);
        var client = _app.AnonymousClient();
        var html = await client.GetStringAsync("/portal/login");
        var token = PortalKit.Token(html);
        string? last = null;
        for (var i = 0; i < 20; i++)
        {
            var wrong = await client.PostAsync("/portal/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = email,
                ["password"] = $"wrong-{i}",
                ["__RequestVerificationToken"] = token,
            }));
            last = wrong.Headers.Location?.OriginalString;
        }

        Assert.Contains("portal.error.locked", last, StringComparison.Ordinal);
        var right = await PortalKit.PostFormAsync(client, "/portal/login", "/portal/account/login", new() { ["email"] = email, ["password"] = PortalKit.Password });
        Assert.Contains("portal.error.locked", right.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/portal/api/cases")).StatusCode);

        _clock.Advance(TimeSpan.FromMinutes(16));
        await PortalKit.SignInAsync(_app, email);
    }

    [Fact]
    public async Task A_reset_link_sets_a_new_password_once_and_signs_out_other_sessions()
    {
        await PortalKit.AddMailboxAsync(_app);
        var (_, email) = await PortalKit.CreateCustomerAsync(_app);
        var oldSession = await PortalKit.SignInAsync(_app, email);
        var client = _app.AnonymousClient();
        var asked = await PortalKit.PostFormAsync(client, "/portal/forgot", "/portal/account/forgot", new() { ["email"] = email });
        Assert.Equal("/portal/forgot?sent=1", asked.Headers.Location?.OriginalString);
        // An unknown address gets the same answer and no email.
        var unknown = await PortalKit.PostFormAsync(client, "/portal/forgot", "/portal/account/forgot", new() { ["email"] = "nobody@customer.test" });
        Assert.Equal("/portal/forgot?sent=1", unknown.Headers.Location?.OriginalString);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<OutboundEmail>().CountAsync(o => o.To == "nobody@customer.test")));

        var link = await PortalKit.LinkMailedToAsync(_app, email);
        Assert.StartsWith("/portal/reset?token=", link, StringComparison.Ordinal);
        var resetToken = Uri.UnescapeDataString(link["/portal/reset?token=".Length..]);
        var tooShort = await PortalKit.PostFormAsync(client, link, "/portal/account/reset", new() { ["token"] = resetToken, ["password"] = "short" });
        Assert.Contains("portal.error.passwordTooShort", tooShort.Headers.Location?.OriginalString, StringComparison.Ordinal);

        var done = await PortalKit.PostFormAsync(client, link, "/portal/account/reset", new() { ["token"] = resetToken, ["password"] = "a-brand-new-password" });
        Assert.Equal("/portal/cases", done.Headers.Location?.OriginalString);
        await PortalKit.SignInAsync(_app, email, "a-brand-new-password");
        Assert.Equal(HttpStatusCode.Unauthorized, (await oldSession.GetAsync("/portal/api/cases")).StatusCode);

        var reused = await PortalKit.PostFormAsync(_app.AnonymousClient(), "/portal/login", "/portal/account/reset", new() { ["token"] = resetToken, ["password"] = "yet-another-password" });
        Assert.Contains("portal.error.linkInvalid", reused.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_magic_link_signs_in_once_and_expires_after_fifteen_minutes()
    {
        await PortalKit.AddMailboxAsync(_app);
        var (_, email) = await PortalKit.CreateCustomerAsync(_app);
        var client = _app.AnonymousClient();
        await PortalKit.PostFormAsync(client, "/portal/login", "/portal/account/magic-link", new() { ["email"] = email });
        var link = await PortalKit.LinkMailedToAsync(_app, email);
        Assert.StartsWith("/portal/magic?token=", link, StringComparison.Ordinal);
        var token = Uri.UnescapeDataString(link["/portal/magic?token=".Length..]);

        // Opening the link (as a mail scanner would) spends nothing; pressing the button signs in.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(link)).StatusCode);
        var signedIn = await PortalKit.PostFormAsync(client, link, "/portal/account/magic", new() { ["token"] = token });
        Assert.Equal("/portal/cases", signedIn.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/portal/api/cases")).StatusCode);

        var again = await PortalKit.PostFormAsync(_app.AnonymousClient(), link, "/portal/account/magic", new() { ["token"] = token });
        Assert.Contains("portal.error.linkInvalid", again.Headers.Location?.OriginalString, StringComparison.Ordinal);

        await PortalKit.PostFormAsync(client, "/portal/login", "/portal/account/magic-link", new() { ["email"] = email });
        var late = await PortalKit.LinkMailedToAsync(_app, email);
        _clock.Advance(TimeSpan.FromMinutes(16));
        var expired = await PortalKit.PostFormAsync(_app.AnonymousClient(), late, "/portal/account/magic", new() { ["token"] = Uri.UnescapeDataString(late["/portal/magic?token=".Length..]) });
        Assert.Contains("portal.error.linkInvalid", expired.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_portal_sign_in_grants_nothing_in_the_agent_api_or_ui()
    {
        var (_, email) = await PortalKit.CreateCustomerAsync(_app);
        var client = await PortalKit.SignInAsync(_app, email);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/cases")).StatusCode);
        var ui = await client.GetAsync("/");
        Assert.DoesNotContain("data-testid=\"current-user\"", await ui.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
