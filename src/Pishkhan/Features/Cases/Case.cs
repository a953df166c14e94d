using Pishkhan.Features.Accounts;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Auditing;

namespace Pishkhan.Features.Cases;

/// <summary>A customer's request, from intake to closure, with its timeline.</summary>
public sealed class Case : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Human-readable number: the Jalali year and a sequence within it, e.g. <c>1405-000123</c>.</summary>
    public string Number { get; set; } = "";

    public required string Subject { get; set; }
    public string Description { get; set; } = "";
    public CaseChannel Channel { get; set; } = CaseChannel.Web;
    public Guid? CategoryId { get; set; }
    public Category? Category { get; set; }
    public string? Product { get; set; }
    public Level Urgency { get; set; } = Level.Medium;
    public Level Impact { get; set; } = Level.Medium;
    public Priority Priority { get; set; } = Priority.Medium;

    /// <summary>Someone set the priority by hand; it holds until urgency or impact change, then the matrix decides again.</summary>
    public bool PriorityOverridden { get; set; }
    public Guid StatusId { get; set; }
    public CaseStatus? Status { get; set; }
    public Guid? OwnerId { get; set; }
    public AppUser? Owner { get; set; }
    public Guid? TeamId { get; set; }
    public Team? Team { get; set; }
    public Guid ContactId { get; set; }
    public Contact? Contact { get; set; }
    public Guid? AccountId { get; set; }
    public Account? Account { get; set; }
    public List<string> Tags { get; set; } = [];
    public Dictionary<string, string> CustomFields { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? FirstResponseAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public DateTime? ClosedAt { get; set; }

    /// <summary>The queue the case waits in or was assigned from (routing).</summary>
    public Guid? QueueId { get; set; }

    /// <summary>When the case (last) entered its queue without an owner; waiting time counts from here.</summary>
    public DateTime? QueuedAt { get; set; }

    /// <summary>When the current owner got it, and when they accepted it (or answered, which also accepts).</summary>
    public DateTime? AssignedAt { get; set; }

    public DateTime? AcceptedAt { get; set; }

    /// <summary>How many times the case went back to its queue because nobody accepted it in time.</summary>
    public int RoutingHops { get; set; }

    /// <summary>Concurrency token: every update increments it, and a stale edit is refused.</summary>
    public int Version { get; set; }

    /// <summary>Normalised number, subject and description, for the list's text filter.</summary>
    public string SearchText { get; set; } = "";
}

public enum CaseChannel
{
    Web = 1,
    Email = 2,
    Phone = 3,
    Portal = 4,
    Chat = 5,
    Sms = 6,
    Api = 7,
}

/// <summary>
/// A step of the urgency or impact scale, most severe first. The priority matrix (Features/Triage) uses 2–5 of them
/// per axis; the default 3 × 3 uses High, Medium and Low, whose stored numbers predate the other two.
/// </summary>
public enum Level
{
    Critical = 0,
    High = 1,
    Medium = 2,
    Low = 3,
    Minimal = 4,
}

/// <summary>Case priority; the numeric order sorts the most urgent first.</summary>
public enum Priority
{
    Critical = 1,
    High = 2,
    Medium = 3,
    Low = 4,
}

/// <summary>A named status (custom per organisation) that belongs to one fixed category.</summary>
public sealed class CaseStatus
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public required string NameFa { get; set; }
    public StatusCategory Category { get; set; }
    public int Position { get; set; }

    /// <summary>The status new cases get.</summary>
    public bool IsDefault { get; set; }
}

public enum StatusCategory
{
    New = 1,
    Open = 2,
    Waiting = 3,
    Resolved = 4,
    Closed = 5,
}

/// <summary>A node in the subject tree (e.g. Billing › Invoices).</summary>
public sealed class Category
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public required string NameFa { get; set; }
    public Guid? ParentId { get; set; }
    public Category? Parent { get; set; }
}

/// <summary>The per-Jalali-year counter behind case numbers.</summary>
public sealed class CaseNumberCounter
{
    public int Year { get; set; }
    public long Value { get; set; }
}
