using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Email;
using Pishkhan.Features.Portal;

namespace Pishkhan.Tests.Portal;

/// <summary>Portal test helpers: customers with accounts, sign-in through the real form, form posts with their antiforgery token.</summary>
internal static partial class PortalKit
{
    public const string Password = "customer-pass-1";

    /// <summary>A contact with a confirmed portal account (as if they had signed up and opened the mailed link).</summary>
    public static async Task<(Guid ContactId, string Email)> CreateCustomerAsync(PishkhanAppFactory app, string? name = null, Guid? accountId = null, bool organisationAdmin = false)
    {
        var email = $"c-{Guid.NewGuid():N}@customer.test";
        var contact = await app.CreateContactAsync(name ?? "Customer " + email[2..8], emails: [email]);
        await app.WithDbAsync(async db =>
        {
            await db.Contacts.Where(c => c.Id == contact.Id).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.AccountId, accountId).SetProperty(c => c.IsPortalOrganisationAdmin, organisationAdmin));
            var account = new PortalAccount { ContactId = contact.Id, Email = email, EmailConfirmedAt = TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-1), CreatedAt = TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-1) };
            account.PasswordHash = new PasswordHasher<PortalAccount>().HashPassword(account, Password);
            db.Add(account);
            return await db.SaveChangesAsync();
        });
        return (contact.Id, email);
    }

    public static async Task<HttpClient> SignInAsync(PishkhanAppFactory app, string email, string password = Password)
    {
        var client = app.AnonymousClient();
        var response = await PostFormAsync(client, "/portal/login", "/portal/account/login", new() { ["email"] = email, ["password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/portal/cases", response.Headers.Location?.OriginalString);
        return client;
    }

    /// <summary>Reads the antiforgery token from <paramref name="page"/> and posts the form to <paramref name="action"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string action, Dictionary<string, string> fields)
    {
        var html = await client.GetStringAsync(page);
        fields["__RequestVerificationToken"] = Token(html);
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    /// <summary>Posts a page's own (Blazor) form as multipart, with files.</summary>
    public static async Task<HttpResponseMessage> PostPageFormAsync(
        HttpClient client, string page, string handler, Dictionary<string, string> fields, params (string Name, byte[] Content)[] files)
    {
        var shown = await client.GetAsync(page);
        var html = shown.IsSuccessStatusCode ? await shown.Content.ReadAsStringAsync() : await client.GetStringAsync("/portal/login");
        using var content = new MultipartFormDataContent
        {
            { new StringContent(Token(html)), "__RequestVerificationToken" },
            { new StringContent(handler), "_handler" },
        };
        foreach (var (key, value) in fields)
        {
            content.Add(new StringContent(value), key);
        }

        foreach (var (name, bytes) in files)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            content.Add(file, "files", name);
        }

        return await client.PostAsync(page, content);
    }

    /// <summary>Asserts a redirect (the post-redirect-get of a successful form), showing the page's errors when it is not one.</summary>
    public static async Task<string> RedirectedToAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            var body = await response.Content.ReadAsStringAsync();
            var errors = string.Join(" | ", ErrorPattern().Matches(body).Select(m => m.Groups[1].Value));
            Assert.Fail($"Expected a redirect, got {(int)response.StatusCode}: {(errors.Length > 0 ? errors : body[..Math.Min(body.Length, 600)])}");
        }

        var location = response.Headers.Location!;
        return location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
    }

    public static string Token(string html) => TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("The page has no antiforgery token.");

    public static async Task AddMailboxAsync(PishkhanAppFactory app) => await app.WithDbAsync(async db =>
    {
        if (!await db.Set<Mailbox>().AnyAsync())
        {
            db.Add(new Mailbox { Name = "Support", Address = "support@pishkhan.test", ImapHost = "127.0.0.1", ImapPort = 1, ImapUser = "s", SmtpHost = "127.0.0.1", SmtpPort = 1 });
        }

        return await db.SaveChangesAsync();
    });

    /// <summary>The link in the latest email queued to <paramref name="to"/>, as a path and query.</summary>
    public static async Task<string> LinkMailedToAsync(PishkhanAppFactory app, string to)
    {
        var body = await app.WithDbAsync(db => db.Set<OutboundEmail>().Where(o => o.To == to).OrderByDescending(o => o.CreatedAt).Select(o => o.TextBody).FirstAsync());
        var url = LinkPattern().Match(body).Value;
        return new Uri(url).PathAndQuery;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" (?:type=\"hidden\" )?value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("class=\"(?:error|alert)\" role=\"alert\">([^<]+)<")]
    private static partial Regex ErrorPattern();

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkPattern();
}
