namespace Pishkhan.Localization;

/// <summary>The notification bell's and page's texts (English, Persian), merged into <see cref="Texts"/>.</summary>
internal static class NotificationTexts
{
    public static readonly Dictionary<string, (string En, string Fa)> All = new()
    {
        ["notifications.title"] = ("Notifications", "اعلان‌ها"),
        ["notifications.none"] = ("No notifications.", "اعلانی نیست."),
        ["notifications.all"] = ("All notifications", "همه اعلان‌ها"),
        ["notifications.unread"] = ("Unread", "خوانده‌نشده"),
        ["notifications.unreadOnly"] = ("Unread only", "فقط خوانده‌نشده‌ها"),
        ["notifications.markRead"] = ("Mark read", "خوانده شد"),
        ["notifications.readAll"] = ("Mark all read", "همه خوانده شد"),
    };
}
