namespace Pishkhan.Features.Portal;

/// <summary>The portal's account emails in Persian and English; <c>{link}</c> is filled in when one is sent.</summary>
internal static class PortalMail
{
    private static readonly Dictionary<string, (string SubjectEn, string BodyEn, string SubjectFa, string BodyFa)> Templates = new()
    {
        ["verify"] = (
            "Confirm your email address",
            "Hello,\n\nPlease confirm this address to finish creating your support account:\n{link}\n\nThe link works for two days. If you did not sign up, ignore this email.",
            "نشانی ایمیل خود را تأیید کنید",
            "سلام،\n\nبرای کامل شدن ساخت حساب پشتیبانی، این نشانی را تأیید کنید:\n{link}\n\nاین پیوند تا دو روز کار می‌کند. اگر شما ثبت‌نام نکرده‌اید، این ایمیل را نادیده بگیرید."),
        ["already"] = (
            "You already have a support account",
            "Hello,\n\nSomeone tried to sign up with this address, which already has an account. Sign in here:\n{link}\n\nForgot your password? Use \"Forgot password\" on that page. If this was not you, no action is needed.",
            "شما از پیش حساب پشتیبانی دارید",
            "سلام،\n\nکسی خواست با این نشانی ثبت‌نام کند، ولی این نشانی از پیش حساب دارد. از اینجا وارد شوید:\n{link}\n\nرمز را فراموش کرده‌اید؟ در همان صفحه «فراموشی رمز» را بزنید. اگر این کار شما نبود، کاری لازم نیست."),
        ["reset"] = (
            "Reset your password",
            "Hello,\n\nChoose a new password here:\n{link}\n\nThe link works for one hour and only once. If you did not ask for it, ignore this email; your password stays as it is.",
            "بازنشانی رمز عبور",
            "سلام،\n\nرمز تازه را اینجا انتخاب کنید:\n{link}\n\nاین پیوند یک ساعت و تنها یک بار کار می‌کند. اگر شما درخواست نکرده‌اید، این ایمیل را نادیده بگیرید؛ رمزتان همان می‌ماند."),
        ["magic"] = (
            "Your sign-in link",
            "Hello,\n\nSign in to your support account with this link:\n{link}\n\nIt works for 15 minutes and only once.",
            "پیوند ورود شما",
            "سلام،\n\nبا این پیوند به حساب پشتیبانی خود وارد شوید:\n{link}\n\nاین پیوند ۱۵ دقیقه و تنها یک بار کار می‌کند."),
    };

    public static string Subject(string template, bool fa) => fa ? Templates[template].SubjectFa : Templates[template].SubjectEn;

    public static string Body(string template, bool fa) => fa ? Templates[template].BodyFa : Templates[template].BodyEn;
}
