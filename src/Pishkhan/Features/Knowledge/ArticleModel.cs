using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;

namespace Pishkhan.Features.Knowledge;

internal sealed class ArticleConfiguration : IEntityTypeConfiguration<Article>
{
    public void Configure(EntityTypeBuilder<Article> builder)
    {
        builder.ToTable("KbArticles");
        builder.Property(a => a.Slug).HasMaxLength(ArticleRules.SlugMaxLength);
        builder.HasIndex(a => a.Slug).IsUnique();
        builder.Property(a => a.Title).HasMaxLength(ArticleRules.TitleMaxLength);
        builder.Property(a => a.Summary).HasMaxLength(ArticleRules.SummaryMaxLength);
        builder.Property(a => a.Language).HasMaxLength(5);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.HasOne<KbCategory>().WithMany().HasForeignKey(a => a.CategoryId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(a => a.OwnerId).OnDelete(DeleteBehavior.Restrict);

        // The index's change feed and the scheduled-publishing sweep each read one of these in SQL.
        builder.HasIndex(a => a.SearchChangedAt);
        builder.HasIndex(a => new { a.Status, a.PublishAt });
        builder.HasIndex(a => a.TranslationGroupId);
        builder.HasIndex(a => new { a.OwnerId, a.NextReviewAt });
    }
}

internal sealed class ArticleVersionConfiguration : IEntityTypeConfiguration<ArticleVersion>
{
    public void Configure(EntityTypeBuilder<ArticleVersion> builder)
    {
        builder.ToTable("KbArticleVersions");
        builder.Property(v => v.Title).HasMaxLength(ArticleRules.TitleMaxLength);
        builder.Property(v => v.Summary).HasMaxLength(ArticleRules.SummaryMaxLength);
        builder.Property(v => v.Note).HasMaxLength(500);
        builder.Property(v => v.AuthorName).HasMaxLength(256);
        builder.HasIndex(v => new { v.ArticleId, v.Number }).IsUnique();
        builder.HasOne<Article>().WithMany().HasForeignKey(v => v.ArticleId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class KbCategoryConfiguration : IEntityTypeConfiguration<KbCategory>
{
    public void Configure(EntityTypeBuilder<KbCategory> builder)
    {
        builder.ToTable("KbCategories");
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.NameFa).HasMaxLength(200);
        builder.HasOne<KbCategory>().WithMany().HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ArticleFeedbackConfiguration : IEntityTypeConfiguration<ArticleFeedback>
{
    public void Configure(EntityTypeBuilder<ArticleFeedback> builder)
    {
        builder.ToTable("KbFeedback");
        builder.Property(f => f.Comment).HasMaxLength(ArticleRules.CommentMaxLength);
        builder.Property(f => f.By).HasMaxLength(256);
        builder.HasIndex(f => new { f.ArticleId, f.CreatedAt });
        builder.HasOne<Article>().WithMany().HasForeignKey(f => f.ArticleId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ArticleCaseLinkConfiguration : IEntityTypeConfiguration<ArticleCaseLink>
{
    public void Configure(EntityTypeBuilder<ArticleCaseLink> builder)
    {
        builder.ToTable("KbArticleCaseLinks");
        builder.HasKey(l => new { l.ArticleId, l.CaseId });
        builder.HasIndex(l => l.CaseId);
        builder.HasOne<Article>().WithMany().HasForeignKey(l => l.ArticleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Case>().WithMany().HasForeignKey(l => l.CaseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SynonymGroupConfiguration : IEntityTypeConfiguration<SynonymGroup>
{
    public void Configure(EntityTypeBuilder<SynonymGroup> builder) => builder.ToTable("KbSynonymGroups");
}
