using System.Collections;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Email;
using Pishkhan.Platform.Data;

namespace Pishkhan.Email.Bench;

/// <summary>
/// Every row of every table as one sorted line of text, with what differs between two runs of the same corpus replaced:
/// ids by what they name (a case by its number, a contact by its address, a message by its Message-ID, another row by
/// its table; row numbers by "#"), instants by "&lt;t&gt;" (only whether one is set stays), ids or instants inside text
/// likewise, and hashes over ids or salts (an idempotency record's request hash covers the contact's id) by "&lt;hash&gt;". Two
/// databases fed the same corpus, one message at a time and in batches, must give the same lines.
/// </summary>
public static partial class IntakeDump
{
    private static readonly HashSet<string> Salted = ["RequestHash", "PasswordHash", "SecurityStamp", "ConcurrencyStamp"];

    public static async Task<List<string>> LinesAsync(PishkhanDbContext db)
    {
        var names = new Dictionary<Guid, string>();
        foreach (var c in await db.Cases.AsNoTracking().Select(c => new { c.Id, c.Number }).ToListAsync())
        {
            names[c.Id] = $"case:{c.Number}";
        }

        foreach (var c in await db.ContactChannels.AsNoTracking().Select(c => new { c.ContactId, c.Value }).ToListAsync())
        {
            names.TryAdd(c.ContactId, $"contact:{c.Value}");
        }

        foreach (var m in await db.Set<EmailMessage>().AsNoTracking().Select(m => new { m.Id, m.MessageId, m.TimelineEntryId }).ToListAsync())
        {
            names[m.Id] = $"email:{m.MessageId}";
            if (m.TimelineEntryId is { } entry)
            {
                names[entry] = $"entry-of:{m.MessageId}";
            }
        }

        foreach (var s in await db.CaseStatuses.AsNoTracking().Select(s => new { s.Id, s.Name }).ToListAsync())
        {
            names[s.Id] = $"status:{s.Name}";
        }

        var lines = new List<string>();
        foreach (var type in db.Model.GetEntityTypes().Where(t => !t.IsOwned() && t.FindPrimaryKey() is not null && t.ClrType != typeof(Dictionary<string, object>)).OrderBy(t => t.Name))
        {
            var set = (IQueryable<object>)typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(type.ClrType).Invoke(db, null)!;
            var properties = type.GetProperties().Where(p => p.PropertyInfo is not null).OrderBy(p => p.Name).ToList();
            foreach (var row in await set.AsNoTracking().ToListAsync())
            {
                var text = new StringBuilder(type.ClrType.Name);
                foreach (var property in properties)
                {
                    var value = property.PropertyInfo!.GetValue(row);
                    // Row numbers follow insertion order; these hashes cover ids (a request's contact) or random salts.
                    var shown = property.Name == "Id" && value is not Guid ? "#"
                        : Salted.Contains(property.Name) ? "<hash>"
                        : Format(value, names);
                    text.Append('|').Append(property.Name).Append('=').Append(shown);
                }

                lines.Add(text.ToString());
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static string Format(object? value, Dictionary<Guid, string> names) => value switch
    {
        null => "null",
        Guid id => names.TryGetValue(id, out var name) ? name : "<id>",
        DateTime => "<t>",
        DateTimeOffset => "<t>",
        byte[] bytes => Convert.ToHexStringLower(SHA256.HashData(bytes))[..16],
        string s => Clean(s, names),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => Clean(JsonSerializer.Serialize(e), names),
        _ => Clean(value.ToString() ?? "", names),
    };

    private static string Clean(string text, Dictionary<Guid, string> names)
    {
        text = GuidPattern().Replace(text, m => Guid.TryParse(m.Value, out var id) && names.TryGetValue(id, out var name) ? name : "<id>");
        return InstantPattern().Replace(text, "<t>").Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
    }

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?")]
    private static partial Regex InstantPattern();
}
