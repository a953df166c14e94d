namespace Pishkhan.Localization;

/// <summary>Workflow automation's texts (English, Persian), merged into <see cref="Texts"/>; kept apart so the feature's strings stay together.</summary>
internal static class AutomationTexts
{
    public static readonly Dictionary<string, (string En, string Fa)> All = new()
    {
        ["nav.workflows"] = ("Workflows", "گردش‌کارها"),
        ["timeline.field.automation"] = ("Automation", "خودکارسازی"),

        ["workflows.title"] = ("Workflows", "گردش‌کارهای خودکار"),
        ["workflows.intro"] = (
            "When something happens to a case, if the conditions hold, a workflow runs its steps. Definitions are JSON (see docs/automation.md); saving makes a new version, and runs already going finish on theirs.",
            "وقتی رویدادی برای یک درخواست رخ می‌دهد و شرط‌ها برقرارند، گردش‌کار مراحل خود را اجرا می‌کند. تعریف‌ها JSON هستند (راهنما: docs/automation.md)؛ هر ذخیره نسخه‌ای تازه می‌سازد و اجراهای در جریان روی نسخهٔ خود تمام می‌شوند."),
        ["workflows.new"] = ("New workflow", "گردش‌کار جدید"),
        ["workflows.none"] = ("No workflow yet.", "هنوز گردش‌کاری نیست."),
        ["workflows.name"] = ("Name", "نام"),
        ["workflows.description"] = ("Description", "توضیح"),
        ["workflows.trigger"] = ("Trigger", "رویداد آغازگر"),
        ["workflows.version"] = ("Version", "نسخه"),
        ["workflows.enabled"] = ("On", "فعال"),
        ["workflows.updated"] = ("Updated", "آخرین تغییر"),
        ["workflows.enable"] = ("Turn on", "فعال کن"),
        ["workflows.disable"] = ("Turn off", "غیرفعال کن"),
        ["workflows.definition"] = ("Definition (JSON)", "تعریف (JSON)"),
        ["workflows.validate"] = ("Check", "بررسی"),
        ["workflows.valid"] = ("The definition is valid.", "تعریف درست است."),
        ["workflows.invalid"] = ("The definition has problems; each is listed with its place:", "تعریف ایراد دارد؛ هر ایراد با جای آن آمده است:"),
        ["workflows.notJson"] = ("The definition is not valid JSON:", "تعریف، JSON معتبری نیست:"),
        ["workflows.versions"] = ("Versions", "نسخه‌ها"),
        ["workflows.createdBy"] = ("Saved by", "ذخیره‌کننده"),
        ["workflows.at"] = ("At", "زمان"),
        ["workflows.runs"] = ("Recent runs", "اجراهای اخیر"),
        ["workflows.noRuns"] = ("No run yet.", "هنوز اجرایی نبوده است."),
        ["workflows.record"] = ("Record", "رکورد"),
        ["workflows.status"] = ("Status", "وضعیت"),
        ["workflows.step"] = ("Step", "مرحله"),
        ["workflows.started"] = ("Started", "آغاز"),
        ["workflows.due"] = ("Due", "موعد"),
        ["workflows.error"] = ("Error", "خطا"),
        ["workflows.retry"] = ("Retry from this step", "اجرای دوباره از همین مرحله"),
        ["workflows.retried"] = ("The run will go on from its failed step.", "اجرا از مرحلهٔ ناموفق ادامه می‌یابد."),
        ["workflows.log"] = ("Log", "گزارش"),
        ["workflows.outcome"] = ("Outcome", "نتیجه"),
        ["workflows.detail"] = ("Detail", "جزئیات"),
        ["workflows.duration"] = ("ms", "میلی‌ثانیه"),
        ["workflows.status.Running"] = ("Running", "در حال اجرا"),
        ["workflows.status.Waiting"] = ("Waiting", "در انتظار"),
        ["workflows.status.Completed"] = ("Completed", "پایان‌یافته"),
        ["workflows.status.Failed"] = ("Failed", "ناموفق"),
        ["workflows.status.Skipped"] = ("Skipped", "ردشده"),
        ["workflows.status.Stopped"] = ("Stopped (loop protection)", "متوقف (محافظت از حلقه)"),
        ["workflows.status.Rejected"] = ("Rejected the change (validation rule)", "تغییر را نپذیرفت (قاعدهٔ اعتبارسنجی)"),
    };
}
