using Pishkhan.Platform.Auditing;

namespace Pishkhan.Features.Accounts;

/// <summary>An organisation the business serves (a customer company).</summary>
public sealed class Account : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string? Domain { get; set; }
    public string? Phone { get; set; }
    public string? Tier { get; set; }
    public List<string> Tags { get; set; } = [];
    public Dictionary<string, string> CustomFields { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
    public string SearchText { get; set; } = "";
}
