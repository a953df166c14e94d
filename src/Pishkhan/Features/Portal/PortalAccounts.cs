using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Email;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Portal;

public sealed class PortalOptions
{
    /// <summary>Wrong passwords in a row that lock a portal account.</summary>
    public int LockoutFailures { get; set; } = 10;

    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Sign-in, sign-up and "mail me a link" posts allowed per client address per minute.</summary>
    public int AuthPostsPerMinute { get; set; } = 30;

    /// <summary>The address mailed links start with; empty: the address the customer used.</summary>
    public string? PublicUrl { get; set; }
}

/// <summary>
/// The outcome of a portal account action. <see cref="Errors"/> maps a field to the key of its message in
/// <see cref="Localization.Texts"/> (<c>portal.error.*</c>), so the page shows it in the reader's language and the API in English.
/// </summary>
public sealed record PortalOutcome(PortalAccount? Account, IReadOnlyDictionary<string, string> Errors)
{
    public bool Succeeded => Errors.Count == 0;

    public static PortalOutcome Done(PortalAccount? account = null) => new(account, new Dictionary<string, string>());

    public static PortalOutcome Refused(string field, string key) => new(null, new Dictionary<string, string> { [field] = key });
}

/// <summary>
/// Portal accounts: sign-up with a verified address, password sign-in with lockout, password reset and magic-link sign-in.
/// Answers never tell a stranger whether an address has an account: sign-up, "forgot password" and "mail me a link" say
/// the same "check your email" either way, and only the mailbox owner learns more.
/// </summary>
public sealed class PortalAccounts(
    IDbContextFactory<PishkhanDbContext> dbFactory, SaveContact saveContact, EmailOutbox outbox, PortalTokens tokens, IOptions<PortalOptions> options,
    TimeProvider clock, ILogger<PortalAccounts> logger)
{
    public const int PasswordMinLength = 8;
    private static readonly Actor PortalActor = new(null, null, "Portal", UserRole.Admin, new HashSet<string>(Scopes.All));
    private readonly PasswordHasher<PortalAccount> _hasher = new();

    public async Task<PortalOutcome> SignUpAsync(string? name, string? email, string? password, string language, string baseUrl, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>();
        var address = email?.Trim().ToLowerInvariant() ?? "";
        if (string.IsNullOrWhiteSpace(name))
        {
            errors["name"] = "portal.error.nameRequired";
        }
        else if (name.Trim().Length > 200)
        {
            errors["name"] = "portal.error.nameTooLong";
        }

        if (address.Length == 0 || address.Length > 320 || !SaveMailbox.IsAddress(address))
        {
            errors["email"] = "portal.error.emailInvalid";
        }

        if (PasswordProblem(password, address) is { } problem)
        {
            errors["password"] = problem;
        }

        if (errors.Count > 0)
        {
            return new PortalOutcome(null, errors);
        }

        if (!await CanMailAsync(ct))
        {
            return PortalOutcome.Refused("form", "portal.error.mailUnavailable");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.Set<PortalAccount>().FirstOrDefaultAsync(a => a.Email == address, ct);
        var contactId = await db.ContactChannels.Where(c => c.Kind == ContactChannelKind.Email && c.Value == address).Select(c => (Guid?)c.ContactId).FirstOrDefaultAsync(ct);
        existing ??= contactId is { } known ? await db.Set<PortalAccount>().FirstOrDefaultAsync(a => a.ContactId == known, ct) : null;
        if (existing is not null)
        {
            // Someone (perhaps not the owner) signed up again: the owner hears of it, the page says nothing more.
            await MailAsync(address, existing.EmailConfirmedAt is null ? "verify" : "already", existing, PortalTokenKind.Verify, language, baseUrl, ct);
            return PortalOutcome.Done();
        }

        if (contactId is null)
        {
            var created = await saveContact.CreateAsync(new ContactRequest(name!.Trim(), Emails: [address], Language: language), PortalActor, ct);
            if (created is not Outcome<ContactDto>.Ok ok)
            {
                return PortalOutcome.Refused("email", "portal.error.emailInvalid");
            }

            contactId = ok.Value.Id;
        }

        var account = new PortalAccount { ContactId = contactId.Value, Email = address, CreatedAt = Now() };
        account.PasswordHash = _hasher.HashPassword(account, password!);
        db.Add(account);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same address signed up twice at once: the first one stands.
            return PortalOutcome.Done();
        }

        await MailAsync(address, "verify", account, PortalTokenKind.Verify, language, baseUrl, ct);
        return PortalOutcome.Done(account);
    }

    /// <summary>Confirms the address the link was mailed to; the account may sign in from then on.</summary>
    public async Task<PortalOutcome> VerifyAsync(string? token, CancellationToken ct = default)
    {
        if (tokens.Read(PortalTokenKind.Verify, token) is not { } read)
        {
            return PortalOutcome.Refused("token", "portal.error.linkInvalid");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.Set<PortalAccount>().FirstOrDefaultAsync(a => a.Id == read.AccountId, ct);
        if (account is null || !PortalTokens.Matches(PortalTokenKind.Verify, account, read.Fingerprint))
        {
            return PortalOutcome.Refused("token", "portal.error.linkInvalid");
        }

        account.EmailConfirmedAt ??= Now();
        account.LastSignInAt = Now();
        await db.SaveChangesAsync(ct);
        return PortalOutcome.Done(account);
    }

    public async Task<PortalOutcome> SignInAsync(string? email, string? password, CancellationToken ct = default)
    {
        var address = email?.Trim().ToLowerInvariant() ?? "";
        if (address.Length == 0 || string.IsNullOrEmpty(password))
        {
            return PortalOutcome.Refused("form", "portal.error.signInFailed");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.Set<PortalAccount>().FirstOrDefaultAsync(a => a.Email == address, ct);
        if (account is null)
        {
            // The same work as a real check, so the answer's timing does not tell which addresses have accounts.
            _hasher.VerifyHashedPassword(new PortalAccount { Email = address }, DummyHash, password);
            return PortalOutcome.Refused("form", "portal.error.signInFailed");
        }

        var now = Now();
        if (account.LockedUntil > now)
        {
            return PortalOutcome.Refused("form", "portal.error.locked");
        }

        if (_hasher.VerifyHashedPassword(account, account.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            account.FailedSignIns++;
            if (account.FailedSignIns >= options.Value.LockoutFailures)
            {
                account.LockedUntil = now.AddMinutes(options.Value.LockoutMinutes);
                account.FailedSignIns = 0;
                logger.LogWarning("Portal account {Account} locked after {Failures} wrong passwords.", account.Id, options.Value.LockoutFailures);
            }

            await db.SaveChangesAsync(ct);
            return PortalOutcome.Refused("form", account.LockedUntil > now ? "portal.error.locked" : "portal.error.signInFailed");
        }

        if (account.EmailConfirmedAt is null)
        {
            return PortalOutcome.Refused("form", "portal.error.notVerified");
        }

        account.FailedSignIns = 0;
        account.LockedUntil = null;
        account.LastSignInAt = now;
        await db.SaveChangesAsync(ct);
        return PortalOutcome.Done(account);
    }

    /// <summary>"Forgot my password" or "mail me a sign-in link": mails the link when the address has an account; says nothing either way.</summary>
    public async Task<PortalOutcome> SendLinkAsync(PortalTokenKind kind, string? email, string language, string baseUrl, CancellationToken ct = default)
    {
        var address = email?.Trim().ToLowerInvariant() ?? "";
        if (address.Length == 0 || address.Length > 320 || !SaveMailbox.IsAddress(address))
        {
            return PortalOutcome.Refused("email", "portal.error.emailInvalid");
        }

        if (!await CanMailAsync(ct))
        {
            return PortalOutcome.Refused("form", "portal.error.mailUnavailable");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.Set<PortalAccount>().AsNoTracking().FirstOrDefaultAsync(a => a.Email == address, ct);
        if (account is not null)
        {
            var template = account.EmailConfirmedAt is null ? "verify" : kind == PortalTokenKind.Reset ? "reset" : "magic";
            await MailAsync(address, template, account, account.EmailConfirmedAt is null ? PortalTokenKind.Verify : kind, language, baseUrl, ct);
        }

        return PortalOutcome.Done();
    }

    /// <summary>Signs in with a mailed magic link; using it once spends it.</summary>
    public async Task<PortalOutcome> SignInWithLinkAsync(string? token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await AccountOfAsync(db, PortalTokenKind.MagicLink, token, ct);
        if (account is null)
        {
            return PortalOutcome.Refused("token", "portal.error.linkInvalid");
        }

        if (account.LockedUntil > Now())
        {
            return PortalOutcome.Refused("form", "portal.error.locked");
        }

        account.LastSignInAt = Now();
        await db.SaveChangesAsync(ct);
        return PortalOutcome.Done(account);
    }

    /// <summary>Whether a reset link is still good (the page asks before showing the form).</summary>
    public async Task<bool> IsResetLinkValidAsync(string? token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await AccountOfAsync(db, PortalTokenKind.Reset, token, ct) is not null;
    }

    /// <summary>Sets a new password from a reset link: the link, other reset links and every signed-in session stop working.</summary>
    public async Task<PortalOutcome> ResetPasswordAsync(string? token, string? password, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await AccountOfAsync(db, PortalTokenKind.Reset, token, ct);
        if (account is null)
        {
            return PortalOutcome.Refused("token", "portal.error.linkInvalid");
        }

        if (PasswordProblem(password, account.Email) is { } problem)
        {
            return PortalOutcome.Refused("password", problem);
        }

        account.PasswordHash = _hasher.HashPassword(account, password!);
        account.SecurityStamp = Guid.NewGuid().ToString("N");
        account.FailedSignIns = 0;
        account.LockedUntil = null;
        account.EmailConfirmedAt ??= Now();
        account.LastSignInAt = Now();
        await db.SaveChangesAsync(ct);
        return PortalOutcome.Done(account);
    }

    /// <summary>The customer principal's facts for an account (who they are, whether they see their organisation's cases).</summary>
    public async Task<PortalCustomer?> CustomerAsync(Guid accountId, CancellationToken ct = default) =>
        (await CurrentAsync(accountId, ct))?.Customer;

    /// <summary>The account's customer facts and security stamp in one read, or null when it is gone (the cookie check on each portal request).</summary>
    public async Task<(PortalCustomer Customer, string Stamp)?> CurrentAsync(Guid accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<PortalAccount>().AsNoTracking().Where(a => a.Id == accountId)
            .Select(a => new
            {
                Customer = new PortalCustomer(a.Id, a.ContactId, a.Contact!.Name, a.Email, a.Contact.Language ?? UiLanguage.Persian,
                    a.Contact.IsPortalOrganisationAdmin ? a.Contact.AccountId : null),
                a.SecurityStamp,
            })
            .FirstOrDefaultAsync(ct);
        return row is null ? null : (row.Customer, row.SecurityStamp);
    }

    public static string? PasswordProblem(string? password, string email) =>
        string.IsNullOrEmpty(password) || password.Length < PasswordMinLength ? "portal.error.passwordTooShort"
        : password.Length > 200 ? "portal.error.passwordTooLong"
        : string.Equals(password, email, StringComparison.OrdinalIgnoreCase) ? "portal.error.passwordIsEmail"
        : null;

    private async Task<PortalAccount?> AccountOfAsync(PishkhanDbContext db, PortalTokenKind kind, string? token, CancellationToken ct)
    {
        if (tokens.Read(kind, token) is not { } read)
        {
            return null;
        }

        var account = await db.Set<PortalAccount>().FirstOrDefaultAsync(a => a.Id == read.AccountId, ct);
        return account is not null && PortalTokens.Matches(kind, account, read.Fingerprint) ? account : null;
    }

    private async Task<bool> CanMailAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Mailbox>().AnyAsync(m => m.IsActive, ct);
    }

    private async Task MailAsync(string to, string template, PortalAccount account, PortalTokenKind kind, string language, string baseUrl, CancellationToken ct)
    {
        var fa = language != UiLanguage.English;
        var path = template switch
        {
            "verify" => "/portal/verify",
            "reset" => "/portal/reset",
            "magic" => "/portal/magic",
            _ => "/portal/login",
        };
        var root = (options.Value.PublicUrl is { Length: > 0 } configured ? configured : baseUrl).TrimEnd('/');
        var link = template == "already" ? $"{root}{path}" : $"{root}{path}?token={Uri.EscapeDataString(tokens.Create(kind, account))}";
        var mail = new EmailTemplate(PortalMail.Subject(template, fa), PortalMail.Body(template, fa));
        var sent = await outbox.SendTemplateAsync(to, mail, new Dictionary<string, string> { ["link"] = link }, PortalActor, ct: ct);
        if (sent is not Outcome<OutboundEmailDto>.Ok)
        {
            logger.LogWarning("The portal's {Template} email to {To} could not be queued: {Outcome}.", template, to, sent);
        }
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private static readonly string DummyHash = new PasswordHasher<PortalAccount>().HashPassword(new PortalAccount { Email = "" }, Guid.NewGuid().ToString());
}
