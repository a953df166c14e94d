using Lucene.Net.Analysis;
using Lucene.Net.Analysis.CharFilters;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Knowledge.Search;

/// <summary>
/// One analyzer for every text field and for queries, so both sides agree: Persian folding (<see cref="PersianText.IndexFolding"/>)
/// before tokenising, lower case, «می شود» and «فایل ها» joined into one word, a light Persian plural stem, stop words
/// in both languages, and the Porter stemmer for English.
/// </summary>
public sealed class KnowledgeAnalyzer : Analyzer
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    private static readonly NormalizeCharMap Folding = BuildFolding();

    private static readonly CharArraySet StopWords = new(Version, StopAnalyzer.ENGLISH_STOP_WORDS_SET.Concat(
        ["و", "در", "به", "از", "که", "را", "با", "این", "آن", "است", "برای", "یا", "تا", "هم", "بر", "اگر", "من", "ما", "شما", "چه", "یک", "hi", "hello", "please", "سلام", "لطفا"]), ignoreCase: true);

    protected override TextReader InitReader(string fieldName, TextReader reader) => new MappingCharFilter(Folding, reader);

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new StandardTokenizer(Version, reader);
        TokenStream stream = new LowerCaseFilter(Version, source);
        stream = new PersianJoinFilter(stream);
        stream = new PersianStemFilter(stream);
        stream = new StopFilter(Version, stream, StopWords);
        stream = new PorterStemFilter(stream);
        return new TokenStreamComponents(source, stream);
    }

    /// <summary>The terms a text becomes, in order (duplicates kept).</summary>
    public List<string> Terms(string text, string field = KnowledgeFields.All)
    {
        var terms = new List<string>();
        using var stream = GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(term.ToString());
        }

        stream.End();
        return terms;
    }

    private static NormalizeCharMap BuildFolding()
    {
        var builder = new NormalizeCharMap.Builder();
        foreach (var (from, to) in PersianText.IndexFolding())
        {
            builder.Add(from, to);
        }

        return builder.Build();
    }

    /// <summary>Joins «می»/«نمی» to the next word and «ها»/«تر»… to the previous one, keeping the offsets of both.</summary>
    private sealed class PersianJoinFilter : TokenFilter
    {
        private readonly ICharTermAttribute _term;
        private readonly IOffsetAttribute _offset;
        private State? _pending;
        private bool _exhausted;

        public PersianJoinFilter(TokenStream input)
            : base(input)
        {
            _term = AddAttribute<ICharTermAttribute>();
            _offset = AddAttribute<IOffsetAttribute>();
        }

        public override bool IncrementToken()
        {
            if (!Next())
            {
                return false;
            }

            while (PersianText.JoinsNextWord(Current()))
            {
                var prefix = _term.ToString();
                var start = _offset.StartOffset;
                var prefixState = CaptureState();
                if (!Next())
                {
                    RestoreState(prefixState);
                    return true;
                }

                var word = _term.ToString();
                var end = _offset.EndOffset;
                _term.SetEmpty().Append(prefix).Append(word);
                _offset.SetOffset(start, end);
            }

            while (true)
            {
                var word = CaptureState();
                if (!Next())
                {
                    RestoreState(word);
                    return true;
                }

                if (!PersianText.JoinsPreviousWord(Current()))
                {
                    _pending = CaptureState();
                    RestoreState(word);
                    return true;
                }

                var suffix = _term.ToString();
                var end = _offset.EndOffset;
                RestoreState(word);
                _term.Append(suffix);
                _offset.SetOffset(_offset.StartOffset, end);
            }
        }

        public override void Reset()
        {
            base.Reset();
            _pending = null;
            _exhausted = false;
        }

        private ReadOnlySpan<char> Current() => _term.Buffer.AsSpan(0, _term.Length);

        private bool Next()
        {
            if (_pending is not null)
            {
                RestoreState(_pending);
                _pending = null;
                return true;
            }

            if (_exhausted || !m_input.IncrementToken())
            {
                _exhausted = true;
                return false;
            }

            return true;
        }
    }

    private sealed class PersianStemFilter : TokenFilter
    {
        private readonly ICharTermAttribute _term;

        public PersianStemFilter(TokenStream input)
            : base(input) => _term = AddAttribute<ICharTermAttribute>();

        public override bool IncrementToken()
        {
            if (!m_input.IncrementToken())
            {
                return false;
            }

            var word = _term.Buffer.AsSpan(0, _term.Length);
            var stem = PersianText.LightStem(word);
            if (stem.Length != word.Length)
            {
                _term.Length = stem.Length;
            }

            return true;
        }
    }
}
