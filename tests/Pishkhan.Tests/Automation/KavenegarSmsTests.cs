using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pishkhan.Features.Automation;

namespace Pishkhan.Tests.Automation;

/// <summary>The Kavenegar SMS provider against a local HTTP listener that answers as the gateway does.</summary>
public sealed class KavenegarSmsTests : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _baseUrl;
    private string _answer = "";
    private (string Path, string Form)? _request;

    public KavenegarSmsTests()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _baseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(_baseUrl);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    [Fact]
    public async Task A_sent_message_posts_the_number_text_and_line_and_returns_the_gateways_message_id()
    {
        _answer = """{"return":{"status":200,"message":"تایید شد"},"entries":[{"messageid":8792343,"status":1}]}""";

        var id = await Sender("secret-key", "10004346").SendAsync("+989121234567", "پرونده ۱۴۰۵-۰۰۰۱۲۳ پاسخ گرفت", CancellationToken.None);

        Assert.Equal("8792343", id);
        Assert.Equal("/v1/secret-key/sms/send.json", _request!.Value.Path);
        var form = System.Web.HttpUtility.ParseQueryString(_request.Value.Form);
        Assert.Equal(("+989121234567", "پرونده ۱۴۰۵-۰۰۰۱۲۳ پاسخ گرفت", "10004346"), (form["receptor"], form["message"], form["sender"]));
    }

    [Fact]
    public async Task A_refusal_fails_with_the_gateways_status_and_message()
    {
        _answer = """{"return":{"status":418,"message":"اعتبار حساب شما کافی نیست"},"entries":null}""";

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Sender("k", "").SendAsync("09121234567", "hi", CancellationToken.None));

        Assert.Equal("Kavenegar did not send the SMS: status 418, 'اعتبار حساب شما کافی نیست'.", error.Message);
        Assert.Null(System.Web.HttpUtility.ParseQueryString(_request!.Value.Form)["sender"]); // no line: the account's default
    }

    [Fact]
    public async Task An_answer_that_is_not_the_gateways_json_fails_quoting_it()
    {
        _answer = "<html>Bad gateway</html>";

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Sender("k", "").SendAsync("09121234567", "hi", CancellationToken.None));

        Assert.Contains("'<html>Bad gateway</html>'", error.Message, StringComparison.Ordinal);
    }

    private KavenegarSmsSender Sender(string apiKey, string line)
    {
        var http = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        return new KavenegarSmsSender(http, Options.Create(new SmsOptions { Provider = "kavenegar", ApiKey = apiKey, Sender = line, BaseUrl = _baseUrl }));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            _request = (context.Request.Url!.AbsolutePath, await reader.ReadToEndAsync());
            var bytes = Encoding.UTF8.GetBytes(_answer);
            context.Response.ContentType = _answer.StartsWith('{') ? "application/json" : "text/html";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
