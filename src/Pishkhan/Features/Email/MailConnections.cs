using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Pishkhan.Features.Email;

/// <summary>Where and how to reach one server, with the password in plain text (only ever in memory).</summary>
public sealed record MailEndpoint(string Host, int Port, MailSecurity Security, string? User, string? Password);

/// <summary>What a server answered to a connection attempt: success, and its exact lines.</summary>
public sealed record ConnectionAnswer(bool Ok, string Answer);

/// <summary>Opens IMAP and SMTP connections with MailKit, and records what a server says for "test connection".</summary>
public static class MailConnections
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static SecureSocketOptions SocketOptions(MailSecurity security) => security switch
    {
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        MailSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.None,
    };

    public static async Task<ImapClient> OpenImapAsync(MailEndpoint endpoint, IProtocolLogger? log, CancellationToken ct)
    {
        var client = log is null ? new ImapClient() : new ImapClient(log);
        try
        {
            client.Timeout = (int)Timeout.TotalMilliseconds;
            await client.ConnectAsync(endpoint.Host, endpoint.Port, SocketOptions(endpoint.Security), ct);
            await client.AuthenticateAsync(endpoint.User ?? "", endpoint.Password ?? "", ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public static async Task<SmtpClient> OpenSmtpAsync(MailEndpoint endpoint, IProtocolLogger? log, CancellationToken ct)
    {
        var client = log is null ? new SmtpClient() : new SmtpClient(log);
        try
        {
            client.Timeout = (int)Timeout.TotalMilliseconds;
            await client.ConnectAsync(endpoint.Host, endpoint.Port, SocketOptions(endpoint.Security), ct);
            if (!string.IsNullOrEmpty(endpoint.User))
            {
                await client.AuthenticateAsync(endpoint.User, endpoint.Password ?? "", ct);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Connects and logs in, then reports the server's own lines (greeting, capabilities, login answer, or the failure).</summary>
    public static async Task<ConnectionAnswer> TestImapAsync(MailEndpoint endpoint, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        using var log = new ProtocolLogger(buffer, leaveOpen: true) { RedactSecrets = true };
        try
        {
            using var client = await OpenImapAsync(endpoint, log, ct);
            await client.DisconnectAsync(true, ct);
            return new ConnectionAnswer(true, ServerLines(buffer));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new ConnectionAnswer(false, Failure(buffer, e));
        }
    }

    public static async Task<ConnectionAnswer> TestSmtpAsync(MailEndpoint endpoint, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        using var log = new ProtocolLogger(buffer, leaveOpen: true) { RedactSecrets = true };
        try
        {
            using var client = await OpenSmtpAsync(endpoint, log, ct);
            await client.DisconnectAsync(true, ct);
            return new ConnectionAnswer(true, ServerLines(buffer));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new ConnectionAnswer(false, Failure(buffer, e));
        }
    }

    private static string Failure(MemoryStream buffer, Exception e)
    {
        var lines = ServerLines(buffer);
        var reason = e switch
        {
            AuthenticationException => $"Login refused: {e.Message}",
            System.Net.Sockets.SocketException s => $"Cannot connect: {s.Message}",
            TimeoutException or OperationCanceledException => "No answer from the server in time.",
            _ => e.Message,
        };
        return lines.Length == 0 ? reason : $"{reason}\n{lines}";
    }

    /// <summary>Only what the server said (lines the protocol log marks <c>S:</c>), without the marker.</summary>
    private static string ServerLines(MemoryStream buffer)
    {
        var text = Encoding.UTF8.GetString(buffer.ToArray());
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("S: ", StringComparison.Ordinal)).Select(l => l[3..]);
        return string.Join("\n", lines);
    }
}
