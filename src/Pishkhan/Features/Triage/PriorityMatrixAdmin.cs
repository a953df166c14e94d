using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Caching;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Triage;

/// <summary>The matrix as GET /api/v1/priority-matrix answers: levels, cells, and the version a PUT must send back.</summary>
public sealed record PriorityMatrixDto(
    IReadOnlyList<MatrixLevelBody?> Urgency, IReadOnlyList<MatrixLevelBody?> Impact, IReadOnlyList<List<string>> Cells, int Version, DateTime? UpdatedAt);

/// <summary>
/// Reads and replaces the organisation's priority matrix. Reads are cached for a few seconds (intake asks on every
/// case); a save here clears the cache at once, other app nodes see it when theirs expires.
/// </summary>
public sealed class PriorityMatrices(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private readonly CachedValue<PriorityMatrix> _current = new(CacheFor, clock);

    public Task<PriorityMatrix> CurrentAsync(CancellationToken ct = default) => _current.GetAsync(
        async token =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(token);
            var settings = await db.TriageSettings.AsNoTracking().FirstOrDefaultAsync(token);
            return settings?.Matrix() ?? PriorityMatrix.Default;
        },
        ct);

    public async Task<PriorityMatrixDto> GetAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var settings = await db.TriageSettings.AsNoTracking().FirstOrDefaultAsync(ct);
        var body = (settings?.Matrix() ?? PriorityMatrix.Default).ToBody();
        return new PriorityMatrixDto(body.Urgency!, body.Impact!, body.Cells!, settings?.Version ?? 0, settings?.UpdatedAt);
    }

    /// <summary>
    /// Replaces the matrix. Existing cases keep their priority; the new matrix applies to new cases and to a case
    /// whose urgency or impact changes. 'version' is required (0 before the first save) and a stale one is a conflict.
    /// </summary>
    public async Task<Outcome<PriorityMatrixDto>> SaveAsync(PriorityMatrixBody? body, Actor actor, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var matrix = PriorityMatrix.Parse(body, errors);
        if (body is not null && body.Version is null)
        {
            errors.Add("version", "'version' is required: send the version you read (0 before the first save).");
        }

        if (errors.Any)
        {
            return errors;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var settings = await db.TriageSettings.FirstOrDefaultAsync(ct);
        var current = settings?.Version ?? 0;
        if (current != body!.Version)
        {
            return new Outcome<PriorityMatrixDto>.Conflict($"The priority matrix was changed by someone else (your version {body.Version}, current {current}). Reload it and apply your change again.");
        }

        if (settings is null)
        {
            settings = new TriageSettings();
            db.TriageSettings.Add(settings);
        }

        settings.PriorityMatrixJson = TriageSettings.Serialize(matrix!.ToBody());
        settings.Version++;
        var now = clock.GetUtcNow().UtcDateTime;
        settings.UpdatedAt = now.AddTicks(-(now.Ticks % 10));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new Outcome<PriorityMatrixDto>.Conflict("The priority matrix was changed by someone else while you were saving. Reload it and apply your change again.");
        }

        _current.Forget();
        var saved = matrix.ToBody();
        return new PriorityMatrixDto(saved.Urgency!, saved.Impact!, saved.Cells!, settings.Version, settings.UpdatedAt);
    }
}
