using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Contacts;

/// <summary>
/// Finds contacts: by name or email text, or by phone in any of its forms (normalised to E.164 first).
/// </summary>
public sealed class GetContact(IDbContextFactory<PishkhanDbContext> dbFactory)
{
    public async Task<ContactDto?> ByIdAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await LoadAsync(db, id, ct);
    }

    public async Task<Outcome<PagedResult<ContactDto>>> ListAsync(string? q, string? phone, Guid? accountId, int page, int pageSize, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        Paging.Validate(errors, page, pageSize);
        string? e164 = null;
        if (!string.IsNullOrWhiteSpace(phone))
        {
            e164 = PhoneFormat.ToE164(phone);
            if (e164 is null)
            {
                errors.Add("phone", $"'{phone}' is not a valid phone number.");
            }
        }

        if (errors.Any)
        {
            return errors;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var contacts = db.Contacts.AsNoTracking();
        if (e164 is not null)
        {
            contacts = contacts.Where(c => db.ContactChannels.Any(ch => ch.ContactId == c.Id && ch.Kind == ContactChannelKind.Phone && ch.Value == e164));
        }

        var text = PersianText.NormalizeForSearch(q);
        if (text.Length > 0)
        {
            // A query that reads as a phone number also finds the contact with that number.
            var asPhone = PhoneFormat.ToE164(q);
            contacts = contacts.Where(c => c.SearchText.Contains(text)
                || (asPhone != null && db.ContactChannels.Any(ch => ch.ContactId == c.Id && ch.Kind == ContactChannelKind.Phone && ch.Value == asPhone)));
        }

        if (accountId is { } account)
        {
            contacts = contacts.Where(c => c.AccountId == account);
        }

        var total = await contacts.CountAsync(ct);
        var items = await contacts.OrderBy(c => c.Name).ThenBy(c => c.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Include(c => c.Account).Include(c => c.Channels).AsSplitQuery().ToListAsync(ct);
        return new PagedResult<ContactDto>(items.Select(ContactDto.From).ToList(), total, page, pageSize);
    }

    internal static async Task<ContactDto?> LoadAsync(PishkhanDbContext db, Guid id, CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking().Include(c => c.Account).Include(c => c.Channels).FirstOrDefaultAsync(c => c.Id == id, ct);
        return contact is null ? null : ContactDto.From(contact);
    }
}
