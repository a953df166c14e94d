using Pishkhan.Features.Knowledge;
using Pishkhan.Features.Knowledge.Search;

namespace Pishkhan.Tests.Knowledge;

/// <summary>
/// A labelled relevance set: 15 things a CRM / IT-support / e-commerce desk supports × 10 kinds of problem, each
/// written once in English and once in Persian (300 articles); queries name one (thing, problem, language) and that
/// article is the relevant one. Some articles "learned" the words of cases they were linked to.
/// </summary>
internal static class RelevanceCorpus
{
    internal sealed record Thing(string Key, string En, string Fa, string EnDetail, string FaDetail);

    internal sealed record Problem(string Key, string EnTitle, string FaTitle, string EnBody, string FaBody);

    internal sealed record LabelledQuery(string Text, string Relevant, string Kind);

    public static readonly Thing[] Things =
    [
        new("printer", "Printer", "چاپگر", "the office printer and its print queue", "چاپگر اداره و صف چاپ آن"),
        new("laptop", "Laptop", "لپ‌تاپ", "company laptops issued to staff", "لپ‌تاپ‌های سازمانی کارکنان"),
        new("router", "Router", "مودم", "the branch router and Wi-Fi", "مودم شعبه و وای‌فای"),
        new("email", "Email", "ایمیل", "the company mailbox in Outlook", "صندوق ایمیل سازمانی در اوت‌لوک"),
        new("vpn", "VPN", "وی‌پی‌ان", "the remote-access VPN client", "کلاینت وی‌پی‌ان برای دسترسی از راه دور"),
        new("invoice", "Invoice", "فاکتور", "customer invoices in the billing module", "فاکتورهای مشتری در بخش صورت‌حساب"),
        new("password", "Password", "رمز عبور", "account passwords and sign-in", "رمز عبور حساب کاربری و ورود"),
        new("mobile", "Mobile app", "اپلیکیشن موبایل", "the Android and iOS app", "اپلیکیشن اندروید و آی‌اواس"),
        new("website", "Website", "وب‌سایت", "the public storefront website", "وب‌سایت فروشگاه"),
        new("database", "Database", "پایگاه داده", "the reporting database server", "سرور پایگاه داده گزارش‌ها"),
        new("cart", "Shopping cart", "سبد خرید", "the storefront shopping cart and checkout", "سبد خرید و تسویه در فروشگاه"),
        new("gateway", "Payment gateway", "درگاه پرداخت", "the bank payment gateway", "درگاه پرداخت بانکی"),
        new("portal", "Customer portal", "پرتال مشتریان", "the self-service customer portal", "پرتال خدمات مشتریان"),
        new("report", "Sales report", "گزارش فروش", "monthly sales reports and dashboards", "گزارش‌های ماهانه فروش و داشبورد"),
        new("sms", "SMS panel", "پنل پیامک", "the bulk SMS sending panel", "پنل ارسال پیامک انبوه"),
    ];

    public static readonly Problem[] Problems =
    [
        new("slow", "{0} is slow", "{0} کند است", "Pages take long to load and actions lag.", "صفحه‌ها دیر باز می‌شوند و کارها با تاخیر انجام می‌شود."),
        new("freeze", "{0} freezes", "{0} هنگ می‌کند", "It stops responding and the screen does not change.", "پاسخ نمی‌دهد و صفحه تغییری نمی‌کند."),
        new("e404", "{0} shows error 404", "{0} خطای ۴۰۴ می‌دهد", "The address was not found: error 404 appears.", "نشانی پیدا نشد: خطای ۴۰۴ نمایش داده می‌شود."),
        new("e503", "{0} shows error 503", "{0} خطای ۵۰۳ می‌دهد", "The service is unavailable: error 503 appears.", "سرویس در دسترس نیست: خطای ۵۰۳ نمایش داده می‌شود."),
        new("connect", "{0} cannot connect", "{0} وصل نمی‌شود", "The connection fails or drops after a few seconds.", "اتصال برقرار نمی‌شود یا بعد از چند ثانیه قطع می‌شود."),
        new("settings", "Configuring the {0}", "تنظیمات {0}", "Recommended settings and options step by step.", "تنظیمات و گزینه‌های پیشنهادی گام به گام."),
        new("sync", "{0} sync fails", "همگام‌سازی {0} انجام نمی‌شود", "Changes made elsewhere do not synchronise.", "تغییراتی که جای دیگر انجام شده همگام نمی‌شوند."),
        new("denied", "{0} access denied", "دسترسی به {0} رد شد", "A permission error blocks the user.", "خطای مجوز جلوی کاربر را می‌گیرد."),
        new("update", "Updating the {0}", "به‌روزرسانی {0}", "How to install the latest version safely.", "نصب آخرین نسخه به شکل امن."),
        new("backup", "{0} backup and restore", "پشتیبان‌گیری و بازیابی {0}", "Take a backup and restore it when data is lost.", "پشتیبان بگیرید و هنگام از دست رفتن داده بازیابی کنید."),
    ];

    /// <summary>Admin synonym groups, across fa and en, as a support team would set them up.</summary>
    public static readonly string[][] SynonymGroups =
    [
        ["هنگ", "قفل", "freeze", "hang", "stuck", "frozen", "unresponsive"],
        ["کند", "slow", "sluggish", "laggy", "کُند"],
        ["چاپگر", "پرینتر", "printer"],
        ["لپ‌تاپ", "لپتاپ", "نوت‌بوک", "laptop", "notebook"],
        ["مودم", "روتر", "router", "modem"],
        ["رمز عبور", "پسورد", "گذرواژه", "password", "passcode"],
        ["فاکتور", "صورتحساب", "invoice", "bill"],
        ["به‌روزرسانی", "آپدیت", "update", "upgrade"],
        ["وصل نمی‌شود", "قطع", "disconnected", "offline", "cannot connect"],
        ["پشتیبان", "بکاپ", "backup"],
        ["ایمیل", "رایانامه", "email", "mail", "e-mail"],
        ["همگام‌سازی", "سینک", "sync", "synchronise"],
    ];

    /// <summary>Case texts agents linked to articles: the customers' own words, which the articles never use.</summary>
    public static readonly (string Article, string CaseText)[] LinkedCases =
    [
        ("en:printer:freeze", "Spooler service hangs, jobs pile up in the queue and nothing comes out"),
        ("en:printer:freeze", "print spooler stopped, documents waiting forever"),
        ("en:email:denied", "Outlook keeps asking for credentials and says mailbox unauthorized"),
        ("en:cart:e503", "Checkout page down during flash sale, customers see maintenance message"),
        ("en:gateway:connect", "Shaparak timeout when customers pay, transaction not verified"),
        ("en:mobile:update", "App store says incompatible build after release 7.2"),
        ("en:report:slow", "Dashboard widgets spin for minutes before charts appear"),
        ("en:sms:denied", "Line number blocked by operator, messages rejected as spam"),
        ("fa:printer:freeze", "اسپولر چاپ گیر کرده و برگه‌ها در صف می‌مانند"),
        ("fa:gateway:connect", "تراکنش شاپرک تایید نمی‌شود و پول از حساب کم شده"),
        ("fa:password:denied", "حساب کاربری مسدود شده و پیامک کد تایید نمی‌رسد"),
        ("fa:sms:denied", "خط ارسال توسط اپراتور مسدود شده و پیامک‌ها به عنوان اسپم رد می‌شوند"),
        ("fa:cart:e503", "صفحه تسویه در حراج شب یلدا بالا نمی‌آید"),
        ("fa:report:slow", "نمودارهای داشبورد چند دقیقه طول می‌کشد تا نمایش داده شوند"),
        ("fa:mobile:update", "نسخه جدید از بازار کافه‌بازار نصب نمی‌شود"),
        ("fa:email:denied", "اوت‌لوک مدام نام کاربری می‌خواهد و صندوق باز نمی‌شود"),
    ];

    public static readonly LabelledQuery[] Queries =
    [
        // English, as written in the titles.
        new("printer is slow", "en:printer:slow", "exact"),
        new("laptop freezes", "en:laptop:freeze", "exact"),
        new("router cannot connect", "en:router:connect", "exact"),
        new("email access denied", "en:email:denied", "exact"),
        new("vpn error 503", "en:vpn:e503", "exact"),
        new("website 404", "en:website:e404", "exact"),
        new("database backup restore", "en:database:backup", "exact"),
        new("configure sms panel", "en:sms:settings", "exact"),
        new("shopping cart sync", "en:cart:sync", "exact"),
        new("update mobile app", "en:mobile:update", "exact"),
        new("payment gateway not connecting", "en:gateway:connect", "exact"),
        new("customer portal is slow", "en:portal:slow", "exact"),
        // English typos and prefixes.
        new("pirnter slow", "en:printer:slow", "typo"),
        new("labtop freezes", "en:laptop:freeze", "typo"),
        new("invioce access denied", "en:invoice:denied", "typo"),
        new("databse backup", "en:database:backup", "typo"),
        new("paymnet gateway 503", "en:gateway:e503", "typo"),
        new("websit error 404", "en:website:e404", "typo"),
        new("routr configuration", "en:router:settings", "typo"),
        new("sales rep sync", "en:report:sync", "prefix"),
        // English synonyms.
        new("laptop hangs", "en:laptop:freeze", "synonym"),
        new("notebook is stuck", "en:laptop:freeze", "synonym"),
        new("modem offline", "en:router:connect", "synonym"),
        new("website sluggish", "en:website:slow", "synonym"),
        new("upgrade the vpn", "en:vpn:update", "synonym"),
        new("bill access denied", "en:invoice:denied", "synonym"),
        new("پرینتر slow", "en:printer:slow", "synonym"),
        // English learned from linked cases.
        new("print spooler stopped", "en:printer:freeze", "learned"),
        new("outlook credentials unauthorized", "en:email:denied", "learned"),
        new("checkout down flash sale", "en:cart:e503", "learned"),
        new("shaparak timeout", "en:gateway:connect", "learned"),
        new("dashboard widgets spin", "en:report:slow", "learned"),
        new("operator blocked messages spam", "en:sms:denied", "learned"),
        // Persian, as written.
        new("چاپگر کند است", "fa:printer:slow", "exact"),
        new("لپ‌تاپ هنگ می‌کند", "fa:laptop:freeze", "exact"),
        new("مودم وصل نمی‌شود", "fa:router:connect", "exact"),
        new("دسترسی به ایمیل رد شد", "fa:email:denied", "exact"),
        new("تنظیمات پنل پیامک", "fa:sms:settings", "exact"),
        new("پشتیبان‌گیری پایگاه داده", "fa:database:backup", "exact"),
        new("به‌روزرسانی اپلیکیشن موبایل", "fa:mobile:update", "exact"),
        new("همگام‌سازی سبد خرید", "fa:cart:sync", "exact"),
        // Persian spelling variants: Arabic keyboard, ZWNJ, spaces, digits.
        new("چاپگر كند است", "fa:printer:slow", "arabic"),
        new("لپ‌تاپ هنگ مي‌كند", "fa:laptop:freeze", "arabic"),
        new("دسترسي به فاكتور رد شد", "fa:invoice:denied", "arabic"),
        new("مودم وصل نمی شود", "fa:router:connect", "zwnj"),
        new("مودم وصل نمیشود", "fa:router:connect", "zwnj"),
        new("لپتاپ هنگ میکند", "fa:laptop:freeze", "zwnj"),
        new("وب سایت خطای 404", "fa:website:e404", "digits"),
        new("درگاه پرداخت خطای ٥٠٣", "fa:gateway:e503", "digits"),
        new("وی‌پی‌ان خطای ۵۰۳", "fa:vpn:e503", "digits"),
        new("پرتال مشتریان خطای 503", "fa:portal:e503", "digits"),
        // Persian typos.
        new("چاپگز کند", "fa:printer:slow", "typo"),
        new("پایگاه داد پشتیبان", "fa:database:backup", "typo"),
        new("اپلیکیشن موبایک به‌روزرسانی", "fa:mobile:update", "typo"),
        // Persian synonyms.
        new("لپ تاپ قفل شده", "fa:laptop:freeze", "synonym"),
        new("پرینتر کند", "fa:printer:slow", "synonym"),
        new("روتر قطع است", "fa:router:connect", "synonym"),
        new("آپدیت وی‌پی‌ان", "fa:vpn:update", "synonym"),
        new("صورتحساب دسترسی رد", "fa:invoice:denied", "synonym"),
        new("بکاپ پایگاه داده", "fa:database:backup", "synonym"),
        new("سینک پرتال مشتریان", "fa:portal:sync", "synonym"),
        // Persian learned from linked cases.
        new("اسپولر گیر کرده", "fa:printer:freeze", "learned"),
        new("تراکنش شاپرک تایید نمی‌شود", "fa:gateway:connect", "learned"),
        new("پیامک کد تایید نمی‌رسد حساب مسدود", "fa:password:denied", "learned"),
        new("خط ارسال مسدود اپراتور", "fa:sms:denied", "learned"),
        new("حراج شب یلدا تسویه", "fa:cart:e503", "learned"),
        new("کافه‌بازار نصب نمی‌شود", "fa:mobile:update", "learned"),
    ];

    public static Guid IdOf(string key) => new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))[..16]);

    public static IEnumerable<ArticleDocument> Articles()
    {
        var learned = LinkedCases.GroupBy(c => c.Article).ToDictionary(g => g.Key, g => g.Aggregate("", (acc, c) => LinkArticleToCase.Learn(acc, c.CaseText)));
        foreach (var thing in Things)
        {
            foreach (var problem in Problems)
            {
                foreach (var language in (string[])["en", "fa"])
                {
                    var key = $"{language}:{thing.Key}:{problem.Key}";
                    var en = language == "en";
                    var title = string.Format(System.Globalization.CultureInfo.InvariantCulture, en ? problem.EnTitle : problem.FaTitle, en ? thing.En : thing.Fa);
                    var summary = en ? $"{title}: what to check for {thing.EnDetail}." : $"{title}: چه چیزهایی را برای {thing.FaDetail} بررسی کنید.";
                    var body = en
                        ? $"## Symptoms\n\n{problem.EnBody}\n\n## Steps\n\n1. Note the time and the user.\n2. Check {thing.EnDetail}.\n3. If it persists, escalate to the second line with the case number."
                        : $"## نشانه‌ها\n\n{problem.FaBody}\n\n## گام‌ها\n\n۱. زمان و کاربر را یادداشت کنید.\n۲. {thing.FaDetail} را بررسی کنید.\n۳. اگر ادامه داشت، با شماره درخواست به سطح دوم ارجاع دهید.";
                    yield return new ArticleDocument(IdOf(key), key.Replace(':', '-'), title, summary, ArticleRules.PlainText(body), [thing.Key, problem.Key], language,
                        ArticleVisibility.Public, ArticleStatus.Published, [], learned.GetValueOrDefault(key, ""));
                }
            }
        }
    }
}
