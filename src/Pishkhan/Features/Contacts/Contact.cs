using Pishkhan.Features.Accounts;
using Pishkhan.Platform.Auditing;

namespace Pishkhan.Features.Contacts;

/// <summary>A person who writes to the business, optionally belonging to an <see cref="Account"/>.</summary>
public sealed class Contact : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public Guid? AccountId { get; set; }
    public Account? Account { get; set; }
    public string? Language { get; set; }
    public List<string> Tags { get; set; } = [];
    public Dictionary<string, string> CustomFields { get; set; } = [];

    /// <summary>In the customer portal, sees every case of their account (organisation), not only their own.</summary>
    public bool IsPortalOrganisationAdmin { get; set; }

    /// <summary>Email addresses and phone numbers, each unique across contacts so a message finds one person.</summary>
    public List<ContactChannel> Channels { get; } = [];

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
    public string SearchText { get; set; } = "";

    public IEnumerable<string> Emails => Channels.Where(c => c.Kind == ContactChannelKind.Email).Select(c => c.Value);
    public IEnumerable<string> Phones => Channels.Where(c => c.Kind == ContactChannelKind.Phone).Select(c => c.Value);
}

/// <summary>One email address (lower-cased) or phone number (E.164) of a contact.</summary>
public sealed class ContactChannel
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ContactId { get; set; }
    public ContactChannelKind Kind { get; set; }
    public required string Value { get; set; }
}

public enum ContactChannelKind
{
    Email = 1,
    Phone = 2,
}
