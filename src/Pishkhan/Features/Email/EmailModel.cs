using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pishkhan.Features.Cases;

namespace Pishkhan.Features.Email;

internal sealed class MailboxConfiguration : IEntityTypeConfiguration<Mailbox>
{
    public void Configure(EntityTypeBuilder<Mailbox> builder)
    {
        builder.ToTable("EmailMailboxes");
        builder.Property(m => m.Name).HasMaxLength(200);
        builder.HasIndex(m => m.Name).IsUnique();
        builder.Property(m => m.Address).HasMaxLength(320);
        builder.HasIndex(m => m.Address).IsUnique();
        builder.Property(m => m.ImapHost).HasMaxLength(255);
        builder.Property(m => m.ImapUser).HasMaxLength(320);
        builder.Property(m => m.ImapFolder).HasMaxLength(200);
        builder.Property(m => m.SmtpHost).HasMaxLength(255);
        builder.Property(m => m.SmtpUser).HasMaxLength(320);
        builder.Property(m => m.Signature).HasMaxLength(2000);
        builder.Property(m => m.OutOfHoursTemplateEn).HasMaxLength(4000);
        builder.Property(m => m.OutOfHoursTemplateFa).HasMaxLength(4000);
        builder.Property(m => m.Version).IsConcurrencyToken();
    }
}

internal sealed class EmailMessageConfiguration : IEntityTypeConfiguration<EmailMessage>
{
    public void Configure(EntityTypeBuilder<EmailMessage> builder)
    {
        builder.ToTable("EmailMessages");
        builder.Property(m => m.MessageId).HasMaxLength(998);
        // The deduplication guarantee: one row per Message-ID, whoever tries to write it twice.
        builder.HasIndex(m => m.MessageId).IsUnique();
        builder.Property(m => m.ThreadTopic).HasMaxLength(64);
        builder.HasIndex(m => m.ThreadTopic);
        builder.Property(m => m.FromAddress).HasMaxLength(320);
        builder.Property(m => m.Subject).HasMaxLength(998);
        builder.Property(m => m.Threading).HasMaxLength(32);
        builder.HasIndex(m => m.CaseId);
        builder.HasOne<Mailbox>().WithMany().HasForeignKey(m => m.MailboxId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Case>().WithMany().HasForeignKey(m => m.CaseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OutboundEmailConfiguration : IEntityTypeConfiguration<OutboundEmail>
{
    public void Configure(EntityTypeBuilder<OutboundEmail> builder)
    {
        builder.ToTable("EmailOutbox");
        builder.Property(m => m.MessageId).HasMaxLength(998);
        builder.Property(m => m.To).HasMaxLength(320);
        builder.Property(m => m.Subject).HasMaxLength(998);
        builder.Property(m => m.InReplyTo).HasMaxLength(998);
        builder.Property(m => m.LastError).HasMaxLength(2000);
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt });
        builder.HasIndex(m => m.CaseId);
        builder.HasIndex(m => new { m.ContactId, m.IsAutoReply, m.CreatedAt });
        builder.HasOne<Mailbox>().WithMany().HasForeignKey(m => m.MailboxId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class QuarantinedEmailConfiguration : IEntityTypeConfiguration<QuarantinedEmail>
{
    public void Configure(EntityTypeBuilder<QuarantinedEmail> builder)
    {
        builder.ToTable("EmailQuarantine");
        builder.Property(m => m.Error).HasMaxLength(4000);
        builder.HasIndex(m => new { m.MailboxId, m.Uid }).IsUnique();
        builder.HasOne<Mailbox>().WithMany().HasForeignKey(m => m.MailboxId).OnDelete(DeleteBehavior.Cascade);
    }
}
