using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pishkhan.Features.Cases;

namespace Pishkhan.Features.Satisfaction;

/// <summary>
/// The satisfaction survey (نظرسنجی رضایت) of one case: offered to the case's contact when the case first enters a
/// status of the resolved category, answered with a 1–5 rating and a comment through the link that carries
/// <see cref="Token"/>, and changeable until <see cref="ChangeableUntil"/>. At most one per case, ever: a case resolved
/// again keeps its survey (one answer per case).
/// </summary>
public sealed class SatisfactionSurvey
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CaseId { get; set; }
    public Guid ContactId { get; set; }

    /// <summary>The case's owner and team when it was resolved: the agent and team the answer is about.</summary>
    public Guid? OwnerId { get; set; }

    public Guid? TeamId { get; set; }

    /// <summary>
    /// The link's secret (32 random URL-safe characters), the only credential of the public survey page. Stored as is,
    /// under a unique index: the same text is in the queued email anyway, and the portal shows the link too.
    /// </summary>
    public string Token { get; set; } = "";

    /// <summary>When the survey was offered (the resolution).</summary>
    public DateTime SentAt { get; set; }

    /// <summary>The answer can be given or changed until this instant (<see cref="SentAt"/> + 7 days); read-only after.</summary>
    public DateTime ChangeableUntil { get; set; }

    public int? Rating { get; set; }
    public string? Comment { get; set; }

    /// <summary>When the customer first answered; <see cref="ChangedAt"/> is their last change.</summary>
    public DateTime? AnsweredAt { get; set; }

    public DateTime? ChangedAt { get; set; }

    public SurveyEmailStatus EmailStatus { get; set; } = SurveyEmailStatus.Pending;

    /// <summary>The outbox row of the survey email, once queued.</summary>
    public Guid? OutboundEmailId { get; set; }
}

/// <summary>What became of the survey email.</summary>
public enum SurveyEmailStatus
{
    /// <summary>Not queued yet: the mailer has not run, or no mailbox is active (it waits for one).</summary>
    Pending = 1,

    /// <summary>In the email outbox (its delivery is the outbox's: retries, failures on the case's Emails tab).</summary>
    Queued = 2,

    /// <summary>Not sent: the contact has no email address (the portal still shows the survey).</summary>
    NoAddress = 3,

    /// <summary>Not sent: no mailbox became active before the survey closed.</summary>
    Expired = 4,

    /// <summary>Not sent: the customer had already answered (through the portal).</summary>
    AlreadyAnswered = 5,
}

internal sealed class SatisfactionSurveyConfiguration : IEntityTypeConfiguration<SatisfactionSurvey>
{
    public void Configure(EntityTypeBuilder<SatisfactionSurvey> builder)
    {
        builder.ToTable("SatisfactionSurveys");
        builder.HasOne<Case>().WithMany().HasForeignKey(s => s.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => s.CaseId).IsUnique();
        builder.Property(s => s.Token).HasMaxLength(64);
        builder.HasIndex(s => s.Token).IsUnique();
        builder.Property(s => s.Comment).HasMaxLength(SurveyRules.CommentMaxLength);

        // Two mailers must not both queue the email: the second one's save fails on this token and rolls back.
        builder.Property(s => s.EmailStatus).IsConcurrencyToken();

        // Reports and the answer list read answers by when they were given; the mailer reads pending emails.
        builder.HasIndex(s => s.AnsweredAt);
        builder.HasIndex(s => new { s.EmailStatus, s.SentAt });
    }
}
