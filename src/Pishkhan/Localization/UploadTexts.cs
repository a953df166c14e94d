namespace Pishkhan.Localization;

/// <summary>What a customer reads when a file they upload (portal, web form) is refused.</summary>
internal static class UploadTexts
{
    public static readonly Dictionary<string, (string En, string Fa)> All = new()
    {
        ["upload.error.tooMany"] = ("Attach at most 5 files.", "حداکثر ۵ فایل پیوست کنید."),
        ["upload.error.name"] = ("A file needs a name of at most 255 characters.", "نام فایل باید حداکثر ۲۵۵ نویسه باشد."),
        ["upload.error.empty"] = ("A file is empty.", "یکی از فایل‌ها خالی است."),
        ["upload.error.type"] = (
            "A file is of a type we do not accept (we check its content, not its name): use images, PDF, text, CSV, Word, Excel or ZIP.",
            "نوع یکی از فایل‌ها پذیرفته نیست (محتوای آن را می‌سنجیم، نه نامش را): تصویر، PDF، متن، CSV، ورد، اکسل یا ZIP بفرستید."),
        ["upload.error.tooLarge"] = ("A file is larger than 10 MB.", "یکی از فایل‌ها از ۱۰ مگابایت بزرگ‌تر است."),
    };
}
