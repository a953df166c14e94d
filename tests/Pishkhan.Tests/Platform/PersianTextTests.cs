using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Localization;
using Pishkhan.Platform.Text;

namespace Pishkhan.Tests.Platform;

public sealed class PersianTextTests
{
    [Theory]
    [InlineData("كيك", "کیک")]
    [InlineData("مي‌شود", "می شود")]
    [InlineData("سلامـــ", "سلام")]
    [InlineData("کِتاب", "کتاب")]
    [InlineData("شماره ۱۲۳ و ٤٥", "شماره 123 و 45")]
    [InlineData("  Hello   WORLD ", "hello world")]
    public void NormalizeForSearch_FoldsPersianVariants(string input, string expected) =>
        Assert.Equal(expected, PersianText.NormalizeForSearch(input));

    [Fact]
    public void PersianDigits_RoundTrip() =>
        Assert.Equal("1405-000123", PersianText.ToLatinDigits(PersianText.ToPersianDigits("1405-000123")));

    [Theory]
    [InlineData("09123456789")]
    [InlineData("+98 912 345 6789")]
    [InlineData("0098-912-345-6789")]
    [InlineData("9123456789")]
    [InlineData("۰۹۱۲۳۴۵۶۷۸۹")]
    public void PhoneFormat_IranianFormsBecomeOneE164(string raw) => Assert.Equal("+989123456789", PhoneFormat.ToE164(raw));

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("hello")]
    public void PhoneFormat_RejectsNonNumbers(string raw) => Assert.Null(PhoneFormat.ToE164(raw));

    [Theory]
    [InlineData(Level.High, Level.High, Priority.Critical)]
    [InlineData(Level.High, Level.Medium, Priority.High)]
    [InlineData(Level.Medium, Level.High, Priority.High)]
    [InlineData(Level.Medium, Level.Medium, Priority.Medium)]
    [InlineData(Level.High, Level.Low, Priority.Medium)]
    [InlineData(Level.Low, Level.Medium, Priority.Medium)]
    [InlineData(Level.Low, Level.Low, Priority.Low)]
    public void PriorityMatrix_Default3x3(Level urgency, Level impact, Priority expected) =>
        Assert.Equal(expected, CaseRules.PriorityFrom(urgency, impact));

    [Theory]
    [InlineData("2026-03-20T20:29:59Z", 1404)]
    [InlineData("2026-03-20T20:30:00Z", 1405)]
    [InlineData("2026-11-23T08:00:00Z", 1405)]
    public void CaseNumberYear_IsTheJalaliYearInTehran(string utc, int year) =>
        Assert.Equal(year, CaseNumbers.JalaliYear(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal)));

    [Fact]
    public void CaseNumber_IsZeroPadded() => Assert.Equal("1405-000042", CaseNumbers.Format(1405, 42));

    [Fact]
    public void DisplayFormat_PersianIsJalaliWithPersianDigits_EnglishIsGregorian()
    {
        var utc = new DateTime(2026, 11, 23, 6, 50, 0, DateTimeKind.Utc); // 10:20 in Tehran, 2 Azar 1405
        Assert.Equal("۱۴۰۵/۰۹/۰۲ ۱۰:۲۰", DisplayFormat.DateTime(utc, persian: true));
        Assert.Equal("2026-11-23 10:20", DisplayFormat.DateTime(utc, persian: false));
        Assert.Equal("۲ آذر ۱۴۰۵", DisplayFormat.LongDate(utc, persian: true));
    }
}
