using System.Collections.Frozen;
using System.Text;
using Ganss.Xss;
using Markdig;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Knowledge;

/// <summary>Limits, slugs and Markdown for articles.</summary>
public static class ArticleRules
{
    public const int TitleMaxLength = 300;
    public const int SummaryMaxLength = 1000;
    public const int BodyMaxLength = 200_000;
    public const int SlugMaxLength = 200;
    public const int CommentMaxLength = 2000;
    public const int MaxTags = 20;
    public const int TagMaxLength = 50;
    public static readonly string[] Languages = ["fa", "en"];

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    /// <summary>Markdown to HTML that is safe to show: raw HTML in the source is escaped and the result sanitised (no scripts, handlers, javascript: links).</summary>
    public static string RenderHtml(string markdown) => Sanitizer.Sanitize(Markdown.ToHtml(markdown ?? "", Pipeline));

    /// <summary>The words of the Markdown without its markup, for the index and snippets.</summary>
    public static string PlainText(string markdown) => Markdown.ToPlainText(markdown ?? "", Pipeline).Trim();

    /// <summary>A URL segment from a title: normalised letters and digits (Persian stays Persian), words joined by '-'.</summary>
    public static string Slugify(string title)
    {
        var normal = PersianText.NormalizeForSearch(title);
        var slug = new StringBuilder(normal.Length);
        foreach (var c in normal)
        {
            if (char.IsLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var result = slug.ToString().Trim('-');
        if (result.Length > SlugMaxLength - 8)
        {
            result = result[..(SlugMaxLength - 8)].TrimEnd('-');
        }

        return result.Length == 0 ? "article" : result;
    }

    public static bool IsValidSlug(string slug) =>
        slug.Length is > 0 and <= SlugMaxLength && slug.All(c => char.IsLetterOrDigit(c) || c == '-') && !slug.StartsWith('-') && !slug.EndsWith('-')
        && !slug.Any(char.IsUpper);

    internal static void Validate(FieldErrors errors, ArticleRequest request)
    {
        errors.Required("title", request.Title);
        errors.MaxLength("title", request.Title?.Trim(), TitleMaxLength);
        errors.MaxLength("summary", request.Summary?.Trim(), SummaryMaxLength);
        errors.MaxLength("body", request.Body, BodyMaxLength);
        if (request.Language is not null && !Languages.Contains(request.Language))
        {
            errors.Add("language", "'language' must be 'fa' or 'en'.");
        }

        if (request.Slug is { Length: > 0 } slug && !IsValidSlug(slug))
        {
            errors.Add("slug", $"'slug' may hold lower-case letters, digits and single '-' between them, at most {SlugMaxLength} characters.");
        }

        if (request.Tags is { } tags)
        {
            if (tags.Count > MaxTags)
            {
                errors.Add("tags", $"At most {MaxTags} tags.");
            }

            if (tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Trim().Length > TagMaxLength))
            {
                errors.Add("tags", $"Each tag needs 1 to {TagMaxLength} characters.");
            }
        }

        if (request.Visibility is { } visibility && !Enum.IsDefined(visibility))
        {
            errors.Add("visibility", "'visibility' must be 'internal' or 'public'.");
        }

        foreach (var (field, i) in (request.Clear ?? []).Select((f, i) => (f, i)))
        {
            if (!ClearableFields.Contains(field))
            {
                errors.Add($"clear[{i}]", $"'{field}' cannot be cleared; 'clear' may name {string.Join(", ", ClearableFields.Order().Select(f => $"'{f}'"))}.");
            }
            else if ((field == "categoryId" && request.CategoryId is not null) || (field == "nextReviewAt" && request.NextReviewAt is not null))
            {
                errors.Add($"clear[{i}]", $"'{field}' is both given a value and cleared; send one or the other.");
            }
        }
    }

    /// <summary>The optional fields an edit may empty by naming them in <see cref="ArticleRequest.Clear"/>
    /// (an absent field means "leave as it is").</summary>
    internal static readonly FrozenSet<string> ClearableFields = new[] { "categoryId", "nextReviewAt" }.ToFrozenSet();

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedAttributes.Add("id");
        return sanitizer;
    }
}
