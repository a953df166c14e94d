using Pishkhan.Features.Knowledge.Search;

namespace Pishkhan.Tests.Knowledge;

public sealed class NormalisationTests
{
    private static readonly KnowledgeAnalyzer Analyzer = new();

    private static string Terms(string text) => string.Join(' ', Analyzer.Terms(text));

    [Theory]
    [InlineData("كيبورد", "کیبورد")]
    [InlineData("يك سيستم", "یک سیستم")]
    [InlineData("پرينتر", "پرینتر")]
    public void ArabicYehAndKaf_MatchPersian(string arabic, string persian) => Assert.Equal(Terms(persian), Terms(arabic));

    [Theory]
    [InlineData("می‌شود")]
    [InlineData("میشود")]
    [InlineData("می شود")]
    [InlineData("مي‌شود")]
    public void ZwnjSpaceAndJoined_AllMatch(string variant) => Assert.Equal("میشود", Terms(variant));

    [Theory]
    [InlineData("نمی‌شود", "نمیشود")]
    [InlineData("نمی شود", "نمیشود")]
    [InlineData("فایل‌ها", "فایل")]
    [InlineData("فایل ها", "فایل")]
    [InlineData("فایلهای", "فایل")]
    public void PrefixesAndPluralSuffixes_Join(string text, string expected) => Assert.Equal(expected, Terms(text));

    [Theory]
    [InlineData("۱۲۳")]
    [InlineData("١٢٣")]
    [InlineData("123")]
    public void PersianArabicIndicAndLatinDigits_AreEqual(string digits) => Assert.Equal("123", Terms(digits));

    [Theory]
    [InlineData("خطای ۴۰۴", "خطای 404")]
    [InlineData("مُشکِل", "مشکل")]
    [InlineData("مـــشکل", "مشکل")]
    [InlineData("رمز عبور", "رمز‌عبور")]
    public void DiacriticsTatweelAndDigitsInText_AreFolded(string text, string same) => Assert.Equal(Terms(same).Replace(" ", "", StringComparison.Ordinal), Terms(text).Replace(" ", "", StringComparison.Ordinal));

    [Theory]
    [InlineData("printers", "printer")]
    [InlineData("Freezing", "freeze")]
    [InlineData("connection", "connected")]
    public void EnglishWords_AreStemmed(string a, string b) => Assert.Equal(Terms(b), Terms(a));

    [Fact]
    public void StopWords_AreDropped() => Assert.Equal("پرینتر", Terms("این پرینتر و"));
}
