using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pishkhan.Features.Accounts;

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.Property(a => a.Domain).HasMaxLength(253);
        builder.Property(a => a.Phone).HasMaxLength(20);
        builder.Property(a => a.Tier).HasMaxLength(50);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.HasIndex(a => a.Name);
    }
}
