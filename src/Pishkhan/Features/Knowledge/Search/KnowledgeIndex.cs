using System.Globalization;
using Lucene.Net.Store;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Knowledge.Search;

/// <summary>Where a rebuild stands; <see cref="Done"/> of <see cref="Total"/> articles.</summary>
public sealed record IndexStatus(string State, int Done, int Total, int Indexed, DateTime? StartedAt, DateTime? FinishedAt, DateTime? Watermark);

/// <summary>
/// This node's search index, under the data directory (<c>kb-index/</c>). The database is the source of truth: the
/// index follows <see cref="Article.SearchChangedAt"/> (its change feed) from the watermark saved with each Lucene
/// commit, so a restart, a crash or another node's write is caught up by the next <see cref="CatchUpAsync"/>.
/// A rebuild re-reads every article in id order, saving its cursor with each batch so an interrupted one resumes.
/// </summary>
public sealed class KnowledgeIndex : IDisposable
{
    private const string WatermarkKey = "watermark";
    private const string CursorKey = "rebuildCursor";
    private const int Batch = 500;

    // Commits of other transactions may become visible slightly out of SearchChangedAt order; re-reading a short overlap is harmless.
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);

    private readonly IDbContextFactory<PishkhanDbContext> _dbFactory;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _synonymStamp = int.MinValue;
    private volatile IndexStatus _status = new("idle", 0, 0, 0, null, null, null);

    public KnowledgeIndex(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock, string path)
    {
        _dbFactory = dbFactory;
        _clock = clock;
        System.IO.Directory.CreateDirectory(path);
        Engine = new KnowledgeSearchEngine(FSDirectory.Open(path));
    }

    public KnowledgeSearchEngine Engine { get; }

    public IndexStatus Status => _status with { Indexed = Engine.Count, Watermark = Watermark() };

    public bool RebuildRunning => _status.State == "rebuilding";

    /// <summary>Indexes every article changed since the watermark (and resumes an interrupted rebuild).</summary>
    public async Task CatchUpAsync(CancellationToken ct = default)
    {
        if (Engine.CommitData.ContainsKey(CursorKey) && !RebuildRunning)
        {
            await RebuildAsync(null, ct);
            return;
        }

        await _gate.WaitAsync(ct);
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync(ct);
            await RefreshSynonymsAsync(db, ct);
            var since = (Watermark() ?? DateTime.MinValue.AddYears(1)) - Overlap;
            var categories = await CategoryPaths.LoadAsync(db, ct);
            while (true)
            {
                var batch = await db.Articles.AsNoTracking().Where(a => a.SearchChangedAt > since)
                    .OrderBy(a => a.SearchChangedAt).ThenBy(a => a.Id).Take(Batch).ToListAsync(ct);
                if (batch.Count == 0)
                {
                    break;
                }

                Engine.Upsert(batch.Select(a => ToDocument(a, categories)));
                var last = batch[^1].SearchChangedAt;
                var data = new Dictionary<string, string>(Engine.CommitData) { [WatermarkKey] = last.Ticks.ToString(CultureInfo.InvariantCulture) };
                Engine.Commit(data);
                if (batch.Count < Batch || last == since)
                {
                    break;
                }

                since = last;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Re-reads every article into the index, reporting progress; resumes from a saved cursor.</summary>
    public async Task RebuildAsync(IProgress<IndexStatus>? progress, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var started = _clock.GetUtcNow().UtcDateTime;
            await using var db = await _dbFactory.CreateDbContextAsync(ct);
            await RefreshSynonymsAsync(db, ct);
            var total = await db.Articles.CountAsync(ct);
            Guid? cursor = Engine.CommitData.TryGetValue(CursorKey, out var saved) && Guid.TryParse(saved, out var c) ? c : null;
            if (cursor is null)
            {
                Engine.DeleteAll();
            }

            var done = cursor is null ? 0 : await db.Articles.CountAsync(a => a.Id.CompareTo(cursor.Value) <= 0, ct);
            _status = new IndexStatus("rebuilding", done, total, 0, started, null, null);
            var categories = await CategoryPaths.LoadAsync(db, ct);
            var watermark = DateTime.MinValue;
            while (true)
            {
                var query = db.Articles.AsNoTracking();
                if (cursor is { } after)
                {
                    query = query.Where(a => a.Id.CompareTo(after) > 0);
                }

                var batch = await query.OrderBy(a => a.Id).Take(Batch).ToListAsync(ct);
                if (batch.Count == 0)
                {
                    break;
                }

                Engine.Upsert(batch.Select(a => ToDocument(a, categories)));
                cursor = batch[^1].Id;
                done += batch.Count;
                watermark = batch.Max(a => a.SearchChangedAt) is var max && max > watermark ? max : watermark;
                Engine.Commit(new Dictionary<string, string> { [CursorKey] = cursor.Value.ToString(), [WatermarkKey] = Math.Min(watermark.Ticks, started.Ticks).ToString(CultureInfo.InvariantCulture) });
                _status = _status with { Done = done };
                progress?.Report(_status);
            }

            // Changes made while the rebuild ran are caught up from the rebuild's start.
            Engine.Commit(new Dictionary<string, string> { [WatermarkKey] = (started - Overlap).Ticks.ToString(CultureInfo.InvariantCulture) });
            _status = _status with { State = "done", Done = done, FinishedAt = _clock.GetUtcNow().UtcDateTime };
            progress?.Report(_status);
        }
        catch (Exception)
        {
            _status = _status with { State = "failed", FinishedAt = _clock.GetUtcNow().UtcDateTime };
            throw;
        }
        finally
        {
            _gate.Release();
        }

        await CatchUpAsync(ct);
    }

    /// <summary>Starts a rebuild in the background unless one is running; <see cref="Status"/> reports its progress.</summary>
    public bool StartRebuild(ILogger logger)
    {
        if (RebuildRunning)
        {
            return false;
        }

        _status = _status with { State = "rebuilding", Done = 0, StartedAt = _clock.GetUtcNow().UtcDateTime, FinishedAt = null };
        _ = Task.Run(async () =>
        {
            try
            {
                await RebuildAsync(null);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Knowledge index rebuild failed; it resumes from its cursor on the next catch-up.");
            }
        });
        return true;
    }

    /// <summary>Forces the synonyms to be read again (after an admin changed them).</summary>
    public async Task ReloadSynonymsAsync(CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        _synonymStamp = int.MinValue;
        await RefreshSynonymsAsync(db, ct);
    }

    public void Dispose()
    {
        Engine.Dispose();
        _gate.Dispose();
    }

    internal static ArticleDocument ToDocument(Article a, CategoryPaths categories) => new(
        a.Id, a.Slug, a.Title, a.Summary, ArticleRules.PlainText(a.Body), a.Tags, a.Language, a.Visibility, a.Status,
        categories.PathOf(a.CategoryId), a.LearnedTerms);

    private DateTime? Watermark() =>
        Engine.CommitData.TryGetValue(WatermarkKey, out var ticks) && long.TryParse(ticks, CultureInfo.InvariantCulture, out var t)
            ? new DateTime(t, DateTimeKind.Utc)
            : null;

    private async Task RefreshSynonymsAsync(PishkhanDbContext db, CancellationToken ct)
    {
        var groups = await db.SynonymGroups.AsNoTracking().OrderBy(g => g.Id).ToListAsync(ct);
        var stamp = groups.Aggregate(groups.Count, (h, g) => HashCode.Combine(h, g.Id, g.UpdatedAt));
        if (stamp != _synonymStamp)
        {
            Engine.SetSynonyms(groups.Select(g => g.Terms));
            _synonymStamp = stamp;
        }
    }
}

/// <summary>Each knowledge-base category with its ancestors, so an article is found under every level above it.</summary>
public sealed class CategoryPaths(IReadOnlyDictionary<Guid, Guid?> parents)
{
    public static async Task<CategoryPaths> LoadAsync(PishkhanDbContext db, CancellationToken ct) =>
        new(await db.KbCategories.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.ParentId, ct));

    public IReadOnlyList<Guid> PathOf(Guid? category)
    {
        var path = new List<Guid>();
        while (category is { } id && !path.Contains(id))
        {
            path.Add(id);
            category = parents.TryGetValue(id, out var parent) ? parent : null;
        }

        return path;
    }
}
