using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace Pishkhan.Tests.Email;

/// <summary>A test that needs the real mail servers: skipped, with the reason, only where they are not installed.</summary>
public sealed class MailFactAttribute : FactAttribute
{
    public MailFactAttribute()
    {
        if (MailServers.Missing() is { } missing)
        {
            Skip = missing;
        }
    }
}

/// <summary>
/// Real servers on loopback for the email tests, started by the tests themselves on free high ports: Dovecot (IMAP,
/// users in a passwd-file, maildirs under a temporary folder) and Python's aiosmtpd (SMTP, each received message
/// stored as a file in a maildir the tests read back). Messages reach the IMAP mailbox by APPEND.
/// </summary>
public sealed class MailServers : IAsyncLifetime
{
    public const string Dovecot = "/usr/sbin/dovecot";
    public const string Python = "/usr/bin/python3";
    private const string AiosmtpdPackage = "/usr/lib/python3/dist-packages/aiosmtpd";
    public const string Password = "mail-Passw0rd";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "pishkhan-mail", Guid.NewGuid().ToString("N")[..12]);
    private Process? _smtp;
    private Process? _imap;

    public int ImapPort { get; private set; }
    public int SmtpPort { get; private set; }
    public string SmtpMaildir => Path.Combine(_root, "smtp-received");

    public static string? Missing()
    {
        if (!File.Exists(Dovecot))
        {
            return $"Dovecot is not installed at {Dovecot} (apt-get install -y dovecot-imapd).";
        }

        if (!File.Exists(Python) || !Directory.Exists(AiosmtpdPackage))
        {
            return $"aiosmtpd is not installed at {AiosmtpdPackage} (apt-get install -y python3-aiosmtpd).";
        }

        return null;
    }

    public async Task InitializeAsync()
    {
        if (Missing() is not null)
        {
            return;
        }

        Directory.CreateDirectory(Path.Combine(_root, "run"));
        Directory.CreateDirectory(Path.Combine(_root, "state"));
        Directory.CreateDirectory(Path.Combine(_root, "mail"));
        await File.WriteAllTextAsync(Path.Combine(_root, "users"), "");
        ImapPort = FreePort();
        SmtpPort = FreePort();
        var root = Environment.UserName == "root";
        // Dovecot never gives mail access to UID 0: as root the mail belongs to its own "dovecot" user.
        var mailUser = root ? "dovecot" : Environment.UserName;
        if (root)
        {
            await RunAsync("chown", $"dovecot:dovecot {Path.Combine(_root, "mail")}");
            await RunAsync("chmod", $"755 {_root}");
            await RunAsync("chmod", $"755 {Path.GetDirectoryName(_root)}");
        }

        var config = $$"""
            base_dir = {{_root}}/run
            state_dir = {{_root}}/state
            log_path = {{_root}}/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            auth_failure_delay = 0
            mail_location = maildir:{{_root}}/mail/%u
            first_valid_uid = 1
            {{(root ? "" : $"default_login_user = {mailUser}\ndefault_internal_user = {mailUser}")}}
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{_root}}/users
            }
            userdb {
              driver = static
              args = uid={{mailUser}} gid={{mailUser}} home={{_root}}/mail/%u
            }
            service imap-login {
              chroot =
              inet_listener imap {
                address = 127.0.0.1
                port = {{ImapPort}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service anvil {
              chroot =
            }
            """;
        await File.WriteAllTextAsync(Path.Combine(_root, "dovecot.conf"), config);
        // In the foreground (-F), as a child of the tests: a daemonising start keeps the redirected stderr pipe open
        // in the background master, and reading it to the end would never finish. Its log goes to log_path.
        _imap = Process.Start(new ProcessStartInfo(Dovecot, ["-F", "-c", $"{_root}/dovecot.conf"]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Dovecot did not start.");
        await StartSmtpAsync();
        await WaitForPortAsync(ImapPort);
    }

    public async Task DisposeAsync()
    {
        if (Missing() is not null)
        {
            return;
        }

        StopSmtp();
        try
        {
            // "stop" asks the master to end its own login and auth processes too; a kill would leave them behind.
            await RunAsync(Dovecot, $"-c {_root}/dovecot.conf stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        if (_imap is { } imap)
        {
            if (!imap.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                imap.Kill(entireProcessTree: true);
            }

            imap.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A fresh IMAP account (its own maildir), so tests never see each other's mail.</summary>
    public async Task<string> CreateUserAsync()
    {
        var user = $"u{Guid.NewGuid():N}"[..12];
        await File.AppendAllTextAsync(Path.Combine(_root, "users"), $"{user}:{{PLAIN}}{Password}\n");
        return user;
    }

    /// <summary>Delivers a message into the user's INBOX with IMAP APPEND, as an MTA would; returns its UID.</summary>
    public async Task<uint> DeliverAsync(string user, MimeMessage message)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        var uid = await client.Inbox.AppendAsync(message, MessageFlags.None);
        await client.DisconnectAsync(true);
        return uid?.Id ?? 0;
    }

    public async Task DeliverRawAsync(string user, byte[] raw)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        using var stream = new MemoryStream(raw);
        await client.Inbox.AppendAsync(new AppendRequest(MimeMessage.Load(stream)));
        await client.DisconnectAsync(true);
    }

    /// <summary>Every message the SMTP server has received, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Received()
    {
        var folder = Path.Combine(SmtpMaildir, "new");
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return Directory.GetFiles(folder).Select(f => (File: f, Time: File.GetLastWriteTimeUtc(f))).OrderBy(f => f.Time).ThenBy(f => f.File, StringComparer.Ordinal)
            .Select(f => MimeMessage.Load(f.File)).ToList();
    }

    public async Task StartSmtpAsync()
    {
        _smtp = Process.Start(new ProcessStartInfo(Python, ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{SmtpPort}", "-c", "aiosmtpd.handlers.Mailbox", SmtpMaildir])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("aiosmtpd did not start.");
        await WaitForPortAsync(SmtpPort);
    }

    /// <summary>Stops the SMTP server (to test retries); <see cref="StartSmtpAsync"/> brings it back on the same port.</summary>
    public void StopSmtp()
    {
        if (_smtp is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit();
        }

        _smtp?.Dispose();
        _smtp = null;
    }

    private static async Task WaitForPortAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"Nothing answers on 127.0.0.1:{port}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {error}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class MailServersGroup : ICollectionFixture<MailServers>
{
    public const string Name = "Mail servers";
}
