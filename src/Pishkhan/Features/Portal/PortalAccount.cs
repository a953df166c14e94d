using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pishkhan.Features.Contacts;

namespace Pishkhan.Features.Portal;

/// <summary>
/// A customer's sign-in to the portal (حساب پرتال), one per contact. Separate from agents' <c>AppUser</c>s on purpose:
/// a customer can never become an agent by a role change, and the two cookie schemes never stand in for each other.
/// </summary>
public sealed class PortalAccount
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ContactId { get; set; }
    public Contact? Contact { get; set; }

    /// <summary>Lower-cased; the address the account signs in with and its emails go to.</summary>
    public required string Email { get; set; }

    public string PasswordHash { get; set; } = "";

    /// <summary>Null until the customer opened the link mailed at sign-up; until then they cannot sign in.</summary>
    public DateTime? EmailConfirmedAt { get; set; }

    /// <summary>Changes with the password: reset links and cookies issued before it stop working.</summary>
    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString("N");

    public int FailedSignIns { get; set; }
    public DateTime? LockedUntil { get; set; }
    public DateTime? LastSignInAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class PortalAccountConfiguration : IEntityTypeConfiguration<PortalAccount>
{
    public void Configure(EntityTypeBuilder<PortalAccount> builder)
    {
        builder.Property(a => a.Email).HasMaxLength(320);
        builder.Property(a => a.PasswordHash).HasMaxLength(500);
        builder.Property(a => a.SecurityStamp).HasMaxLength(64);
        builder.HasIndex(a => a.Email).IsUnique();
        builder.HasIndex(a => a.ContactId).IsUnique();
        builder.HasOne(a => a.Contact).WithMany().HasForeignKey(a => a.ContactId).OnDelete(DeleteBehavior.Cascade);
    }
}
