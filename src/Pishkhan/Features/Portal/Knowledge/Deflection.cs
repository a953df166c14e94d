using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pishkhan.Features.Knowledge;

namespace Pishkhan.Features.Portal.Knowledge;

/// <summary>
/// One visit to the portal's new-request form (its <see cref="FormId"/> is a GUID the form page makes), from the
/// first article suggested to it. <see cref="LastActivityAt"/> moves with every suggestion shown or opened; the form
/// is "deflected" when a suggestion was opened and no request was submitted (see <see cref="DeflectionRules"/>).
/// </summary>
public sealed class DeflectionSession
{
    public Guid FormId { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime LastActivityAt { get; set; }

    /// <summary>When a suggestion was first opened from this form; null while none was.</summary>
    public DateTime? FirstOpenedAt { get; set; }

    /// <summary>The request the form became, once submitted.</summary>
    public Guid? CaseId { get; set; }

    public DateTime? SubmittedAt { get; set; }
}

/// <summary>An article suggested to a form session, and whether (when) the customer opened it.</summary>
public sealed class DeflectionSuggestion
{
    public Guid FormId { get; set; }
    public Guid ArticleId { get; set; }
    public DateTime ShownAt { get; set; }
    public DateTime? OpenedAt { get; set; }
}

internal sealed class DeflectionSessionConfiguration : IEntityTypeConfiguration<DeflectionSession>
{
    public void Configure(EntityTypeBuilder<DeflectionSession> builder)
    {
        builder.ToTable("KbDeflectionSessions");
        builder.HasKey(s => s.FormId);
        builder.HasIndex(s => s.StartedAt);
    }
}

internal sealed class DeflectionSuggestionConfiguration : IEntityTypeConfiguration<DeflectionSuggestion>
{
    public void Configure(EntityTypeBuilder<DeflectionSuggestion> builder)
    {
        builder.ToTable("KbDeflectionSuggestions");
        builder.HasKey(s => new { s.FormId, s.ArticleId });
        builder.HasOne<DeflectionSession>().WithMany().HasForeignKey(s => s.FormId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Article>().WithMany().HasForeignKey(s => s.ArticleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => s.ArticleId);
    }
}
