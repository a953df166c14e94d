using System.Collections;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Identity;

namespace Pishkhan.Platform.Auditing;

/// <summary>
/// Turns the change tracker's pending changes to <see cref="IAudited"/> records into audit entries,
/// just before they are saved, so a change and its audit row commit together or not at all.
/// </summary>
internal static class AuditWriter
{
    private static readonly HashSet<string> Ignored = ["Version", "UpdatedAt", "SearchText", "Id"];

    /// <summary>The audit entries of the pending changes in <paramref name="db"/>'s change tracker (the caller writes them with the save).</summary>
    public static List<AuditEntry> Capture(DbContext db, Actor actor, DateTime now)
    {
        var entries = new List<AuditEntry>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            switch (entry.Entity)
            {
                case IAudited audited when entry.State is EntityState.Added:
                    entries.Add(Make(audited.GetType().Name, audited.Id, "created", null, null, actor, now));
                    break;
                case IAudited audited when entry.State is EntityState.Deleted:
                    entries.Add(Make(audited.GetType().Name, audited.Id, "deleted", null, null, actor, now));
                    break;
                case IAudited audited when entry.State is EntityState.Modified:
                    foreach (var property in entry.Properties.Where(p => p.IsModified && !Ignored.Contains(p.Metadata.Name)))
                    {
                        var before = Format(property.OriginalValue);
                        var after = Format(property.CurrentValue);
                        if (before != after)
                        {
                            entries.Add(Make(audited.GetType().Name, audited.Id, Camel(property.Metadata.Name), before, after, actor, now));
                        }
                    }

                    break;
                // A contact's addresses and numbers are rows of their own; their history belongs to the contact.
                case ContactChannel channel when entry.State is EntityState.Added or EntityState.Deleted && !IsNewContact(db, channel.ContactId):
                    var field = channel.Kind == ContactChannelKind.Email ? "email" : "phone";
                    entries.Add(entry.State == EntityState.Added
                        ? Make(nameof(Contact), channel.ContactId, field, null, channel.Value, actor, now)
                        : Make(nameof(Contact), channel.ContactId, field, channel.Value, null, actor, now));
                    break;
            }
        }

        return entries;
    }

    private static bool IsNewContact(DbContext db, Guid contactId) =>
        db.ChangeTracker.Entries<Contact>().Any(e => e.Entity.Id == contactId && e.State == EntityState.Added);

    private static AuditEntry Make(string type, Guid id, string field, string? before, string? after, Actor actor, DateTime now) => new()
    {
        EntityType = type,
        EntityId = id,
        Field = field,
        OldValue = before,
        NewValue = after,
        ActorUserId = actor.UserId,
        ActorApiKeyId = actor.ApiKeyId,
        ActorName = actor.Name,
        At = now,
    };

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        IEnumerable enumerable => JsonSerializer.Serialize(enumerable),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
