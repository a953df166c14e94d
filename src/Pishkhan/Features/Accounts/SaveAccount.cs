using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Accounts;

public sealed record AccountDto(
    Guid Id,
    string Name,
    string? Domain,
    string? Phone,
    string? Tier,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> CustomFields,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int Version)
{
    public static AccountDto From(Account a) => new(a.Id, a.Name, a.Domain, a.Phone, a.Tier, a.Tags, a.CustomFields, a.CreatedAt, a.UpdatedAt, a.Version);
}

public sealed record AccountRequest(
    string? Name,
    string? Domain = null,
    string? Phone = null,
    string? Tier = null,
    List<string>? Tags = null,
    Dictionary<string, string>? CustomFields = null,
    int? Version = null);

/// <summary>Creates an account or replaces an existing one's fields (with the version last read).</summary>
public sealed class SaveAccount(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock)
{
    public async Task<Outcome<AccountDto>> SaveAsync(Guid? id, AccountRequest request, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        Account? account = null;
        if (id is { } existingId && (account = await db.Accounts.FirstOrDefaultAsync(a => a.Id == existingId, ct)) is null)
        {
            return new Outcome<AccountDto>.NotFound();
        }

        var errors = new FieldErrors();
        errors.Required("name", request.Name);
        errors.MaxLength("name", request.Name?.Trim(), 200);
        errors.MaxLength("domain", request.Domain, 253);
        errors.MaxLength("tier", request.Tier, 50);
        string? phone = null;
        if (!string.IsNullOrWhiteSpace(request.Phone) && (phone = PhoneFormat.ToE164(request.Phone)) is null)
        {
            errors.Add("phone", $"'{request.Phone}' is not a valid phone number.");
        }

        CaseRules.ValidateTags(errors, "tags", request.Tags);
        CaseRules.ValidateCustomFields(errors, "customFields", request.CustomFields);
        if (id is not null && request.Version is null)
        {
            errors.Add("version", "'version' is required: send the version you last read.");
        }

        if (errors.Any)
        {
            return errors;
        }

        if (account is not null && account.Version != request.Version)
        {
            return new Outcome<AccountDto>.Conflict($"The account was changed by someone else (your version {request.Version}, current {account.Version}). Reload it and try again.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (account is null)
        {
            account = new Account { Name = request.Name!.Trim(), CreatedAt = now };
            db.Accounts.Add(account);
        }
        else
        {
            account.Version++;
        }

        account.Name = request.Name!.Trim();
        account.Domain = string.IsNullOrWhiteSpace(request.Domain) ? null : request.Domain.Trim().ToLowerInvariant();
        account.Phone = phone;
        account.Tier = string.IsNullOrWhiteSpace(request.Tier) ? null : request.Tier.Trim();
        account.Tags = CaseRules.CleanTags(request.Tags ?? []);
        account.CustomFields = request.CustomFields ?? [];
        account.UpdatedAt = now;
        account.SearchText = PersianText.NormalizeForSearch($"{account.Name} {account.Domain}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Outcome<AccountDto>.Conflict("The account was changed by someone else while you were saving. Reload it and try again.");
        }

        return AccountDto.From(account);
    }

    public async Task<Outcome<PagedResult<AccountDto>>> ListAsync(string? q, int page, int pageSize, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        Paging.Validate(errors, page, pageSize);
        if (errors.Any)
        {
            return errors;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var accounts = db.Accounts.AsNoTracking();
        var text = PersianText.NormalizeForSearch(q);
        if (text.Length > 0)
        {
            accounts = accounts.Where(a => a.SearchText.Contains(text));
        }

        var total = await accounts.CountAsync(ct);
        var items = await accounts.OrderBy(a => a.Name).ThenBy(a => a.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedResult<AccountDto>(items.Select(AccountDto.From).ToList(), total, page, pageSize);
    }

    public async Task<AccountDto?> ByIdAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Accounts.AsNoTracking().Where(a => a.Id == id).Select(a => AccountDto.From(a)).FirstOrDefaultAsync(ct);
    }
}
