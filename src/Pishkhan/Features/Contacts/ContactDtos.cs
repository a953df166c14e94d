using Pishkhan.Features.Cases;

namespace Pishkhan.Features.Contacts;

public sealed record ContactDto(
    Guid Id,
    string Name,
    Ref? Account,
    string? Language,
    IReadOnlyList<string> Emails,
    IReadOnlyList<string> Phones,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> CustomFields,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int Version,
    bool PortalOrganisationAdmin = false)
{
    public static ContactDto From(Contact c) => new(
        c.Id,
        c.Name,
        c.Account is null ? null : new Ref(c.Account.Id, c.Account.Name),
        c.Language,
        c.Emails.Order().ToList(),
        c.Phones.Order().ToList(),
        c.Tags,
        c.CustomFields,
        c.CreatedAt,
        c.UpdatedAt,
        c.Version,
        c.IsPortalOrganisationAdmin);
}

/// <summary>
/// A contact's fields, for create and for update (where <see cref="Version"/> must be the one last read).
/// <see cref="PortalOrganisationAdmin"/>: null leaves it as it is.
/// </summary>
public sealed record ContactRequest(
    string? Name,
    Guid? AccountId = null,
    string? Language = null,
    List<string>? Emails = null,
    List<string>? Phones = null,
    List<string>? Tags = null,
    Dictionary<string, string>? CustomFields = null,
    int? Version = null,
    bool? PortalOrganisationAdmin = null);
