using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Data;

namespace Pishkhan.Browser.Tests;

[Collection(BrowserGroup.Name)]
public sealed class WebFormTests(BrowserApp app)
{
    /// <summary>
    /// The web form embedded, as a company would, in a page of another site: in Persian on a 375 px phone, a customer sends
    /// a request with a file from inside the frame and reads its number in Persian digits; the case holds the file.
    /// </summary>
    [BrowserFact]
    public async Task A_customer_sends_a_request_with_a_file_from_the_form_framed_in_another_site()
    {
        var page = await app.NewPageAsync(375, 740, "fa-IR");
        var formUrl = new Uri(app.BaseAddress, "/forms/case?culture=fa");
        // Another site, on its own little server: "localhost" is another origin and site than the app's 127.0.0.1 (and a
        // loopback one, so the browser's local-network rules let it frame a loopback page, as they would not for a public one).
        using var shop = ShopServer.Start($"<!DOCTYPE html><html><body style='margin:0'><h1>Shop</h1><iframe src='{formUrl}' title='support' style='width:100%;height:1400px;border:0'></iframe></body></html>");
        await page.GotoAsync(shop.Url);
        var form = page.FrameLocator("iframe");
        var subject = $"Broken lamp {Guid.NewGuid():N}"[..24];

        await form.Locator("[data-testid='webform-email']").FillAsync($"lamp-{Guid.NewGuid():N}@customer.test");
        await form.Locator("[data-testid='webform-subject']").FillAsync(subject);
        await form.Locator("[data-testid='webform-description']").FillAsync("چراغ روشن نمی‌شود؛ عکسش را فرستادم.");
        await form.Locator("[data-testid='webform-files']").SetInputFilesAsync(new FilePayload { Name = "lamp.txt", MimeType = "text/plain", Buffer = "no light"u8.ToArray() });
        await form.Locator("[data-testid='webform-submit']").ClickAsync();

        var number = form.Locator("[data-testid='webform-number']");
        await Assertions.Expect(number).ToBeVisibleAsync();
        var caseNumber = await number.GetAttributeAsync("data-number");
        Assert.Contains(new string(caseNumber!.Select(c => c is >= '0' and <= '9' ? (char)('۰' + (c - '0')) : c).ToArray()), await number.InnerTextAsync());
        Assert.Equal("rtl", await form.Locator(".portal").GetAttributeAsync("dir"));

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>().CreateDbContextAsync();
        var saved = await db.Cases.SingleAsync(c => c.Number == caseNumber);
        Assert.Equal((subject, CaseChannel.Web), (saved.Subject, saved.Channel));
        Assert.True(await db.Attachments.AnyAsync(a => a.CaseId == saved.Id && a.FileName == "lamp.txt"));
    }

    /// <summary>A one-page web server on loopback standing for the company's own site.</summary>
    private sealed class ShopServer : IDisposable
    {
        private readonly HttpListener _listener = new();

        private ShopServer(string html)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://localhost:{port}/contact";
            _listener.Prefixes.Add($"http://localhost:{port}/");
            _listener.Start();
            _ = Task.Run(async () =>
            {
                var body = Encoding.UTF8.GetBytes(html);
                while (_listener.IsListening)
                {
                    try
                    {
                        var context = await _listener.GetContextAsync();
                        context.Response.ContentType = "text/html; charset=utf-8";
                        await context.Response.OutputStream.WriteAsync(body);
                        context.Response.Close();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return; // stopped
                    }
                }
            });
        }

        public string Url { get; }

        public static ShopServer Start(string html) => new(html);

        public void Dispose() => _listener.Close();
    }
}
