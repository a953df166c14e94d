namespace Pishkhan.Localization;

/// <summary>The email channel's texts (English, Persian), merged into <see cref="Texts"/>; kept apart so the feature's strings stay together.</summary>
internal static class EmailTexts
{
    public static readonly Dictionary<string, (string En, string Fa)> All = new()
    {
        ["nav.mailboxes"] = ("Mailboxes", "صندوق‌های ایمیل"),

        ["mailboxes.title"] = ("Mailboxes", "صندوق‌های ایمیل"),
        ["mailboxes.intro"] = ("Each mailbox is read over IMAP and answers through SMTP. Passwords are stored encrypted and never shown again.", "هر صندوق با IMAP خوانده می‌شود و پاسخ‌ها با SMTP فرستاده می‌شوند. گذرواژه‌ها رمزنگاری‌شده نگه داشته می‌شوند و دیگر نمایش داده نمی‌شوند."),
        ["mailboxes.new"] = ("New mailbox", "صندوق جدید"),
        ["mailboxes.edit"] = ("Edit mailbox", "ویرایش صندوق"),
        ["mailboxes.none"] = ("No mailbox yet.", "هنوز صندوقی تعریف نشده است."),
        ["mailboxes.test"] = ("Test connection", "آزمایش اتصال"),
        ["mailboxes.testOk"] = ("Connected and logged in", "اتصال و ورود موفق"),
        ["mailboxes.testFailed"] = ("Failed", "ناموفق"),
        ["mailboxes.serverAnswer"] = ("The server's answer", "پاسخ سرور"),
        ["mailboxes.lastUid"] = ("Read up to UID", "خوانده‌شده تا UID"),
        ["mailboxes.active"] = ("Active", "فعال"),
        ["mailboxes.inactive"] = ("Inactive", "غیرفعال"),

        ["mailbox.name"] = ("Name", "نام"),
        ["mailbox.address"] = ("Address", "نشانی"),
        ["mailbox.imapHost"] = ("IMAP server", "سرور IMAP"),
        ["mailbox.imapPort"] = ("IMAP port", "درگاه IMAP"),
        ["mailbox.imapSecurity"] = ("IMAP security", "امنیت IMAP"),
        ["mailbox.imapUser"] = ("IMAP user", "کاربر IMAP"),
        ["mailbox.imapPassword"] = ("IMAP password", "گذرواژه IMAP"),
        ["mailbox.imapFolder"] = ("Folder", "پوشه"),
        ["mailbox.smtpHost"] = ("SMTP server", "سرور SMTP"),
        ["mailbox.smtpPort"] = ("SMTP port", "درگاه SMTP"),
        ["mailbox.smtpSecurity"] = ("SMTP security", "امنیت SMTP"),
        ["mailbox.smtpUser"] = ("SMTP user (empty: no login)", "کاربر SMTP (خالی: بدون ورود)"),
        ["mailbox.smtpPassword"] = ("SMTP password", "گذرواژه SMTP"),
        ["mailbox.passwordKept"] = ("Leave empty to keep the stored password.", "برای نگه داشتن گذرواژه ذخیره‌شده خالی بگذارید."),
        ["mailbox.security.none"] = ("None", "بدون رمزنگاری"),
        ["mailbox.security.starttls"] = ("STARTTLS", "STARTTLS"),
        ["mailbox.security.ssl"] = ("SSL/TLS", "SSL/TLS"),
        ["mailbox.signature"] = ("Signature ({agent}, {mailbox})", "امضا ({agent}، {mailbox})"),
        ["mailbox.threadAcrossContacts"] = ("Replies may join other contacts' cases", "پاسخ‌ها می‌توانند به درخواست‌های مخاطبان دیگر بپیوندند"),
        ["mailbox.closedCaseReply"] = ("A reply to a closed case", "پاسخ به درخواست بسته‌شده"),
        ["mailbox.closedCaseReply.reopen"] = ("Reopens it", "آن را دوباره باز می‌کند"),
        ["mailbox.closedCaseReply.newLinkedCase"] = ("Opens a linked new case", "درخواست تازه‌ای پیوند‌خورده باز می‌کند"),
        ["mailbox.calendar"] = ("Calendar of the out-of-hours answer", "تقویم پاسخ خارج از ساعت کاری"),
        ["mailbox.calendar.none"] = ("No out-of-hours answer", "بدون پاسخ خارج از ساعت کاری"),
        ["mailbox.outOfHoursEn"] = ("Out-of-hours answer, English ({next}, {case})", "پاسخ خارج از ساعت کاری، انگلیسی ({next}، {case})"),
        ["mailbox.outOfHoursFa"] = ("Out-of-hours answer, Persian ({next}, {case})", "پاسخ خارج از ساعت کاری، فارسی ({next}، {case})"),
        ["mailbox.outOfHoursEvery"] = ("At most one answer per contact every (hours)", "حداکثر یک پاسخ به هر مخاطب در هر (ساعت)"),
        ["mailbox.verify"] = ("Log in to both servers before saving", "پیش از ذخیره، ورود به هر دو سرور آزموده شود"),

        ["quarantine.title"] = ("Quarantine", "قرنطینه"),
        ["quarantine.intro"] = ("Messages intake could not handle, kept whole. Reprocess one after fixing the cause, giving a sender address if it had none.", "پیام‌هایی که پذیرش نتوانست پردازش کند، کامل نگه داشته شده‌اند. پس از رفع علت دوباره پردازش کنید؛ اگر فرستنده نداشت، نشانی آن را بدهید."),
        ["quarantine.none"] = ("Nothing in quarantine.", "پیامی در قرنطینه نیست."),
        ["quarantine.error"] = ("Error", "خطا"),
        ["quarantine.received"] = ("Received", "دریافت"),
        ["quarantine.size"] = ("Size (bytes)", "اندازه (بایت)"),
        ["quarantine.raw"] = ("Raw message", "پیام خام"),
        ["quarantine.fromAddress"] = ("Sender address (optional)", "نشانی فرستنده (اختیاری)"),
        ["quarantine.reprocess"] = ("Reprocess", "پردازش دوباره"),
        ["quarantine.reprocessed"] = ("Reprocessed", "دوباره پردازش شد"),

        ["timeline.field.email-failed"] = ("Email could not be sent", "ایمیل فرستاده نشد"),
        ["timeline.field.automated-email"] = ("Automatic email (never answered automatically)", "ایمیل خودکار (بی‌پاسخ خودکار)"),
        ["timeline.field.linked"] = ("Linked to case", "پیوند به درخواست"),
    };
}
