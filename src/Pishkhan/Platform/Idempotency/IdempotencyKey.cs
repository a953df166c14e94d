using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Platform.Data;

namespace Pishkhan.Platform.Idempotency;

/// <summary>The <c>Idempotency-Key</c> protocol for creates: look up, then record in the creating transaction.</summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 200;

    public static string HashOf<T>(T request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request))));

    public static Task<IdempotencyRecord?> FindAsync(PishkhanDbContext db, string principal, string key, CancellationToken ct) =>
        db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Principal == principal && r.Key == key, ct);

    public static bool IsValid(string key) => key.Length is > 0 and <= MaxLength;
}
