namespace Pishkhan.Localization;

/// <summary>The satisfaction survey's texts (the public page and the agents' case view), English and Persian, merged into <see cref="Texts"/>.</summary>
internal static class SatisfactionTexts
{
    public static readonly Dictionary<string, (string En, string Fa)> All = new()
    {
        ["survey.title"] = ("How did we do?", "نظر شما دربارهٔ پاسخ ما"),
        ["survey.case"] = ("Your request {0}: {1}", "درخواست {0} شما: {1}"),
        ["survey.intro"] = ("Your request has been resolved. Please tell us how satisfied you are with our help.", "درخواست شما حل شد. لطفاً بگویید چقدر از کمک ما راضی هستید."),
        ["survey.question"] = ("How satisfied are you?", "چقدر راضی هستید؟"),
        ["survey.rating.1"] = ("Very dissatisfied", "خیلی ناراضی"),
        ["survey.rating.2"] = ("Dissatisfied", "ناراضی"),
        ["survey.rating.3"] = ("Neither", "نه راضی نه ناراضی"),
        ["survey.rating.4"] = ("Satisfied", "راضی"),
        ["survey.rating.5"] = ("Very satisfied", "خیلی راضی"),
        ["survey.comment"] = ("Anything you would like to tell us? (optional)", "نکته‌ای هست که بخواهید به ما بگویید؟ (اختیاری)"),
        ["survey.commentHint"] = ("At most {0} characters.", "حداکثر {0} نویسه."),
        ["survey.submit"] = ("Send my answer", "ارسال پاسخ"),
        ["survey.change"] = ("Change my answer", "تغییر پاسخ"),
        ["survey.thanks"] = ("Thank you! Your answer has been saved.", "سپاس! پاسخ شما ثبت شد."),
        ["survey.current"] = ("Your answer: {0} of 5 ({1}).", "پاسخ شما: {0} از ۵ ({1})."),
        ["survey.changeableUntil"] = ("You can change it until {0}.", "تا {0} می‌توانید آن را تغییر دهید."),
        ["survey.closed"] = ("This survey closed on {0}; answers can no longer be given or changed.", "این نظرسنجی در {0} بسته شد؛ دیگر نمی‌توان پاسخ داد یا پاسخ را تغییر داد."),
        ["survey.closedUnanswered"] = ("This survey closed on {0} without an answer.", "این نظرسنجی در {0} بدون پاسخ بسته شد."),
        ["survey.notFound"] = ("This survey link is not valid. Please check that you copied the whole link from the email.", "این پیوند نظرسنجی معتبر نیست. لطفاً بررسی کنید که کل پیوند را از ایمیل کپی کرده باشید."),
        ["survey.errors"] = ("Please correct the following:", "لطفاً این موارد را اصلاح کنید:"),
        ["survey.error.rating"] = ("Choose a rating from 1 to 5.", "امتیازی از ۱ تا ۵ انتخاب کنید."),
        ["survey.error.comment"] = ("The comment is too long (at most {0} characters).", "توضیح بیش از اندازه بلند است (حداکثر {0} نویسه)."),
        ["survey.yourComment"] = ("Your comment:", "توضیح شما:"),

        ["csat.title"] = ("Customer satisfaction", "رضایت مشتری"),
        ["csat.none"] = ("No survey yet: one is offered when the case is resolved.", "هنوز نظرسنجی‌ای نیست؛ با حل شدن درخواست فرستاده می‌شود."),
        ["csat.waiting"] = ("Survey offered {0}; not answered yet (open until {1}).", "نظرسنجی در {0} فرستاده شد؛ هنوز پاسخی نیامده (باز تا {1})."),
        ["csat.closedUnanswered"] = ("Survey offered {0}; closed without an answer.", "نظرسنجی در {0} فرستاده شد؛ بدون پاسخ بسته شد."),
        ["csat.rating"] = ("{0} of 5", "{0} از ۵"),
        ["csat.answeredAt"] = ("Answered {0}", "پاسخ در {0}"),
        ["csat.about"] = ("Resolved by {0}", "حل‌شده توسط {0}"),
        ["csat.email"] = ("Survey email", "ایمیل نظرسنجی"),
        ["csat.email.Pending"] = ("waiting to be queued (needs an active mailbox)", "در انتظار صف (به صندوق فعال نیاز دارد)"),
        ["csat.email.Queued"] = ("queued (see the Emails tab)", "در صف ارسال (زبانهٔ ایمیل‌ها)"),
        ["csat.email.NoAddress"] = ("not sent: the contact has no email address", "فرستاده نشد: مخاطب نشانی ایمیل ندارد"),
        ["csat.email.Expired"] = ("not sent: no mailbox was active before the survey closed", "فرستاده نشد: پیش از بسته شدن نظرسنجی هیچ صندوقی فعال نبود"),
        ["csat.email.AlreadyAnswered"] = ("not needed: answered already", "لازم نشد: پیش‌تر پاسخ داده شده بود"),
    };
}
