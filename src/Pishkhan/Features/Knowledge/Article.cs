using Pishkhan.Platform.Auditing;

namespace Pishkhan.Features.Knowledge;

/// <summary>
/// A knowledge-base article. Its Markdown body is the source; HTML is rendered (and sanitised) when shown.
/// Translations share a <see cref="TranslationGroupId"/>; every save adds an <see cref="ArticleVersion"/>.
/// </summary>
public sealed class Article : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The clean URL segment of the public page, <c>/kb/{slug}</c>; unique.</summary>
    public required string Slug { get; set; }

    public required string Title { get; set; }
    public string Summary { get; set; } = "";
    public string Body { get; set; } = "";
    public Guid? CategoryId { get; set; }
    public List<string> Tags { get; set; } = [];

    /// <summary><c>fa</c> or <c>en</c>.</summary>
    public string Language { get; set; } = "fa";

    /// <summary>Articles that are translations of each other share this id (the first one's own id).</summary>
    public Guid TranslationGroupId { get; set; }

    public ArticleVisibility Visibility { get; set; } = ArticleVisibility.Internal;
    public ArticleStatus Status { get; set; } = ArticleStatus.Draft;
    public Guid? OwnerId { get; set; }
    public DateTime? NextReviewAt { get; set; }

    /// <summary>When an approved article goes live; the sweeper publishes it then. Null when not scheduled.</summary>
    public DateTime? PublishAt { get; set; }

    public DateTime? PublishedAt { get; set; }
    public Guid? ApprovedById { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>The last change that the search index must see (content, status, learned terms): the index's change feed.</summary>
    public DateTime SearchChangedAt { get; set; }

    /// <summary>Words of the cases agents linked this article to, normalised; indexed with a low boost.</summary>
    public string LearnedTerms { get; set; } = "";

    public int ViewCount { get; set; }
    public int HelpfulCount { get; set; }
    public int NotHelpfulCount { get; set; }

    /// <summary>Concurrency token: every save increments it, and a stale edit is refused.</summary>
    public int Version { get; set; }
}

public enum ArticleStatus
{
    Draft = 1,
    InReview = 2,
    Published = 3,
    Archived = 4,
}

public enum ArticleVisibility
{
    Internal = 1,
    Public = 2,
}

/// <summary>A snapshot of an article's editable content, written on every save; restoring one writes a new version.</summary>
public sealed class ArticleVersion
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ArticleId { get; set; }
    public int Number { get; set; }
    public required string Title { get; set; }
    public string Summary { get; set; } = "";
    public string Body { get; set; } = "";
    public List<string> Tags { get; set; } = [];
    public ArticleStatus Status { get; set; }
    public string Note { get; set; } = "";
    public Guid? AuthorId { get; set; }
    public string AuthorName { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>A node of the knowledge-base category tree (separate from case categories).</summary>
public sealed class KbCategory : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string NameFa { get; set; } = "";
    public Guid? ParentId { get; set; }
    public int Position { get; set; }
}

/// <summary>"Was this helpful?" from an agent or a customer, with an optional comment.</summary>
public sealed class ArticleFeedback
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ArticleId { get; set; }
    public bool Helpful { get; set; }
    public string? Comment { get; set; }
    public Guid? UserId { get; set; }
    public string By { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>An agent linked this article to a case (it answered it); the case's words were learned by the article.</summary>
public sealed class ArticleCaseLink
{
    public Guid ArticleId { get; set; }
    public Guid CaseId { get; set; }
    public Guid? LinkedById { get; set; }
    public DateTime LinkedAt { get; set; }
}

/// <summary>Words an admin declared equivalent for search, across languages: «هنگ», «کند», «قفل», freeze, slow.</summary>
public sealed class SynonymGroup : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public List<string> Terms { get; set; } = [];
    public DateTime UpdatedAt { get; set; }
}
