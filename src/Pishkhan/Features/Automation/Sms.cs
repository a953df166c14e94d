using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Pishkhan.Features.Automation;

/// <summary>Sends a text message. The app registers <see cref="LoggingSmsSender"/> until a real provider is configured.</summary>
public interface ISmsSender
{
    /// <returns>The provider's message id, kept in the run log.</returns>
    Task<string> SendAsync(string to, string body, CancellationToken ct);
}

/// <summary>Development provider: writes the message to the log and "delivers" it.</summary>
public sealed class LoggingSmsSender(ILogger<LoggingSmsSender> log) : ISmsSender
{
    public Task<string> SendAsync(string to, string body, CancellationToken ct)
    {
        var id = $"log-{Guid.NewGuid():N}";
        if (log.IsEnabled(LogLevel.Information))
        {
            log.LogInformation("SMS {Id} to {To}: {Body}", id, to, body);
        }

        return Task.FromResult(id);
    }
}

/// <summary>Which SMS provider sends (<c>Pishkhan:Sms</c>): <c>log</c> (the default) or <c>kavenegar</c>.</summary>
public sealed class SmsOptions
{
    public string Provider { get; set; } = "log";

    /// <summary>The provider's API key (Kavenegar's key sits in the address it posts to).</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The sending line (شمارهٔ فرستنده); empty uses the account's default line.</summary>
    public string Sender { get; set; } = "";

    public string BaseUrl { get; set; } = "https://api.kavenegar.com";
}

/// <summary>
/// Kavenegar (کاوه‌نگار), a common Iranian SMS gateway: a form POST of <c>receptor</c>, <c>message</c> and
/// <c>sender</c> to <c>/v1/{apiKey}/sms/send.json</c>. Its answer carries its own status (200 is sent) and the
/// message id; any other status, or an answer that is not its JSON, fails the step with what the gateway said.
/// </summary>
public sealed class KavenegarSmsSender(IHttpClientFactory http, IOptions<SmsOptions> options) : ISmsSender
{
    public const string HttpClientName = "sms";

    public async Task<string> SendAsync(string to, string body, CancellationToken ct)
    {
        var o = options.Value;
        var fields = new Dictionary<string, string> { ["receptor"] = to, ["message"] = body };
        if (!string.IsNullOrWhiteSpace(o.Sender))
        {
            fields["sender"] = o.Sender;
        }

        using var content = new FormUrlEncodedContent(fields);
        using var response = await http.CreateClient(HttpClientName)
            .PostAsync(new Uri($"{o.BaseUrl.TrimEnd('/')}/v1/{Uri.EscapeDataString(o.ApiKey)}/sms/send.json"), content, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var (status, message, id) = Read(text);
        if (status is null)
        {
            throw new InvalidOperationException($"Kavenegar answered HTTP {(int)response.StatusCode} with something other than its JSON: '{Shorten(text)}'.");
        }

        return status == 200 && id is not null
            ? id
            : throw new InvalidOperationException($"Kavenegar did not send the SMS: status {status}, '{message}'.");
    }

    /// <summary>The gateway's own status and message, and the first message id; all null when the text is not its JSON.</summary>
    private static (int? Status, string? Message, string? Id) Read(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("return", out var answer)
                || answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("status", out var code) || !code.TryGetInt32(out var status))
            {
                return (null, null, null);
            }

            var message = answer.TryGetProperty("message", out var m) ? m.ToString() : null;
            var id = root.TryGetProperty("entries", out var entries) && entries.ValueKind == JsonValueKind.Array && entries.GetArrayLength() > 0
                && entries[0].ValueKind == JsonValueKind.Object && entries[0].TryGetProperty("messageid", out var messageId)
                ? messageId.ToString()
                : null;
            return (status, message, id);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
