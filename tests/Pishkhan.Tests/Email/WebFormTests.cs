using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Email;
using Pishkhan.Tests.Portal;

namespace Pishkhan.Tests.Email;

/// <summary>
/// The public web form: its embeddable page and the multipart API, with files checked by content. Mail is only queued here
/// (the mailbox points nowhere, the sender is off); delivery through a real SMTP server is in <see cref="MailboxApiTests"/>.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class WebFormTests : IDisposable
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4];

    private readonly PishkhanAppFactory _app = new(seedDemo: false, settings: new Dictionary<string, string>
    {
        ["Pishkhan:Email:Background"] = "false",
        ["Pishkhan:WebForm:PerMinute"] = "100",
    });

    public void Dispose() => _app.Dispose();

    private static async Task<HttpResponseMessage> PostPageAsync(HttpClient client, string page, Dictionary<string, string> fields, params (string Name, byte[] Content)[] files)
    {
        using var content = new MultipartFormDataContent { { new StringContent("web-form-case"), "_handler" } }; // no antiforgery token: a framed form has no cookie of ours
        foreach (var (key, value) in fields)
        {
            content.Add(new StringContent(value), key);
        }

        foreach (var (name, bytes) in files)
        {
            content.Add(new ByteArrayContent(bytes), "files", name);
        }

        return await client.PostAsync(page, content);
    }

    [Fact]
    public async Task ThePage_OpensACaseWithItsFile_OnceForARepeatedPost_QueuesTheConfirmation_AndTheAgentsAnswerIsMailed()
    {
        await PortalKit.AddMailboxAsync(_app);
        var client = _app.AnonymousClient();
        var shown = await client.GetAsync("/forms/case?culture=en");
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains("data-testid=\"webform-submit\"", await shown.Content.ReadAsStringAsync());

        var email = $"form-{Guid.NewGuid():N}@customer.test";
        var fields = new Dictionary<string, string>
        {
            ["formId"] = Guid.NewGuid().ToString(),
            ["email"] = email,
            ["phone"] = "۰۹۱۲ ۳۴۵ ۶۷۸۹",
            ["subject"] = "Broken screen",
            ["description"] = "The screen cracked; photo attached.",
        };
        var sent = await PostPageAsync(client, "/forms/case?culture=en", fields, ("photo.png", Png));
        var html = await sent.Content.ReadAsStringAsync();
        Assert.True(sent.StatusCode == HttpStatusCode.OK, html);
        var number = NumberPattern().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException("No case number shown: " + html);

        var again = await PostPageAsync(client, "/forms/case?culture=en", fields, ("photo.png", Png)); // a second click, a resent post
        Assert.Equal(number, NumberPattern().Match(await again.Content.ReadAsStringAsync()).Groups[1].Value);

        var saved = await _app.WithDbAsync(db => db.Cases.Include(c => c.Contact).ThenInclude(c => c!.Channels).SingleAsync(c => c.Number == number));
        Assert.Equal(CaseChannel.Web, saved.Channel);
        Assert.Contains(saved.Contact!.Channels, ch => ch.Value == "+989123456789"); // the phone, from Persian digits, in E.164
        var first = await _app.WithDbAsync(db => db.TimelineEntries.Include(e => e.Attachments).SingleAsync(e => e.CaseId == saved.Id && e.Kind == TimelineKind.InboundMessage));
        var file = Assert.Single(first.Attachments);
        Assert.Equal(("photo.png", "image/png", (long)Png.Length), (file.FileName, file.ContentType, file.Size));
        var confirmation = await _app.WithDbAsync(db => db.Set<OutboundEmail>().SingleAsync(o => o.CaseId == saved.Id));
        Assert.Equal(email, confirmation.To);
        Assert.Contains($"[#{number}]", confirmation.Subject);
        Assert.True(confirmation.IsAutoReply); // an automatic message: marked so, never answered by autoresponders

        var reply = await _app.ApiClient().PostAsJsonAsync($"/api/v1/cases/{saved.Id}/replies", new { body = "A new screen is on its way." });
        Assert.True(reply.IsSuccessStatusCode, await reply.Content.ReadAsStringAsync());
        var answer = await _app.WithDbAsync(db => db.Set<OutboundEmail>().Where(o => o.CaseId == saved.Id && !o.IsAutoReply).SingleAsync());
        Assert.Equal(email, answer.To);
        Assert.StartsWith("A new screen is on its way.", answer.TextBody);
        Assert.Contains($"[#{number}]", answer.Subject); // the customer's answer to it threads back onto the case
    }

    [Fact]
    public async Task ThePage_ShowsEachProblemInTheReadersLanguage_AndOpensNothing_AHoneypotIsThankedAndDropped()
    {
        var client = _app.AnonymousClient();
        var email = $"bad-{Guid.NewGuid():N}@customer.test";
        var refused = await PostPageAsync(client, "/forms/case?culture=fa",
            new() { ["formId"] = Guid.NewGuid().ToString(), ["email"] = email, ["subject"] = "", ["description"] = "متن" },
            ("invoice.pdf", Encoding.ASCII.GetBytes("MZ\u0090\0 a program dressed as a PDF")));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("موضوعی تا ۳۰۰ نویسه بنویسید.", html);
        Assert.Contains(email, html); // what was typed stays in the form

        var badFile = await PostPageAsync(client, "/forms/case?culture=en",
            new() { ["formId"] = Guid.NewGuid().ToString(), ["email"] = email, ["subject"] = "Invoice", ["description"] = "Attached." },
            ("invoice.pdf", Encoding.ASCII.GetBytes("MZ\u0090\0 a program dressed as a PDF")));
        Assert.Equal(HttpStatusCode.BadRequest, badFile.StatusCode);
        Assert.Contains("we check its content, not its name", WebUtility.HtmlDecode(await badFile.Content.ReadAsStringAsync()));

        var bot = await PostPageAsync(client, "/forms/case?culture=en",
            new() { ["email"] = $"bot-{Guid.NewGuid():N}@spam.test", ["subject"] = "Cheap pills", ["description"] = "Buy now.", ["website"] = "http://spam.test" });
        Assert.Equal(HttpStatusCode.OK, bot.StatusCode);
        Assert.Contains("data-testid=\"webform-thanks\"", await bot.Content.ReadAsStringAsync());
        Assert.Equal(0, await _app.WithDbAsync(db => db.Cases.CountAsync()));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Contacts.CountAsync()));
    }

    [Fact]
    public async Task TheApi_TakesFilesAsMultipart_RefusesByContentAndByField_InWords()
    {
        var client = _app.AnonymousClient();
        using var program = new MultipartFormDataContent
        {
            { new StringContent("Invoice"), "subject" }, { new StringContent("Attached."), "description" },
            { new StringContent($"api-{Guid.NewGuid():N}@customer.test"), "email" }, { new StringContent("en"), "language" },
            { new ByteArrayContent(Encoding.ASCII.GetBytes("MZ\u0090\0 program")), "files", "invoice.pdf" },
        };
        var refused = await client.PostAsync("/api/v1/forms/cases", program);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.StartsWith("A file is of a type we do not accept", Assert.Single((await Problems.ErrorsAsync(refused))["files"]));

        using var badId = new MultipartFormDataContent { { new StringContent("sales"), "categoryId" } };
        var notAnId = await client.PostAsync("/api/v1/forms/cases", badId);
        Assert.Equal(["'sales' is not an id."], (await Problems.ErrorsAsync(notAnId))["categoryId"]);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Cases.CountAsync()));

        using var good = new MultipartFormDataContent
        {
            { new StringContent("Receipt"), "subject" }, { new StringContent("Here it is."), "description" },
            { new StringContent($"api-{Guid.NewGuid():N}@customer.test"), "email" },
            { new ByteArrayContent(Png), "files", "receipt.png" },
        };
        var created = await client.PostAsync("/api/v1/forms/cases", good);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var number = (await created.Content.ReadFromJsonAsync<WebFormResult>(PishkhanAppFactory.Json))!.CaseNumber;
        Assert.Equal(1, await _app.WithDbAsync(db => db.Attachments.CountAsync(a => a.FileName == "receipt.png" && db.Cases.Any(c => c.Id == a.CaseId && c.Number == number))));
    }

    [Fact]
    public async Task OnlyTheFormMayBeFramed_ByTheConfiguredSites()
    {
        var client = _app.AnonymousClient();
        var form = await client.GetAsync("/forms/case");
        Assert.Equal("frame-ancestors *", string.Join(" | ", form.Headers.GetValues("Content-Security-Policy")));
        Assert.False(form.Headers.Contains("X-Frame-Options"));

        foreach (var path in new[] { "/portal/login", "/login", "/health" })
        {
            var page = await client.GetAsync(path);
            Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        }

        using var narrowed = new PishkhanAppFactory(seedDemo: false, settings: new Dictionary<string, string> { ["Pishkhan:WebForm:FrameAncestors"] = "https://www.example.com" });
        var framed = await narrowed.AnonymousClient().GetAsync("/forms/case");
        Assert.Equal("frame-ancestors https://www.example.com", framed.Headers.GetValues("Content-Security-Policy").Single());
    }

    [GeneratedRegex("data-number=\"([0-9]{4}-[0-9]{6})\"")]
    private static partial Regex NumberPattern();
}
