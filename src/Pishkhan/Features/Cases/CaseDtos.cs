using System.Linq.Expressions;

namespace Pishkhan.Features.Cases;

public sealed record Ref(Guid Id, string Name);

public sealed record StatusRef(Guid Id, string Name, string NameFa, StatusCategory Category);

public sealed record CategoryRef(Guid Id, string Name, string NameFa);

/// <summary>A case as the API returns it.</summary>
public sealed record CaseDto(
    Guid Id,
    string Number,
    string Subject,
    string Description,
    CaseChannel Channel,
    CategoryRef? Category,
    string? Product,
    Level Urgency,
    Level Impact,
    Priority Priority,
    StatusRef Status,
    Ref? Owner,
    Ref? Team,
    Ref Contact,
    Ref? Account,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> CustomFields,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? FirstResponseAt,
    DateTime? ResolvedAt,
    DateTime? ClosedAt,
    int Version,
    bool PriorityOverridden = false)
{
    /// <summary>One projection for every read, so the list, the page and the API never drift apart.</summary>
    public static readonly Expression<Func<Case, CaseDto>> Projection = c => new CaseDto(
        c.Id,
        c.Number,
        c.Subject,
        c.Description,
        c.Channel,
        c.Category == null ? null : new CategoryRef(c.Category.Id, c.Category.Name, c.Category.NameFa),
        c.Product,
        c.Urgency,
        c.Impact,
        c.Priority,
        new StatusRef(c.Status!.Id, c.Status.Name, c.Status.NameFa, c.Status.Category),
        c.Owner == null ? null : new Ref(c.Owner.Id, c.Owner.DisplayName),
        c.Team == null ? null : new Ref(c.Team.Id, c.Team.Name),
        new Ref(c.Contact!.Id, c.Contact.Name),
        c.Account == null ? null : new Ref(c.Account.Id, c.Account.Name),
        c.Tags,
        c.CustomFields,
        c.CreatedAt,
        c.UpdatedAt,
        c.FirstResponseAt,
        c.ResolvedAt,
        c.ClosedAt,
        c.Version,
        c.PriorityOverridden);
}

public sealed record AttachmentDto(Guid Id, string FileName, string ContentType, long Size, DateTime CreatedAt);

public sealed record TimelineEntryDto(
    Guid Id,
    TimelineKind Kind,
    bool IsPublic,
    string Body,
    string AuthorName,
    Guid? AuthorUserId,
    Guid? AuthorContactId,
    string? Field,
    string? OldValue,
    string? NewValue,
    DateTime CreatedAt,
    IReadOnlyList<AttachmentDto> Attachments);
