using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Attachments;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Email;

/// <summary>
/// The public web form's fields. <c>website</c> is the honeypot: people never see it, bots fill it in. <c>formId</c>, when
/// given, makes a repeated submission (a second click, a resent post) open one case, not two.
/// </summary>
public sealed record WebFormRequest(
    string? Subject, string? Description, string? Email, string? Phone = null, Guid? CategoryId = null, string? Website = null, string? Language = null,
    Guid? FormId = null);

public sealed record WebFormResult(bool Accepted, string? CaseNumber);

public sealed class WebFormOptions
{
    /// <summary>Submissions allowed per client address per minute.</summary>
    public int PerMinute { get; set; } = 5;

    /// <summary>The mailbox that sends the confirmation; none: the first active mailbox.</summary>
    public Guid? MailboxId { get; set; }

    /// <summary>
    /// Which sites may show the form page (<c>/forms/case</c>) in a frame: a Content-Security-Policy
    /// <c>frame-ancestors</c> source list, such as <c>https://www.example.com</c>; <c>*</c> (the default) allows any.
    /// </summary>
    public string FrameAncestors { get; set; } = "*";
}

/// <summary>
/// The public form: finds or creates the contact, opens a case through <see cref="CreateCase"/> (channel web) with the
/// description and files as the customer's first message, and queues the confirmation email. Rate-limited per client
/// address; a filled honeypot is accepted and dropped. Errors name the field; file problems are text keys
/// (<c>upload.error.*</c>, see <see cref="CustomerUploads"/>).
/// </summary>
public sealed class WebForm(
    IDbContextFactory<PishkhanDbContext> dbFactory, CreateCase createCase, SaveContact saveContact, CustomerUploads uploads,
    IOptions<WebFormOptions> options, TimeProvider clock)
{
    private static readonly Actor FormActor = new(null, null, "Web form", UserRole.Admin, new HashSet<string>(Scopes.All));
    private readonly ConcurrentDictionary<string, (long Minute, int Count)> _recent = new();

    public bool Allow(string client)
    {
        var minute = clock.GetUtcNow().ToUnixTimeSeconds() / 60;
        var entry = _recent.AddOrUpdate(client, (minute, 1), (_, e) => e.Minute == minute ? (minute, e.Count + 1) : (minute, 1));
        if (_recent.Count > 10_000)
        {
            foreach (var stale in _recent.Where(e => e.Value.Minute != minute).Select(e => e.Key).ToList())
            {
                _recent.TryRemove(stale, out _);
            }
        }

        return entry.Count <= options.Value.PerMinute;
    }

    public async Task<Outcome<WebFormResult>> SubmitAsync(WebFormRequest request, IReadOnlyList<Upload>? files = null, CancellationToken ct = default)
    {
        if (!string.IsNullOrEmpty(request.Website))
        {
            return new WebFormResult(true, null);
        }

        var errors = new FieldErrors();
        errors.Required("subject", request.Subject);
        errors.MaxLength("subject", request.Subject?.Trim(), CaseRules.SubjectMaxLength);
        errors.Required("description", request.Description);
        errors.MaxLength("description", request.Description?.Trim(), CaseRules.DescriptionMaxLength);

        var email = request.Email?.Trim().ToLowerInvariant();
        errors.Required("email", email);
        if (!string.IsNullOrEmpty(email) && !SaveMailbox.IsAddress(email))
        {
            errors.Add("email", $"'{request.Email}' is not an email address.");
        }

        if (errors.Any)
        {
            return errors;
        }

        // Files last: they are stored only once everything else is right (content-addressed, so a retry stores nothing twice).
        var stored = await uploads.StoreAsync(files ?? [], errors, ct);
        if (errors.Any)
        {
            return errors;
        }

        Guid contactId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            contactId = await db.ContactChannels.Where(c => c.Kind == ContactChannelKind.Email && c.Value == email).Select(c => c.ContactId).FirstOrDefaultAsync(ct);
        }

        if (contactId == Guid.Empty)
        {
            var phones = string.IsNullOrWhiteSpace(request.Phone) ? null : new List<string> { request.Phone };
            var language = request.Language is UiLanguage.English or UiLanguage.Persian ? request.Language : null;
            var created = await saveContact.CreateAsync(new ContactRequest(email!, Emails: [email!], Phones: phones, Language: language), FormActor, ct);
            switch (created)
            {
                case Outcome<ContactDto>.Ok ok:
                    contactId = ok.Value.Id;
                    break;
                case Outcome<ContactDto>.Invalid invalid:
                    return new Outcome<WebFormResult>.Invalid(invalid.Errors.ToDictionary(e => e.Key.StartsWith("phones", StringComparison.Ordinal) ? "phone" : e.Key, e => e.Value));
                default:
                    return new Outcome<WebFormResult>.Conflict("The contact could not be created.");
            }
        }

        var key = request.FormId is { } formId ? $"webform:{formId:N}" : null;
        var result = await createCase.HandleAsync(
            new CreateCaseRequest(request.Subject!.Trim(), request.Description!.Trim(), contactId, Channel: "web", CategoryId: request.CategoryId), FormActor, key, ct);
        if (result is not Outcome<CaseDto>.Ok caseOk)
        {
            return result switch
            {
                Outcome<CaseDto>.Invalid invalid => new Outcome<WebFormResult>.Invalid(invalid.Errors),
                _ => new Outcome<WebFormResult>.Conflict("The case could not be created."),
            };
        }

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.Actor = FormActor;
            if (await db.TimelineEntries.AnyAsync(e => e.CaseId == caseOk.Value.Id && e.Kind == TimelineKind.InboundMessage, ct))
            {
                return new WebFormResult(true, caseOk.Value.Number); // the same form sent again: its case, message and email exist
            }

            // The request is the customer's first message, with its files, as an email's would be.
            var now = clock.GetUtcNow().UtcDateTime;
            var entry = new TimelineEntry
            {
                CaseId = caseOk.Value.Id,
                Kind = TimelineKind.InboundMessage,
                IsPublic = true,
                Body = request.Description!.Trim(),
                AuthorContactId = contactId,
                AuthorName = email!,
                CreatedAt = now,
            };
            foreach (var file in stored)
            {
                file.CaseId = caseOk.Value.Id;
                entry.Attachments.Add(file);
            }

            db.TimelineEntries.Add(entry);
            var mailbox = options.Value.MailboxId is { } configured
                ? await db.Set<Mailbox>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == configured, ct)
                : await EmailOutbox.PreferredOrFirstActiveAsync(db, null, ct);
            if (mailbox is not null)
            {
                // Queued with the message, so both are saved or neither; the sender delivers it after the commit.
                var persian = request.Language != UiLanguage.English;
                var body = persian
                    ? $"درخواست شما با شماره {caseOk.Value.Number} ثبت شد. پاسخ ما به همین نشانی فرستاده می‌شود."
                    : $"We received your request; its number is {caseOk.Value.Number}. Our answer will come to this address.";
                var subject = InboundParser.WithCaseToken(caseOk.Value.Subject, caseOk.Value.Number);
                EmailOutbox.Add(db, mailbox, new OutgoingEmail(email!, subject, body, caseOk.Value.Id, contactId), [], isAutoReply: true, now);
            }

            await db.SaveChangesAsync(ct);
        }

        return new WebFormResult(true, caseOk.Value.Number);
    }
}
