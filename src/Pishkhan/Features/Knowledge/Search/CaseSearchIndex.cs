using System.Diagnostics;
using System.Globalization;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Knowledge.Search;

/// <summary>A case found by words in its subject, description or messages; <see cref="SubjectHtml"/> and <see cref="Snippet"/> carry <c>&lt;mark&gt;</c>.</summary>
public sealed record CaseHit(Guid Id, string Number, string Subject, string SubjectHtml, string Snippet, float Score);

/// <summary>
/// For agents: the same Persian-aware search over case subjects, descriptions and messages (replies, inbound mail,
/// internal notes), so "has this happened before?" has an answer even where no article exists. A second Lucene index
/// (<c>kb-cases-index/</c>) follows <see cref="Case.UpdatedAt"/> — which every new message moves — from a watermark,
/// like <see cref="KnowledgeIndex"/>. Results are filtered by who may see each case, in the database.
/// </summary>
public sealed class CaseSearchIndex : IDisposable
{
    private const string WatermarkKey = "watermark";
    private const string FormatKey = "format";

    /// <summary>Raised when the documents gain or lose a field; an index of another format is rebuilt on catch-up.</summary>
    private const string Format = "2";
    private const string OwnerField = "owner";
    private const string TeamField = "team";
    private const int Batch = 500;
    private const int MaxTextLength = 20_000;
    private const int Candidates = 200;
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);

    /// <summary>How often the index is committed at most (disposing commits too).</summary>
    public static readonly TimeSpan CommitEvery = TimeSpan.FromMinutes(5);

    private long _lastCommit;

    private readonly IDbContextFactory<PishkhanDbContext> _dbFactory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly KnowledgeAnalyzer _analyzer = new();
    private readonly Lucene.Net.Store.Directory _directory;

    public CaseSearchIndex(IDbContextFactory<PishkhanDbContext> dbFactory, string path)
    {
        _dbFactory = dbFactory;
        System.IO.Directory.CreateDirectory(path);
        _directory = FSDirectory.Open(path);
        _writer = new IndexWriter(_directory, new IndexWriterConfig(KnowledgeAnalyzer.Version, _analyzer) { OpenMode = OpenMode.CREATE_OR_APPEND, Similarity = new BM25Similarity() });
        _searchers = new SearcherManager(_writer, true, new Bm25Factory());
    }

    /// <summary>Indexes every case changed since the watermark; with <paramref name="rebuild"/>, every case.</summary>
    public async Task CatchUpAsync(bool rebuild = false, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync(ct);
            rebuild |= _writer.CommitData?.TryGetValue(FormatKey, out var format) != true || format != Format;
            if (rebuild)
            {
                _writer.DeleteAll();
            }

            var since = rebuild ? DateTime.MinValue : (Watermark() ?? DateTime.MinValue.AddYears(1)) - Overlap;
            while (true)
            {
                var cases = await db.Cases.AsNoTracking().Where(c => c.UpdatedAt > since).OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id).Take(Batch)
                    .Select(c => new { c.Id, c.Number, c.Subject, c.Description, c.UpdatedAt, c.OwnerId, c.TeamId }).ToListAsync(ct);
                if (cases.Count == 0)
                {
                    break;
                }

                var ids = cases.Select(c => c.Id).ToList();
                var messages = (await db.TimelineEntries.AsNoTracking().Where(e => ids.Contains(e.CaseId) && e.Kind != TimelineKind.Event)
                        .OrderBy(e => e.CreatedAt).Select(e => new { e.CaseId, e.Body }).ToListAsync(ct))
                    .ToLookup(e => e.CaseId, e => e.Body);
                foreach (var c in cases)
                {
                    var text = string.Join("\n", messages[c.Id].Prepend(c.Description));
                    var doc = new Document
                    {
                        new StringField(KnowledgeFields.Id, c.Id.ToString("N"), Field.Store.YES),
                        new StoredField("number", c.Number),
                        new TextField(KnowledgeFields.Title, c.Subject, Field.Store.YES),
                        new TextField(KnowledgeFields.Body, text.Length > MaxTextLength ? text[..MaxTextLength] : text, Field.Store.YES),
                    };
                    if (c.OwnerId is { } owner)
                    {
                        doc.Add(new StringField(OwnerField, owner.ToString("N"), Field.Store.NO));
                    }

                    if (c.TeamId is { } team)
                    {
                        doc.Add(new StringField(TeamField, team.ToString("N"), Field.Store.NO));
                    }

                    _writer.UpdateDocument(new Term(KnowledgeFields.Id, c.Id.ToString("N")), doc);
                }

                var last = cases[^1].UpdatedAt;
                _writer.SetCommitData(new Dictionary<string, string> { [WatermarkKey] = last.Ticks.ToString(CultureInfo.InvariantCulture), [FormatKey] = Format });
                if (cases.Count < Batch || last == since)
                {
                    break;
                }

                since = last;
            }

            // Searches see new documents through the writer (near-real-time), so a commit is only the index's durability,
            // and it is rare: its fsyncs of the new segment files, every few seconds under load, stalled SQLite's own
            // commits on the same disk (case creation p99 100–200 ms instead of ~40 ms at 352 cases/s). After a crash
            // the catch-up indexes again from the last committed watermark; the index is derived from the database.
            if (rebuild || _lastCommit == 0 || Stopwatch.GetElapsedTime(_lastCommit) >= CommitEvery)
            {
                _writer.Commit();
                _lastCommit = Stopwatch.GetTimestamp();
            }

            _searchers.MaybeRefreshBlocking();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Cases the actor may see whose subject (weight 3) or text matches; typos and the last word's prefix as for articles.</summary>
    public async Task<Outcome<PagedResult<CaseHit>>> SearchAsync(string? q, Actor actor, int page = 1, int pageSize = 10, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        errors.Required("q", q);
        errors.MaxLength("q", q, SearchArticles.MaxQueryLength);
        Paging.Validate(errors, page, pageSize);
        if (pageSize > 50)
        {
            errors.Add("pageSize", "'pageSize' is at most 50 for search.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var terms = _analyzer.Terms(q!).Distinct().Take(40).ToList();
        if (terms.Count == 0 || !actor.Can(Scopes.CasesRead))
        {
            return new PagedResult<CaseHit>([], 0, page, pageSize);
        }

        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var teams = actor.SeesAllCases ? [] : await db.TeamMembers.AsNoTracking().Where(m => m.UserId == actor.UserId).Select(m => m.TeamId).ToListAsync(ct);
        List<(Guid Id, string Number, string Subject, string Text, float Score)> found;
        var matchers = new List<Func<string, bool>>();
        var searcher = _searchers.Acquire();
        try
        {
            var query = new BooleanQuery(disableCoord: true);
            for (var i = 0; i < terms.Count; i++)
            {
                var term = terms[i];
                matchers.Add(t => t == term);
                query.Add(new TermQuery(new Term(KnowledgeFields.Title, term)) { Boost = KnowledgeSearchEngine.TitleBoost }, Occur.SHOULD);
                query.Add(new TermQuery(new Term(KnowledgeFields.Body, term)), Occur.SHOULD);
                var known = searcher.IndexReader.DocFreq(new Term(KnowledgeFields.Title, term)) + searcher.IndexReader.DocFreq(new Term(KnowledgeFields.Body, term)) > 0;
                if (!known && term.Length >= 3)
                {
                    var edits = term.Length >= 6 ? 2 : 1;
                    foreach (var field in (string[])[KnowledgeFields.Title, KnowledgeFields.Body])
                    {
                        query.Add(new FuzzyQuery(new Term(field, term), edits, 1, 50, true) { Boost = KnowledgeSearchEngine.FuzzyBoost }, Occur.SHOULD);
                    }

                    matchers.Add(t => Math.Abs(t.Length - term.Length) <= edits && KnowledgeSearchEngine.EditDistance(t, term, edits) <= edits);
                }

                if (i == terms.Count - 1 && term.Length >= 3)
                {
                    query.Add(new PrefixQuery(new Term(KnowledgeFields.Body, term)) { Boost = KnowledgeSearchEngine.PrefixBoost, MultiTermRewriteMethod = new MultiTermQuery.TopTermsBoostOnlyBooleanQueryRewrite(30) }, Occur.SHOULD);
                    matchers.Add(t => t.StartsWith(term, StringComparison.Ordinal));
                }
            }

            found = searcher.Search(actor.SeesAllCases ? query : OnlyVisible(query, actor.UserId ?? Guid.Empty, teams), Candidates).ScoreDocs.Select(s =>
            {
                var doc = searcher.Doc(s.Doc);
                return (Guid.ParseExact(doc.Get(KnowledgeFields.Id, CultureInfo.InvariantCulture), "N"), doc.Get("number", CultureInfo.InvariantCulture),
                    doc.Get(KnowledgeFields.Title, CultureInfo.InvariantCulture), doc.Get(KnowledgeFields.Body, CultureInfo.InvariantCulture) ?? "", s.Score);
            }).ToList();
        }
        finally
        {
            _searchers.Release(searcher);
        }

        var ids = found.Select(f => f.Id).ToList();
        var visible = (await db.Cases.AsNoTracking().VisibleTo(db, actor).Where(c => ids.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct)).ToHashSet();
        var allowed = found.Where(f => visible.Contains(f.Id)).ToList();
        var hits = allowed.Skip((page - 1) * pageSize).Take(pageSize)
            .Select(f => new CaseHit(f.Id, f.Number, f.Subject, KnowledgeSearchEngine.Highlight(_analyzer, f.Subject, matchers, whole: true),
                KnowledgeSearchEngine.Highlight(_analyzer, f.Text, matchers, whole: false), f.Score))
            .ToList();
        return new PagedResult<CaseHit>(hits, allowed.Count, page, pageSize);
    }

    /// <summary>
    /// Narrows the query to the cases the index last saw owned by the agent or in one of their teams, so the
    /// <see cref="Candidates"/> best hits are all (nearly) visible ones; the database check after it stays the rule.
    /// </summary>
    private static BooleanQuery OnlyVisible(Query query, Guid userId, List<Guid> teams)
    {
        var visible = new BooleanQuery(disableCoord: true) { { new TermQuery(new Term(OwnerField, userId.ToString("N"))), Occur.SHOULD } };
        foreach (var team in teams)
        {
            visible.Add(new TermQuery(new Term(TeamField, team.ToString("N"))), Occur.SHOULD);
        }

        return new BooleanQuery(disableCoord: true) { { query, Occur.MUST }, { visible, Occur.MUST } };
    }

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        _analyzer.Dispose();
        _directory.Dispose();
        _gate.Dispose();
    }

    private DateTime? Watermark() =>
        _writer.CommitData is { } data && data.TryGetValue(WatermarkKey, out var ticks) && long.TryParse(ticks, CultureInfo.InvariantCulture, out var t)
            ? new DateTime(t, DateTimeKind.Utc)
            : null;

    private sealed class Bm25Factory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = new BM25Similarity() };
    }
}
