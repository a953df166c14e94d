using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pishkhan.Features.Contacts;

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> builder)
    {
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Language).HasMaxLength(5);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.HasOne(c => c.Account).WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(c => c.Channels).WithOne().HasForeignKey(c => c.ContactId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(c => c.Emails);
        builder.Ignore(c => c.Phones);
        builder.HasIndex(c => c.AccountId);
        builder.HasIndex(c => c.Name);
    }
}

internal sealed class ContactChannelConfiguration : IEntityTypeConfiguration<ContactChannel>
{
    public void Configure(EntityTypeBuilder<ContactChannel> builder)
    {
        builder.Property(c => c.Value).HasMaxLength(320);
        builder.HasIndex(c => new { c.Kind, c.Value }).IsUnique();
    }
}
