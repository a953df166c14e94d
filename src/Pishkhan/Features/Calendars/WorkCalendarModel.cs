using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pishkhan.Features.Identity;

namespace Pishkhan.Features.Calendars;

internal sealed class WorkCalendarConfiguration : IEntityTypeConfiguration<WorkCalendar>
{
    public void Configure(EntityTypeBuilder<WorkCalendar> builder)
    {
        builder.ToTable("Calendars");
        builder.Property(c => c.Name).HasMaxLength(WorkCalendarRules.NameMaxLength);
        builder.Property(c => c.Description).HasMaxLength(WorkCalendarRules.DescriptionMaxLength);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.HasIndex(c => c.Name).IsUnique();

        // At most one default, enforced by the database too; the quoted column alone is a valid filter on both
        // SQLite (an integer, true when non-zero) and PostgreSQL (a boolean).
        builder.HasIndex(c => c.IsDefault).IsUnique().HasFilter("\"IsDefault\"");

        // Users and teams keep their calendar: a calendar still in use cannot be deleted.
        builder.HasMany<AppUser>().WithOne().HasForeignKey(u => u.CalendarId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany<Team>().WithOne().HasForeignKey(t => t.CalendarId).OnDelete(DeleteBehavior.Restrict);
    }
}
