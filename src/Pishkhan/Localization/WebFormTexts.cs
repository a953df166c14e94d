namespace Pishkhan.Localization;

/// <summary>The public web form page's texts (English, Persian), merged into <see cref="Texts"/>.</summary>
internal static class WebFormTexts
{
    public static readonly Dictionary<string, (string En, string Fa)> All = new()
    {
        ["webform.title"] = ("Send us a request", "درخواست خود را بفرستید"),
        ["webform.intro"] = (
            "Tell us what you need; we answer by email and your request gets a number you can quote.",
            "بگویید چه نیاز دارید؛ پاسخ را با ایمیل می‌فرستیم و درخواست شما شماره‌ای می‌گیرد که می‌توانید به آن اشاره کنید."),
        ["webform.email"] = ("Your email", "ایمیل شما"),
        ["webform.phone"] = ("Phone (optional)", "تلفن (اختیاری)"),
        ["webform.subject"] = ("Subject", "موضوع"),
        ["webform.description"] = ("Description", "شرح درخواست"),
        ["webform.category"] = ("Topic", "دسته"),
        ["webform.categoryNone"] = ("Not sure / other", "نمی‌دانم / سایر"),
        ["webform.files"] = ("Attachments (optional)", "پیوست‌ها (اختیاری)"),
        ["webform.filesHint"] = (
            "Up to 5 files of at most 10 MB each: images, PDF, text, CSV, Word, Excel or ZIP.",
            "حداکثر ۵ فایل، هر کدام تا ۱۰ مگابایت: تصویر، PDF، متن، CSV، ورد، اکسل یا ZIP."),
        ["webform.submit"] = ("Send request", "ارسال درخواست"),
        ["webform.language"] = ("English", "فارسی"),
        ["webform.thanks"] = ("Thank you — we received your request.", "سپاس؛ درخواست شما رسید."),
        ["webform.number"] = ("Its number is {0}. A confirmation is on its way to {1}; our answer will come to the same address.", "شمارهٔ آن {0} است. تأییدیه به {1} فرستاده شد و پاسخ ما هم به همین نشانی می‌آید."),
        ["webform.another"] = ("Send another request", "ارسال درخواستی دیگر"),
        ["webform.error.subject"] = ("Write a subject of at most 300 characters.", "موضوعی تا ۳۰۰ نویسه بنویسید."),
        ["webform.error.description"] = ("Describe your request (at most 20,000 characters).", "درخواست خود را شرح دهید (حداکثر ۲۰٬۰۰۰ نویسه)."),
        ["webform.error.email"] = ("Enter your email address, such as name@example.com.", "نشانی ایمیل خود را وارد کنید، مانند name@example.com."),
        ["webform.error.phone"] = ("Enter a phone number we can call, such as 0912 345 6789.", "شماره تلفنی وارد کنید که بتوان با آن تماس گرفت، مانند ۰۹۱۲ ۳۴۵ ۶۷۸۹."),
        ["webform.error.categoryId"] = ("Choose one of the topics offered.", "یکی از دسته‌های پیشنهادی را انتخاب کنید."),
        ["webform.error.general"] = ("Your request could not be sent; please try again.", "درخواست فرستاده نشد؛ لطفاً دوباره امتحان کنید."),
        ["webform.error.tooMany"] = ("Too many requests from your network; wait a minute and try again.", "درخواست‌های زیادی از شبکهٔ شما رسید؛ یک دقیقه صبر کنید و دوباره امتحان کنید."),
    };
}
