namespace Pishkhan.Features.Knowledge;

/// <summary>Create or edit an article. On edit, <see cref="Version"/> is the version last read (a stale one is refused with 409).</summary>
public sealed record ArticleRequest(
    string? Title,
    string? Summary = null,
    string? Body = null,
    Guid? CategoryId = null,
    List<string>? Tags = null,
    string? Language = null,
    ArticleVisibility? Visibility = null,
    Guid? OwnerId = null,
    DateTime? NextReviewAt = null,
    string? Slug = null,
    Guid? TranslationOf = null,
    int? Version = null,
    string? Note = null,
    List<string>? Clear = null);

public sealed record ArticleDto(
    Guid Id,
    string Slug,
    string Title,
    string Summary,
    string Body,
    string Html,
    Guid? CategoryId,
    IReadOnlyList<string> Tags,
    string Language,
    Guid TranslationGroupId,
    IReadOnlyList<TranslationRef> Translations,
    ArticleVisibility Visibility,
    ArticleStatus Status,
    Guid? OwnerId,
    DateTime? NextReviewAt,
    DateTime? PublishAt,
    DateTime? PublishedAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int ViewCount,
    int HelpfulCount,
    int NotHelpfulCount,
    int Version)
{
    internal static ArticleDto From(Article a, IReadOnlyList<TranslationRef> translations) => new(
        a.Id, a.Slug, a.Title, a.Summary, a.Body, ArticleRules.RenderHtml(a.Body), a.CategoryId, a.Tags, a.Language, a.TranslationGroupId,
        translations, a.Visibility, a.Status, a.OwnerId, a.NextReviewAt, a.PublishAt, a.PublishedAt, a.CreatedAt, a.UpdatedAt,
        a.ViewCount, a.HelpfulCount, a.NotHelpfulCount, a.Version);
}

public sealed record TranslationRef(Guid Id, string Language, string Title, string Slug, ArticleStatus Status);

public sealed record ArticleListItem(
    Guid Id, string Slug, string Title, string Summary, string Language, ArticleStatus Status, ArticleVisibility Visibility,
    Guid? CategoryId, Guid? OwnerId, DateTime UpdatedAt, DateTime? NextReviewAt, DateTime? PublishAt, int ViewCount, int HelpfulCount, int NotHelpfulCount, int Version);

public sealed record ArticleVersionDto(Guid Id, int Number, string Title, string Summary, string Body, IReadOnlyList<string> Tags, ArticleStatus Status, string Note, string AuthorName, DateTime CreatedAt);

public sealed record ArticleVersionSummary(Guid Id, int Number, string Title, ArticleStatus Status, string Note, string AuthorName, DateTime CreatedAt);

/// <summary>A lifecycle step. <see cref="PublishAt"/> (with <c>publish</c>) schedules publishing for later.</summary>
public sealed record ArticleTransitionRequest(int? Version, DateTime? PublishAt = null, string? Note = null);

public sealed record FeedbackRequest(bool? Helpful, string? Comment = null);

public sealed record FeedbackDto(Guid Id, bool Helpful, string? Comment, string By, DateTime CreatedAt);

public sealed record KbCategoryRequest(string? Name, string? NameFa = null, Guid? ParentId = null, int Position = 0);

public sealed record KbCategoryDto(Guid Id, string Name, string NameFa, Guid? ParentId, int Position, int Depth);

public sealed record SynonymGroupRequest(List<string>? Terms);

public sealed record SynonymGroupDto(Guid Id, IReadOnlyList<string> Terms, DateTime UpdatedAt);

public sealed record CaseLinkDto(Guid ArticleId, Guid CaseId, string Title, string Slug, DateTime LinkedAt);
