using System.Text.RegularExpressions;
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

    /// <summary>
    /// «می شود» → «میشود» and «فایل ها» → «فایلها»: the space after the verb prefixes «می» / «نمی», and before the
    /// suffixes <see cref="PersianText.JoinsPreviousWord"/> lists, is removed before tokenising. ZWNJ was already
    /// removed by the folding.
    /// </summary>
    private static readonly Regex Joins = new(
        @"(?<![\w])(ن?می)\s+(?=[\w])|(?<=[\w])\s+(?=(?:هایی|هایم|هایش|های|ها|ترین|تر)(?![\w]))",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    protected override TextReader InitReader(string fieldName, TextReader reader) => new JoinCharFilter(new MappingCharFilter(Folding, reader));

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new StandardTokenizer(Version, reader);
        TokenStream stream = new LowerCaseFilter(Version, source);
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

    /// <summary>
    /// Applies <see cref="Joins"/> to the whole (small) text, recording where characters were removed so that token
    /// offsets still point into the original text and highlighting marks the right words.
    /// </summary>
    private sealed class JoinCharFilter(TextReader input) : BaseCharFilter(input)
    {
        private StringReader? _output;

        private readonly char[] _one = new char[1];

        /// <summary>Lucene's contract, as in Java: -1 at the end (the wrapped Lucene readers answer so too).</summary>
        public override int Read(char[] buffer, int index, int count)
        {
            _output ??= new StringReader(Join(ReadAll(m_input)));
            var read = _output.Read(buffer, index, count);
            return read == 0 && count > 0 ? -1 : read;
        }

        public override int Read() => Read(_one, 0, 1) > 0 ? _one[0] : -1;

        private static string ReadAll(TextReader reader)
        {
            var text = new System.Text.StringBuilder();
            var chunk = new char[1024];
            int read;
            while ((read = reader.Read(chunk, 0, chunk.Length)) > 0)
            {
                text.Append(chunk, 0, read);
            }

            return text.ToString();
        }

        private string Join(string text)
        {
            var builder = new System.Text.StringBuilder(text.Length);
            var at = 0;
            var removed = 0;
            foreach (Match m in Joins.Matches(text))
            {
                // Keep the prefix group (if any) and drop the whitespace that follows or precedes it.
                var keep = m.Groups[1].Success ? m.Groups[1].Value : "";
                builder.Append(text, at, m.Index - at).Append(keep);
                removed += m.Length - keep.Length;
                AddOffCorrectMap(builder.Length, removed);
                at = m.Index + m.Length;
            }

            return builder.Append(text, at, text.Length - at).ToString();
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
