using System.Net.Mail;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Email;

/// <summary>
/// A mailbox as the admin API takes it. Passwords are write-only: on update, leaving one out keeps the stored one.
/// <c>verify</c> (default true) logs in to both servers before saving, so a wrong password is refused, not saved.
/// </summary>
public sealed record MailboxRequest(
    string? Name,
    string? Address,
    string? ImapHost,
    int? ImapPort,
    string? ImapUser,
    string? ImapPassword,
    string? SmtpHost,
    int? SmtpPort,
    string? ImapSecurity = null,
    string? ImapFolder = null,
    string? SmtpSecurity = null,
    string? SmtpUser = null,
    string? SmtpPassword = null,
    bool? IsActive = null,
    bool? ThreadAcrossContacts = null,
    string? ClosedCaseReply = null,
    string? Signature = null,
    Guid? CalendarId = null,
    string? OutOfHoursTemplateEn = null,
    string? OutOfHoursTemplateFa = null,
    int? OutOfHoursEveryHours = null,
    bool? Verify = null);

public sealed record MailboxDto(
    Guid Id, string Name, string Address, bool IsActive,
    string ImapHost, int ImapPort, MailSecurity ImapSecurity, string ImapUser, bool HasImapPassword, string ImapFolder,
    string SmtpHost, int SmtpPort, MailSecurity SmtpSecurity, string? SmtpUser, bool HasSmtpPassword,
    bool ThreadAcrossContacts, ClosedCaseReply ClosedCaseReply, string Signature, Guid? CalendarId,
    string OutOfHoursTemplateEn, string OutOfHoursTemplateFa, int OutOfHoursEveryHours,
    long UidValidity, long LastUid, DateTime UpdatedAt, int Version)
{
    public static MailboxDto From(Mailbox m) => new(
        m.Id, m.Name, m.Address, m.IsActive, m.ImapHost, m.ImapPort, m.ImapSecurity, m.ImapUser, m.ImapPasswordProtected.Length > 0, m.ImapFolder,
        m.SmtpHost, m.SmtpPort, m.SmtpSecurity, m.SmtpUser, m.SmtpPasswordProtected.Length > 0, m.ThreadAcrossContacts, m.ClosedCaseReply,
        m.Signature, m.CalendarId, m.OutOfHoursTemplateEn, m.OutOfHoursTemplateFa, m.OutOfHoursEveryHours, m.UidValidity, m.LastUid, m.UpdatedAt, m.Version);
}

/// <summary>The result of "test connection": each server's exact answer.</summary>
public sealed record MailboxTestResult(ConnectionAnswer Imap, ConnectionAnswer Smtp);

/// <summary>Encrypts and decrypts mailbox passwords with ASP.NET Core Data Protection.</summary>
public sealed class MailboxSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Pishkhan.Email.MailboxPassword.v1");

    public string Protect(string? password) => string.IsNullOrEmpty(password) ? "" : _protector.Protect(password);

    public string? Unprotect(string protectedPassword) => protectedPassword.Length == 0 ? null : _protector.Unprotect(protectedPassword);

    public MailEndpoint Imap(Mailbox m) => new(m.ImapHost, m.ImapPort, m.ImapSecurity, m.ImapUser, Unprotect(m.ImapPasswordProtected));

    public MailEndpoint Smtp(Mailbox m) => new(m.SmtpHost, m.SmtpPort, m.SmtpSecurity, m.SmtpUser, Unprotect(m.SmtpPasswordProtected));
}

/// <summary>Creates and updates mailboxes (admin only); validates every field, and by default logs in to both servers first.</summary>
public sealed class SaveMailbox(IDbContextFactory<PishkhanDbContext> dbFactory, MailboxSecrets secrets, TimeProvider clock)
{
    public async Task<Outcome<MailboxDto>> HandleAsync(Guid? id, MailboxRequest request, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        Mailbox? existing = null;
        if (id is { } mailboxId)
        {
            existing = await db.Set<Mailbox>().FirstOrDefaultAsync(m => m.Id == mailboxId, ct);
            if (existing is null)
            {
                return new Outcome<MailboxDto>.NotFound();
            }
        }

        var errors = new FieldErrors();
        errors.Required("name", request.Name);
        errors.MaxLength("name", request.Name?.Trim(), 200);
        var address = request.Address?.Trim().ToLowerInvariant();
        errors.Required("address", address);
        if (!string.IsNullOrEmpty(address) && !IsAddress(address))
        {
            errors.Add("address", $"'{request.Address}' is not an email address.");
        }

        ValidateHost(errors, "imapHost", request.ImapHost);
        ValidateHost(errors, "smtpHost", request.SmtpHost);
        ValidatePort(errors, "imapPort", request.ImapPort);
        ValidatePort(errors, "smtpPort", request.SmtpPort);
        errors.Required("imapUser", request.ImapUser);
        if (existing is null || existing.ImapPasswordProtected.Length == 0)
        {
            errors.Required("imapPassword", request.ImapPassword);
        }

        var imapSecurity = CaseRules.ParseOrDefault(errors, "imapSecurity", request.ImapSecurity, MailSecurity.SslOnConnect);
        var smtpSecurity = CaseRules.ParseOrDefault(errors, "smtpSecurity", request.SmtpSecurity, MailSecurity.StartTls);
        var closedReply = CaseRules.ParseOrDefault(errors, "closedCaseReply", request.ClosedCaseReply, Email.ClosedCaseReply.Reopen);
        errors.MaxLength("signature", request.Signature, 2000);
        errors.MaxLength("outOfHoursTemplateEn", request.OutOfHoursTemplateEn, 4000);
        errors.MaxLength("outOfHoursTemplateFa", request.OutOfHoursTemplateFa, 4000);
        if (request.OutOfHoursEveryHours is < 1 or > 24 * 30)
        {
            errors.Add("outOfHoursEveryHours", "'outOfHoursEveryHours' must be between 1 and 720.");
        }

        if (request.CalendarId is { } calendarId && !await db.Calendars.AnyAsync(c => c.Id == calendarId, ct))
        {
            errors.Add("calendarId", $"No calendar has the id '{calendarId}'.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var name = request.Name!.Trim();
        if (await db.Set<Mailbox>().AnyAsync(m => m.Id != id && (m.Name == name || m.Address == address), ct))
        {
            errors.Add("address", $"Another mailbox already has the name '{name}' or the address '{address}'.");
            return errors;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % 10));
        var entity = existing ?? new Mailbox { Name = name, Address = address!, ImapHost = "", ImapUser = "", SmtpHost = "", CreatedAt = now };
        var imapPassword = request.ImapPassword ?? secrets.Unprotect(entity.ImapPasswordProtected);
        var smtpPassword = request.SmtpPassword ?? secrets.Unprotect(entity.SmtpPasswordProtected);
        var imap = new MailEndpoint(request.ImapHost!.Trim(), request.ImapPort!.Value, imapSecurity, request.ImapUser!.Trim(), imapPassword);
        var smtpUser = string.IsNullOrWhiteSpace(request.SmtpUser) ? null : request.SmtpUser.Trim();
        var smtp = new MailEndpoint(request.SmtpHost!.Trim(), request.SmtpPort!.Value, smtpSecurity, smtpUser, smtpPassword);
        if (request.Verify ?? true)
        {
            // Nothing is saved unless both servers accept the settings; the error carries the server's answer.
            var imapAnswer = await MailConnections.TestImapAsync(imap, ct);
            if (!imapAnswer.Ok)
            {
                errors.Add(imapAnswer.Answer.StartsWith("Login refused", StringComparison.Ordinal) ? "imapPassword" : "imapHost", $"The IMAP server refused the settings: {imapAnswer.Answer}");
            }

            var smtpAnswer = await MailConnections.TestSmtpAsync(smtp, ct);
            if (!smtpAnswer.Ok)
            {
                errors.Add(smtpAnswer.Answer.StartsWith("Login refused", StringComparison.Ordinal) ? "smtpPassword" : "smtpHost", $"The SMTP server refused the settings: {smtpAnswer.Answer}");
            }

            if (errors.Any)
            {
                return errors;
            }
        }

        if (existing is not null && (existing.ImapHost != imap.Host || existing.ImapUser != imap.User || existing.ImapFolder != (request.ImapFolder?.Trim() ?? existing.ImapFolder)))
        {
            // Another server or folder: its UIDs mean nothing to the old checkpoint.
            entity.UidValidity = 0;
            entity.LastUid = 0;
        }

        entity.Name = name;
        entity.Address = address!;
        entity.IsActive = request.IsActive ?? entity.IsActive;
        entity.ImapHost = imap.Host;
        entity.ImapPort = imap.Port;
        entity.ImapSecurity = imapSecurity;
        entity.ImapUser = imap.User!;
        entity.ImapFolder = string.IsNullOrWhiteSpace(request.ImapFolder) ? entity.ImapFolder : request.ImapFolder.Trim();
        entity.SmtpHost = smtp.Host;
        entity.SmtpPort = smtp.Port;
        entity.SmtpSecurity = smtpSecurity;
        entity.SmtpUser = smtpUser;
        if (request.ImapPassword is not null)
        {
            entity.ImapPasswordProtected = secrets.Protect(request.ImapPassword);
        }

        if (request.SmtpPassword is not null)
        {
            entity.SmtpPasswordProtected = secrets.Protect(request.SmtpPassword);
        }

        entity.ThreadAcrossContacts = request.ThreadAcrossContacts ?? entity.ThreadAcrossContacts;
        entity.ClosedCaseReply = closedReply;
        entity.Signature = request.Signature ?? entity.Signature;
        entity.CalendarId = request.CalendarId;
        entity.OutOfHoursTemplateEn = request.OutOfHoursTemplateEn ?? entity.OutOfHoursTemplateEn;
        entity.OutOfHoursTemplateFa = request.OutOfHoursTemplateFa ?? entity.OutOfHoursTemplateFa;
        entity.OutOfHoursEveryHours = request.OutOfHoursEveryHours ?? entity.OutOfHoursEveryHours;
        entity.UpdatedAt = now;
        entity.Version++;
        if (existing is null)
        {
            db.Add(entity);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Outcome<MailboxDto>.Conflict($"The mailbox '{name}' was changed by someone else while you were saving.");
        }

        return MailboxDto.From(entity);
    }

    internal static bool IsAddress(string value) =>
        MailAddress.TryCreate(value, out var parsed) && parsed.Address == value && value.Contains('@', StringComparison.Ordinal);

    private static void ValidateHost(FieldErrors errors, string field, string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            errors.Add(field, $"'{field}' is required.");
        }
        else if (Uri.CheckHostName(host.Trim()) == UriHostNameType.Unknown)
        {
            errors.Add(field, $"'{host}' is not a host name or IP address.");
        }
    }

    private static void ValidatePort(FieldErrors errors, string field, int? port)
    {
        if (port is null)
        {
            errors.Add(field, $"'{field}' is required.");
        }
        else if (port is < 1 or > 65535)
        {
            errors.Add(field, $"'{field}' must be between 1 and 65535; {port} is not a port.");
        }
    }
}

/// <summary>Reads mailboxes and runs "test connection" against the saved settings.</summary>
public sealed class GetMailboxes(IDbContextFactory<PishkhanDbContext> dbFactory, MailboxSecrets secrets)
{
    public async Task<IReadOnlyList<MailboxDto>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.Set<Mailbox>().AsNoTracking().OrderBy(m => m.Name).ToListAsync(ct)).Select(MailboxDto.From).ToList();
    }

    public async Task<Outcome<MailboxDto>> ByIdAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var m = await db.Set<Mailbox>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return m is null ? new Outcome<MailboxDto>.NotFound() : MailboxDto.From(m);
    }

    public async Task<Outcome<MailboxTestResult>> TestAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var m = await db.Set<Mailbox>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (m is null)
        {
            return new Outcome<MailboxTestResult>.NotFound();
        }

        return new MailboxTestResult(await MailConnections.TestImapAsync(secrets.Imap(m), ct), await MailConnections.TestSmtpAsync(secrets.Smtp(m), ct));
    }
}
