using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pishkhan.Features.Notifications;

/// <summary>
/// An in-app notification for one user. <see cref="DeliverAfter"/> holds it back (for example until the business calendar
/// opens); the in-app list shows only those due. Email delivery (a later issue) is the seam: a sender picks rows with
/// <see cref="EmailedAt"/> null and <see cref="DeliverAfter"/> passed, sends them and stamps <see cref="EmailedAt"/>.
/// </summary>
public sealed class Notification
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public Guid? CaseId { get; set; }
    public required string Title { get; set; }
    public string Body { get; set; } = "";

    /// <summary>What raised it, e.g. <c>sla:breach</c>.</summary>
    public string Source { get; set; } = "";

    public DateTime CreatedAt { get; set; }
    public DateTime DeliverAfter { get; set; }
    public DateTime? ReadAt { get; set; }
    public DateTime? EmailedAt { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.Property(n => n.Title).HasMaxLength(300);
        builder.Property(n => n.Source).HasMaxLength(50);
        builder.HasIndex(n => new { n.UserId, n.DeliverAfter });
        builder.HasIndex(n => n.CaseId);
    }
}
