namespace Pishkhan.Localization;

/// <summary>The customer portal's texts (English, Persian), merged into <see cref="Texts"/>.</summary>
internal static class PortalTexts
{
    public static readonly Dictionary<string, (string En, string Fa)> All = new()
    {
        ["portal.brand"] = ("Customer support", "پشتیبانی مشتریان"),
        ["portal.skip"] = ("Skip to content", "رفتن به محتوا"),
        ["portal.nav"] = ("Portal", "پرتال"),
        ["portal.nav.kb"] = ("Help articles", "راهنماها"),
        ["portal.nav.cases"] = ("My requests", "درخواست‌های من"),
        ["portal.nav.new"] = ("New request", "درخواست تازه"),
        ["portal.nav.login"] = ("Sign in", "ورود"),
        ["portal.nav.logout"] = ("Sign out", "خروج"),
        ["portal.footer"] = ("Powered by Pishkhan", "با پیشخوان"),
        ["portal.home.title"] = ("How can we help?", "چطور می‌توانیم کمک کنیم؟"),
        ["portal.home.intro"] = (
            "Search our help articles, or open a request and follow it here until it is solved.",
            "در راهنماها جستجو کنید، یا درخواستی ثبت کنید و تا حل شدن آن را همین‌جا دنبال کنید."),
        ["portal.home.kb"] = ("Browse help articles", "دیدن راهنماها"),
        ["portal.home.new"] = ("Open a request", "ثبت درخواست"),
        ["portal.home.cases"] = ("Follow my requests", "پیگیری درخواست‌های من"),
        ["portal.home.signIn"] = ("Sign in or create an account to open and follow requests.", "برای ثبت و پیگیری درخواست، وارد شوید یا حساب بسازید."),
    };
}
