using System.Globalization;
using Pishkhan.Features.Knowledge;
using Pishkhan.Features.Knowledge.Search;

namespace Pishkhan.Knowledge.Bench;

/// <summary>
/// A deterministic synthetic knowledge base: half Persian, half English; titles name a product and a problem plus
/// two rarer words, bodies are about 120 words drawn with a Zipf-like skew from a 6,000-word vocabulary.
/// </summary>
public static class KbCorpus
{
    private static readonly string[] ThingsEn = ["printer", "laptop", "router", "email", "vpn", "invoice", "password", "mobile app", "website", "database", "shopping cart", "payment gateway", "customer portal", "sales report", "sms panel"];
    private static readonly string[] ThingsFa = ["چاپگر", "لپ‌تاپ", "مودم", "ایمیل", "وی‌پی‌ان", "فاکتور", "رمز عبور", "اپلیکیشن موبایل", "وب‌سایت", "پایگاه داده", "سبد خرید", "درگاه پرداخت", "پرتال مشتریان", "گزارش فروش", "پنل پیامک"];
    private static readonly string[] ProblemsEn = ["is slow", "freezes", "shows error 404", "shows error 503", "cannot connect", "settings", "sync fails", "access denied", "update", "backup and restore"];
    private static readonly string[] ProblemsFa = ["کند است", "هنگ می‌کند", "خطای ۴۰۴ می‌دهد", "خطای ۵۰۳ می‌دهد", "وصل نمی‌شود", "تنظیمات", "همگام‌سازی انجام نمی‌شود", "دسترسی رد شد", "به‌روزرسانی", "پشتیبان‌گیری و بازیابی"];
    private const string LatinSyllables = "ka,ro,mi,ten,sol,var,dex,lu,pra,zen,tor,bel,qui,nor,fas,gil,ham,jet,mox,per";
    private const string PersianSyllables = "کار,رو,می,تن,سل,ور,دک,لو,پرا,زن,تور,بل,کو,نور,فس,گیل,هم,جت,مک,پر";

    public static readonly string[] VocabularyEn = Words(LatinSyllables, 3000, 11);
    public static readonly string[] VocabularyFa = Words(PersianSyllables, 3000, 13);

    public static List<ArticleDocument> Generate(int count, int seed = 42)
    {
        var random = new Random(seed);
        var list = new List<ArticleDocument>(count);
        for (var i = 0; i < count; i++)
        {
            var fa = i % 2 == 0;
            var vocabulary = fa ? VocabularyFa : VocabularyEn;
            var t = random.Next(ThingsEn.Length);
            var p = random.Next(ProblemsEn.Length);
            var extra1 = vocabulary[random.Next(vocabulary.Length)];
            var extra2 = vocabulary[random.Next(vocabulary.Length)];
            var title = fa ? $"{ThingsFa[t]} {ProblemsFa[p]} {extra1} {extra2}" : $"{ThingsEn[t]} {ProblemsEn[p]} {extra1} {extra2}";
            var summary = fa ? $"{title}: چه چیزهایی را بررسی کنید" : $"{title}: what to check first";
            var body = string.Join(' ', Enumerable.Range(0, 120).Select(_ => vocabulary[Zipf(random, vocabulary.Length)]));
            list.Add(new ArticleDocument(
                Guid.CreateVersion7(), "a-" + i.ToString(CultureInfo.InvariantCulture), title, summary, body, [ProblemsEn[p].Split(' ')[0]],
                fa ? "fa" : "en", i % 3 == 0 ? ArticleVisibility.Public : ArticleVisibility.Internal, ArticleStatus.Published, [], ""));
        }

        return list;
    }

    /// <summary>Queries as agents type them: title words, a typo, Arabic-keyboard letters, Persian digits, a prefix.</summary>
    public static List<KnowledgeQuery> Queries(IReadOnlyList<ArticleDocument> articles, int count, int seed = 7)
    {
        var random = new Random(seed);
        var queries = new List<KnowledgeQuery>(count);
        for (var i = 0; i < count; i++)
        {
            var article = articles[random.Next(articles.Count)];
            var words = article.Title.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var text = (i % 5) switch
            {
                0 => string.Join(' ', words.Take(3)),
                1 => Typo(string.Join(' ', words.TakeLast(2)), random),
                2 => article.Title.Replace('ی', 'ي').Replace('ک', 'ك'),
                3 => words[^1][..Math.Max(3, words[^1].Length - 2)],
                _ => string.Join(' ', words.Skip(1).Take(3)),
            };
            queries.Add(new KnowledgeQuery(text, Language: i % 7 == 0 ? article.Language : null));
        }

        return queries;
    }

    private static string Typo(string text, Random random)
    {
        if (text.Length < 5)
        {
            return text;
        }

        var at = random.Next(1, text.Length - 2);
        var chars = text.ToCharArray();
        (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
        return new string(chars);
    }

    private static int Zipf(Random random, int n) => Math.Min(n - 1, (int)Math.Floor(Math.Pow(n, random.NextDouble())) - 1 + random.Next(2));

    private static string[] Words(string syllables, int count, int seed)
    {
        var parts = syllables.Split(',');
        var random = new Random(seed);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < count)
        {
            words.Add(string.Concat(Enumerable.Range(0, random.Next(2, 4)).Select(_ => parts[random.Next(parts.Length)])));
        }

        return [.. words];
    }
}
