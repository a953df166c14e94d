namespace Pishkhan.Platform.Idempotency;

/// <summary>
/// The remembered outcome of a POST sent with an <c>Idempotency-Key</c>, written in the same transaction
/// as the record it created, so a retry after any failure either finds it or finds nothing was done.
/// </summary>
public sealed class IdempotencyRecord
{
    public long Id { get; set; }

    /// <summary>Whose key it is ("user:…" or "key:…"): the same key from two callers never collides.</summary>
    public required string Principal { get; set; }

    public required string Key { get; set; }
    public required string Operation { get; set; }

    /// <summary>SHA-256 of the request body; the same key with another body is refused.</summary>
    public required string RequestHash { get; set; }

    public Guid ResourceId { get; set; }
    public DateTime CreatedAt { get; set; }
}
