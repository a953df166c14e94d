using System.Globalization;
using System.Net;
using System.Text;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Pishkhan.Features.Knowledge.Search;

/// <summary>The names of the index's fields.</summary>
public static class KnowledgeFields
{
    public const string Id = "id";
    public const string Slug = "slug";
    public const string Title = "title";
    public const string Summary = "summary";
    public const string Body = "body";
    public const string Tags = "tags";
    public const string Learned = "learned";

    /// <summary>Title, summary, body and tags together: where prefix and fuzzy matching look.</summary>
    public const string All = "all";

    public const string Language = "lang";
    public const string Visibility = "vis";
    public const string Status = "status";

    /// <summary>The article's category and all its ancestors, so a filter on a category includes its subtree.</summary>
    public const string Category = "cat";
}

/// <summary>What the index holds of one article: the searchable text (body as plain text) and the filter values.</summary>
public sealed record ArticleDocument(
    Guid Id,
    string Slug,
    string Title,
    string Summary,
    string BodyText,
    IReadOnlyList<string> Tags,
    string Language,
    ArticleVisibility Visibility,
    ArticleStatus Status,
    IReadOnlyList<Guid> CategoryPath,
    string LearnedTerms);

/// <summary>A search: the words, the filters and the page. <see cref="PublishedPublicOnly"/> is what customers get.</summary>
public sealed record KnowledgeQuery(
    string Text,
    string? Language = null,
    Guid? CategoryId = null,
    ArticleVisibility? Visibility = null,
    ArticleStatus? Status = ArticleStatus.Published,
    bool PublishedPublicOnly = false,
    int Page = 1,
    int PageSize = 10,
    bool UseSynonyms = true,
    bool UseLearning = true,
    IReadOnlyCollection<Guid>? Exclude = null);

/// <summary>One hit; <see cref="TitleHtml"/> and <see cref="Snippet"/> are HTML-encoded with matches in <c>&lt;mark&gt;</c>.</summary>
public sealed record KnowledgeHit(Guid Id, string Slug, string Title, string TitleHtml, string Summary, string Snippet, string Language, ArticleStatus Status, ArticleVisibility Visibility, float Score);

public sealed record KnowledgeResults(IReadOnlyList<KnowledgeHit> Hits, int Total, int Page, int PageSize);

/// <summary>
/// Lucene over knowledge-base articles. I/O only to its Lucene directory, so tests and benchmarks drive it without a host.
/// Ranking: BM25 per field with boosts title 3 &gt; summary 2 = tags 2 &gt; body 1 &gt; learned terms 0.8; a query word
/// the index does not know (a typo) also matches by edit distance, and the last word by prefix (search as you type);
/// synonyms expand the query, so changing them needs no reindex. Thread-safe.
/// </summary>
public sealed class KnowledgeSearchEngine : IDisposable
{
    public const float TitleBoost = 3f;
    public const float SummaryBoost = 2f;
    public const float TagsBoost = 2f;
    public const float BodyBoost = 1f;
    public const float LearnedBoost = 0.8f;
    public const float SynonymFactor = 0.8f;
    public const float FuzzyBoost = 0.6f;
    public const float PrefixBoost = 0.5f;

    /// <summary>A joined compound («لپ تاپ» → «لپتاپ») stands for both words of the query, so it weighs as two.</summary>
    public const float CompoundFactor = 2f;
    private const int MaxQueryTerms = 40;
    private const int MaxPrefixTerms = 30;
    private const int SnippetLength = 220;

    private static readonly MultiTermQuery.RewriteMethod PrefixRewrite = new MultiTermQuery.TopTermsBoostOnlyBooleanQueryRewrite(MaxPrefixTerms);

    private readonly LuceneDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private volatile IReadOnlyList<IReadOnlyList<string>[]> _synonyms = [];

    public KnowledgeSearchEngine(LuceneDirectory directory)
    {
        _directory = directory;
        var config = new IndexWriterConfig(KnowledgeAnalyzer.Version, Analyzer)
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            Similarity = new BM25Similarity(),
            RAMBufferSizeMB = 64,
        };
        _writer = new IndexWriter(directory, config);
        _searchers = new SearcherManager(_writer, true, new Bm25SearcherFactory());
    }

    public KnowledgeAnalyzer Analyzer { get; } = new();

    /// <summary>Values saved with the last commit (the change-feed watermark, a rebuild's cursor).</summary>
    public IDictionary<string, string> CommitData => _writer.CommitData ?? new Dictionary<string, string>();

    public int Count
    {
        get
        {
            var searcher = _searchers.Acquire();
            try
            {
                return searcher.IndexReader.NumDocs;
            }
            finally
            {
                _searchers.Release(searcher);
            }
        }
    }

    /// <summary>Adds or replaces articles by id; visible to searches after <see cref="Refresh"/> (or <see cref="Commit"/>).</summary>
    public void Upsert(IEnumerable<ArticleDocument> articles)
    {
        foreach (var article in articles)
        {
            _writer.UpdateDocument(new Term(KnowledgeFields.Id, article.Id.ToString("N")), ToDocument(article));
        }
    }

    public void Delete(Guid id) => _writer.DeleteDocuments(new Term(KnowledgeFields.Id, id.ToString("N")));

    public void DeleteAll() => _writer.DeleteAll();

    /// <summary>Makes the changes durable, with <paramref name="data"/> saved alongside, and visible to searches.</summary>
    public void Commit(IDictionary<string, string>? data = null)
    {
        if (data is not null)
        {
            _writer.SetCommitData(data);
        }

        _writer.Commit();
        _searchers.MaybeRefreshBlocking();
    }

    public void Refresh() => _searchers.MaybeRefreshBlocking();

    /// <summary>Replaces the synonym groups; each entry is a word or a phrase in either language.</summary>
    public void SetSynonyms(IEnumerable<IEnumerable<string>> groups) =>
        _synonyms = groups
            .Select(g => g.Select(term => (IReadOnlyList<string>)Analyzer.Terms(term)).Where(t => t.Count > 0).DistinctBy(t => string.Join(' ', t)).ToArray())
            .Where(g => g.Length > 1)
            .ToList();

    public KnowledgeResults Search(KnowledgeQuery request)
    {
        var page = Math.Max(1, request.Page);
        var pageSize = Math.Clamp(request.PageSize, 1, 200);
        var terms = Analyzer.Terms(request.Text).Distinct().Take(MaxQueryTerms).ToList();
        if (terms.Count == 0)
        {
            return new KnowledgeResults([], 0, page, pageSize);
        }

        var searcher = _searchers.Acquire();
        try
        {
            var matchers = new List<Func<string, bool>>();
            var query = BuildQuery(searcher.IndexReader, terms, request, matchers);
            var top = searcher.Search(query, Filter(request), page * pageSize);
            var hits = new List<KnowledgeHit>();
            foreach (var scored in top.ScoreDocs.Skip((page - 1) * pageSize))
            {
                var doc = searcher.Doc(scored.Doc);
                var title = doc.Get(KnowledgeFields.Title, CultureInfo.InvariantCulture);
                var summary = doc.Get(KnowledgeFields.Summary, CultureInfo.InvariantCulture) ?? "";
                var body = doc.Get(KnowledgeFields.Body, CultureInfo.InvariantCulture) ?? "";
                hits.Add(new KnowledgeHit(
                    Guid.ParseExact(doc.Get(KnowledgeFields.Id, CultureInfo.InvariantCulture), "N"),
                    doc.Get(KnowledgeFields.Slug, CultureInfo.InvariantCulture),
                    title,
                    Highlight(Analyzer, title, matchers, whole: true),
                    summary,
                    Highlight(Analyzer, body.Length > 0 ? body : summary, matchers, whole: false),
                    doc.Get(KnowledgeFields.Language, CultureInfo.InvariantCulture),
                    Enum.Parse<ArticleStatus>(doc.Get(KnowledgeFields.Status, CultureInfo.InvariantCulture)),
                    Enum.Parse<ArticleVisibility>(doc.Get(KnowledgeFields.Visibility, CultureInfo.InvariantCulture)),
                    scored.Score));
            }

            return new KnowledgeResults(hits, top.TotalHits, page, pageSize);
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        Analyzer.Dispose();
        _directory.Dispose();
    }

    private BooleanQuery BuildQuery(IndexReader reader, List<string> terms, KnowledgeQuery request, List<Func<string, bool>> matchers)
    {
        var query = new BooleanQuery(disableCoord: true);
        for (var i = 0; i < terms.Count; i++)
        {
            var term = terms[i];
            var clause = FieldClause(term, 1f, request.UseLearning);
            matchers.Add(t => t == term);
            // Known to an article's text, or (with learning) to the words of cases it answered: then it is no typo.
            var known = reader.DocFreq(new Term(KnowledgeFields.All, term)) > 0
                || (request.UseLearning && reader.DocFreq(new Term(KnowledgeFields.Learned, term)) > 0);
            if (!known && term.Length >= 3)
            {
                // A word no article contains is most likely a typo: match by edit distance (1 for short words, 2 for long).
                var edits = term.Length >= 6 ? 2 : 1;
                clause.Add(new FuzzyQuery(new Term(KnowledgeFields.All, term), edits, 1, 50, true) { Boost = FuzzyBoost }, Occur.SHOULD);
                matchers.Add(t => Math.Abs(t.Length - term.Length) <= edits && EditDistance(t, term, edits) <= edits);
            }

            if ((i == terms.Count - 1 || !known) && term.Length >= 3)
            {
                // Bounded: a short prefix can match thousands of words, and only the most frequent few are worth scoring.
                clause.Add(new PrefixQuery(new Term(KnowledgeFields.All, term)) { Boost = PrefixBoost, MultiTermRewriteMethod = PrefixRewrite }, Occur.SHOULD);
                matchers.Add(t => t.StartsWith(term, StringComparison.Ordinal));
            }

            query.Add(clause, Occur.SHOULD);
        }

        // A compound written with a space where the article has it joined or with ZWNJ («لپ تاپ» / «لپ‌تاپ»):
        // two neighbouring words also count as one when the index or a synonym group knows the joined word.
        var joined = new List<string>();
        for (var i = 0; i + 1 < terms.Count; i++)
        {
            var compound = terms[i] + terms[i + 1];
            if (!terms.Contains(compound) && (reader.DocFreq(new Term(KnowledgeFields.All, compound)) > 0 || (request.UseSynonyms && _synonyms.Any(g => g.Any(e => e.Count == 1 && e[0] == compound)))))
            {
                joined.Add(compound);
                query.Add(FieldClause(compound, CompoundFactor, request.UseLearning), Occur.SHOULD);
                matchers.Add(t => t == compound);
            }
        }

        if (request.UseSynonyms)
        {
            var said = terms.Concat(joined).ToList();
            foreach (var group in _synonyms)
            {
                if (!group.Any(entry => Contains(said, entry)))
                {
                    continue;
                }

                foreach (var entry in group.Where(entry => !Contains(said, entry)))
                {
                    if (entry.Count == 1)
                    {
                        var alt = entry[0];
                        query.Add(FieldClause(alt, SynonymFactor, request.UseLearning), Occur.SHOULD);
                        matchers.Add(t => t == alt);
                    }
                    else
                    {
                        var phrase = new PhraseQuery { Boost = SynonymFactor * TitleBoost };
                        foreach (var word in entry)
                        {
                            phrase.Add(new Term(KnowledgeFields.All, word));
                            matchers.Add(t => t == word);
                        }

                        query.Add(phrase, Occur.SHOULD);
                    }
                }
            }
        }

        return query;
    }

    private static BooleanQuery FieldClause(string term, float factor, bool learning)
    {
        var clause = new BooleanQuery(disableCoord: true);
        clause.Add(new TermQuery(new Term(KnowledgeFields.Title, term)) { Boost = TitleBoost * factor }, Occur.SHOULD);
        clause.Add(new TermQuery(new Term(KnowledgeFields.Summary, term)) { Boost = SummaryBoost * factor }, Occur.SHOULD);
        clause.Add(new TermQuery(new Term(KnowledgeFields.Tags, term)) { Boost = TagsBoost * factor }, Occur.SHOULD);
        clause.Add(new TermQuery(new Term(KnowledgeFields.Body, term)) { Boost = BodyBoost * factor }, Occur.SHOULD);
        if (learning)
        {
            clause.Add(new TermQuery(new Term(KnowledgeFields.Learned, term)) { Boost = LearnedBoost * factor }, Occur.SHOULD);
        }

        return clause;
    }

    private static QueryWrapperFilter? Filter(KnowledgeQuery request)
    {
        var filter = new BooleanQuery();
        void Must(string field, string value) => filter.Add(new TermQuery(new Term(field, value)), Occur.MUST);
        if (request.PublishedPublicOnly)
        {
            Must(KnowledgeFields.Status, nameof(ArticleStatus.Published));
            Must(KnowledgeFields.Visibility, nameof(ArticleVisibility.Public));
        }

        if (request.Status is { } status)
        {
            Must(KnowledgeFields.Status, status.ToString());
        }

        if (request.Visibility is { } visibility)
        {
            Must(KnowledgeFields.Visibility, visibility.ToString());
        }

        if (!string.IsNullOrEmpty(request.Language))
        {
            Must(KnowledgeFields.Language, request.Language);
        }

        if (request.CategoryId is { } category)
        {
            Must(KnowledgeFields.Category, category.ToString("N"));
        }

        foreach (var excluded in request.Exclude ?? [])
        {
            filter.Add(new TermQuery(new Term(KnowledgeFields.Id, excluded.ToString("N"))), Occur.MUST_NOT);
        }

        if (filter.Clauses.Count == 0)
        {
            return null;
        }

        if (filter.Clauses.All(c => c.Occur == Occur.MUST_NOT))
        {
            filter.Add(new MatchAllDocsQuery(), Occur.MUST);
        }

        return new QueryWrapperFilter(filter);
    }

    private static bool Contains(List<string> terms, IReadOnlyList<string> phrase)
    {
        for (var i = 0; i + phrase.Count <= terms.Count; i++)
        {
            var all = true;
            for (var j = 0; j < phrase.Count && all; j++)
            {
                all = terms[i + j] == phrase[j];
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Learned terms without length norms: few articles have any, so BM25's average length over all documents is tiny
    /// and would crush every article that learned more than a few words.
    /// </summary>
    private static readonly FieldType LearnedType = new(TextField.TYPE_NOT_STORED) { OmitNorms = true };

    private static Document ToDocument(ArticleDocument a)
    {
        var doc = new Document
        {
            new StringField(KnowledgeFields.Id, a.Id.ToString("N"), Field.Store.YES),
            new StoredField(KnowledgeFields.Slug, a.Slug),
            new TextField(KnowledgeFields.Title, a.Title, Field.Store.YES),
            new TextField(KnowledgeFields.Summary, a.Summary, Field.Store.YES),
            new TextField(KnowledgeFields.Body, a.BodyText, Field.Store.YES),
            new TextField(KnowledgeFields.Tags, string.Join(" , ", a.Tags), Field.Store.NO),
            new Field(KnowledgeFields.Learned, a.LearnedTerms, LearnedType),
            new TextField(KnowledgeFields.All, string.Join(" \n ", a.Title, a.Summary, a.BodyText, string.Join(" , ", a.Tags)), Field.Store.NO),
            new StringField(KnowledgeFields.Language, a.Language, Field.Store.YES),
            new StringField(KnowledgeFields.Visibility, a.Visibility.ToString(), Field.Store.YES),
            new StringField(KnowledgeFields.Status, a.Status.ToString(), Field.Store.YES),
        };
        foreach (var category in a.CategoryPath)
        {
            doc.Add(new StringField(KnowledgeFields.Category, category.ToString("N"), Field.Store.NO));
        }

        return doc;
    }

    /// <summary>
    /// HTML-encodes <paramref name="text"/> with every word that matched the query in <c>&lt;mark&gt;</c>; unless
    /// <paramref name="whole"/>, only a window around the densest run of matches is kept.
    /// </summary>
    internal static string Highlight(KnowledgeAnalyzer analyzer, string text, List<Func<string, bool>> matchers, bool whole)
    {
        var marks = new List<(int Start, int End)>();
        using (var stream = analyzer.GetTokenStream(KnowledgeFields.Body, text))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            var offset = stream.AddAttribute<IOffsetAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                var value = term.ToString();
                if (matchers.Exists(m => m(value)))
                {
                    marks.Add((offset.StartOffset, Math.Min(offset.EndOffset, text.Length)));
                }
            }

            stream.End();
        }

        var from = 0;
        var to = text.Length;
        if (!whole && text.Length > SnippetLength)
        {
            var best = 0;
            var bestCount = 0;
            for (int i = 0, j = 0; i < marks.Count; i++)
            {
                while (j < marks.Count && marks[j].End - marks[i].Start <= SnippetLength)
                {
                    j++;
                }

                if (j - i > bestCount)
                {
                    (best, bestCount) = (i, j - i);
                }
            }

            from = marks.Count == 0 ? 0 : Math.Max(0, marks[best].Start - 40);
            while (from > 0 && !char.IsWhiteSpace(text[from - 1]))
            {
                from--;
            }

            to = Math.Min(text.Length, from + SnippetLength);
            while (to < text.Length && !char.IsWhiteSpace(text[to]))
            {
                to++;
            }
        }

        var html = new StringBuilder();
        if (from > 0)
        {
            html.Append("… ");
        }

        var at = from;
        foreach (var (start, end) in marks.Where(m => m.Start >= from && m.End <= to))
        {
            html.Append(WebUtility.HtmlEncode(text[at..start])).Append("<mark>").Append(WebUtility.HtmlEncode(text[start..end])).Append("</mark>");
            at = end;
        }

        html.Append(WebUtility.HtmlEncode(text[at..to]));
        if (to < text.Length)
        {
            html.Append(" …");
        }

        return html.ToString();
    }

    /// <summary>Levenshtein distance, giving up (returning max + 1) once it must exceed <paramref name="max"/>.</summary>
    internal static int EditDistance(string a, string b, int max)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMin = Math.Min(rowMin, current[j]);
            }

            if (rowMin > max)
            {
                return max + 1;
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private sealed class Bm25SearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = new BM25Similarity() };
    }
}
