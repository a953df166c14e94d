using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Contacts;

/// <summary>
/// Creates a contact or replaces an existing one's fields. Emails are lower-cased, phones become E.164, and an
/// address or number that already belongs to another contact is refused, naming that contact.
/// </summary>
public sealed class SaveContact(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock)
{
    public async Task<Outcome<ContactDto>> CreateAsync(ContactRequest request, Actor actor, CancellationToken ct = default) =>
        await SaveAsync(null, request, actor, ct);

    public async Task<Outcome<ContactDto>> UpdateAsync(Guid id, ContactRequest request, Actor actor, CancellationToken ct = default) =>
        await SaveAsync(id, request, actor, ct);

    private async Task<Outcome<ContactDto>> SaveAsync(Guid? id, ContactRequest request, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        Contact? contact = null;
        if (id is { } existingId)
        {
            contact = await db.Contacts.Include(c => c.Channels).FirstOrDefaultAsync(c => c.Id == existingId, ct);
            if (contact is null)
            {
                return new Outcome<ContactDto>.NotFound();
            }
        }

        var errors = new FieldErrors();
        errors.Required("name", request.Name);
        errors.MaxLength("name", request.Name?.Trim(), 200);
        if (request.Language is not null && !UiLanguage.IsSupported(request.Language))
        {
            errors.Add("language", "Use 'fa' or 'en'.");
        }

        if (request.AccountId is { } accountId && !await db.Accounts.AnyAsync(a => a.Id == accountId, ct))
        {
            errors.Add("accountId", $"No account has the id '{accountId}'.");
        }

        CaseRules.ValidateTags(errors, "tags", request.Tags);
        CaseRules.ValidateCustomFields(errors, "customFields", request.CustomFields);
        var channels = new List<ContactChannel>();
        for (var i = 0; i < (request.Emails?.Count ?? 0); i++)
        {
            var email = request.Emails![i]?.Trim().ToLowerInvariant();
            if (string.IsNullOrEmpty(email) || email.Length > 320 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
            {
                errors.Add($"emails[{i}]", $"'{request.Emails[i]}' is not an email address.");
            }
            else
            {
                channels.Add(new ContactChannel { Kind = ContactChannelKind.Email, Value = email });
            }
        }

        for (var i = 0; i < (request.Phones?.Count ?? 0); i++)
        {
            if (PhoneFormat.ToE164(request.Phones![i]) is { } e164)
            {
                channels.Add(new ContactChannel { Kind = ContactChannelKind.Phone, Value = e164 });
            }
            else
            {
                errors.Add($"phones[{i}]", $"'{request.Phones[i]}' is not a valid phone number.");
            }
        }

        channels = channels.DistinctBy(c => (c.Kind, c.Value)).ToList();
        var values = channels.Select(c => c.Value).ToList();
        var taken = await db.ContactChannels.AsNoTracking()
            .Where(c => values.Contains(c.Value) && c.ContactId != (id ?? Guid.Empty))
            .Join(db.Contacts, ch => ch.ContactId, co => co.Id, (ch, co) => new { ch.Kind, ch.Value, co.Name })
            .ToListAsync(ct);
        foreach (var clash in taken)
        {
            var field = clash.Kind == ContactChannelKind.Email ? "emails" : "phones";
            errors.Add(field, $"'{clash.Value}' already belongs to the contact '{clash.Name}'.");
        }

        if (id is not null && request.Version is null)
        {
            errors.Add("version", "'version' is required: send the version you last read.");
        }

        if (errors.Any)
        {
            return errors;
        }

        if (contact is not null && contact.Version != request.Version)
        {
            return new Outcome<ContactDto>.Conflict($"The contact was changed by someone else (your version {request.Version}, current {contact.Version}). Reload it and try again.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (contact is null)
        {
            contact = new Contact { Name = request.Name!.Trim(), CreatedAt = now };
            db.Contacts.Add(contact);
        }
        else
        {
            contact.Version++;
        }

        contact.Name = request.Name!.Trim();
        contact.AccountId = request.AccountId;
        contact.Language = request.Language;
        contact.IsPortalOrganisationAdmin = request.PortalOrganisationAdmin ?? contact.IsPortalOrganisationAdmin;
        contact.Tags = CaseRules.CleanTags(request.Tags ?? []);
        contact.CustomFields = request.CustomFields ?? [];
        contact.UpdatedAt = now;
        foreach (var gone in contact.Channels.Where(c => !channels.Any(n => n.Kind == c.Kind && n.Value == c.Value)).ToList())
        {
            contact.Channels.Remove(gone);
        }

        foreach (var added in channels.Where(n => !contact.Channels.Any(c => c.Kind == n.Kind && c.Value == n.Value)))
        {
            // Added explicitly: a preset Guid key found through a navigation would be taken for an existing row.
            added.ContactId = contact.Id;
            db.ContactChannels.Add(added);
            contact.Channels.Add(added);
        }

        contact.SearchText = PersianText.NormalizeForSearch($"{contact.Name} {string.Join(' ', contact.Emails)}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Outcome<ContactDto>.Conflict("The contact was changed by someone else while you were saving. Reload it and try again.");
        }

        return await GetContact.LoadAsync(db, contact.Id, ct) is { } dto ? dto : new Outcome<ContactDto>.NotFound();
    }
}
