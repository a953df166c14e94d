namespace Pishkhan.Localization;

/// <summary>The routing admin page's texts and the routing timeline events (English, Persian), merged into <see cref="Texts"/>.</summary>
internal static class RoutingAdminTexts
{
    public static readonly Dictionary<string, (string En, string Fa)> All = new()
    {
        ["nav.routing"] = ("Queues and routing", "صف‌ها و مسیریابی"),
        ["routingAdmin.title"] = ("Queues and routing", "صف‌ها و مسیریابی"),
        ["routingAdmin.intro"] = (
            "A new case goes to the queue of the first active routing rule it matches (the default queue catches the rest); the queue then gives it to an available agent of its teams — online, in their shift and under capacity — by its strategy.",
            "هر درخواست تازه به صفِ نخستین قاعدهٔ فعالی می‌رود که با آن جور باشد (بقیه به صف پیش‌فرض می‌روند)؛ سپس صف، به روش خود، آن را به کارشناسی در دسترس از تیم‌هایش می‌سپارد: آنلاین، در شیفت و کمتر از ظرفیت."),
        ["routingAdmin.queues"] = ("Queues", "صف‌ها"),
        ["routingAdmin.rules"] = ("Routing rules", "قاعده‌های مسیریابی"),
        ["routingAdmin.agents"] = ("Agents", "کارشناسان"),
        ["routingAdmin.deleted"] = ("Deleted", "حذف شد"),
        ["routingAdmin.skillsHelp"] = (
            "Skills as name=level (1–5), separated by commas, e.g. language:fa=4, product:crm=2.",
            "مهارت‌ها به شکل نام=سطح (۱ تا ۵)، جدا با ویرگول؛ مثلاً language:fa=4, product:crm=2."),
        ["routingAdmin.queue.name"] = ("Queue", "صف"),
        ["routingAdmin.queue.description"] = ("Description", "توضیح"),
        ["routingAdmin.queue.strategy"] = ("Assignment", "روش واگذاری"),
        ["routingAdmin.queue.teams"] = ("Teams serving it", "تیم‌های پاسخ‌گو"),
        ["routingAdmin.queue.teamsHelp"] = (
            "Their members with an agent profile take this queue's cases, in their team's shift unless they have their own.",
            "اعضای این تیم‌ها که نمایهٔ کارشناس دارند درخواست‌های این صف را می‌گیرند؛ در شیفت تیم، مگر آنکه شیفت خودشان را داشته باشند."),
        ["routingAdmin.queue.skills"] = ("Required skills", "مهارت‌های لازم"),
        ["routingAdmin.queue.reassign"] = ("Take back after (business minutes)", "بازپس‌گیری پس از (دقیقهٔ کاری)"),
        ["routingAdmin.queue.reassignHelp"] = ("Empty: a case stays with its owner until answered.", "خالی: درخواست تا پاسخ نزد مسئولش می‌ماند."),
        ["routingAdmin.queue.reassignShort"] = ("after {0} min, escalate after {1} returns", "پس از {0} دقیقه؛ ارجاع پس از {1} بازگشت"),
        ["routingAdmin.queue.never"] = ("never", "هرگز"),
        ["routingAdmin.queue.maxHops"] = ("Returns before escalation", "بازگشت‌ها پیش از ارجاع"),
        ["routingAdmin.queue.maxHopsHelp"] = ("Then the case goes to a supervisor of its teams.", "پس از آن درخواست به سرپرستِ تیم‌ها می‌رود."),
        ["routingAdmin.queue.weigh"] = ("Weigh capacity by priority", "وزن‌دهی ظرفیت بر پایهٔ اولویت"),
        ["routingAdmin.queue.default"] = ("Default queue", "صف پیش‌فرض"),
        ["routingAdmin.queue.new"] = ("New queue", "صف تازه"),
        ["routingAdmin.queue.edit"] = ("Edit queue", "ویرایش صف"),
        ["routingAdmin.queue.cannotDelete"] = ("This queue cannot be deleted:", "این صف را نمی‌توان حذف کرد:"),
        ["routingAdmin.strategy.RoundRobin"] = ("Round robin", "نوبتی"),
        ["routingAdmin.strategy.LeastLoaded"] = ("Least loaded", "کم‌بارترین"),
        ["routingAdmin.strategy.MostSkilled"] = ("Most skilled", "ماهرترین"),
        ["routingAdmin.rule.when"] = ("When", "شرط"),
        ["routingAdmin.rule.queue"] = ("Send to queue", "فرستادن به صف"),
        ["routingAdmin.rule.always"] = ("every case", "همهٔ درخواست‌ها"),
        ["routingAdmin.rule.conditionsHelp"] = (
            "All conditions must hold; a condition with several values (comma-separated) holds when any of them does. Keywords are matched after Persian normalisation.",
            "همهٔ شرط‌ها باید برقرار باشند؛ شرطی با چند مقدار (جدا با ویرگول) با برقراری هر یک برقرار است. کلیدواژه‌ها پس از یکسان‌سازی نوشتار فارسی سنجیده می‌شوند."),
        ["routingAdmin.field.priority"] = ("Priority", "اولویت"),
        ["routingAdmin.field.channel"] = ("Channel", "کانال"),
        ["routingAdmin.field.category"] = ("Category", "دسته"),
        ["routingAdmin.field.product"] = ("Product", "محصول"),
        ["routingAdmin.field.team"] = ("Team", "تیم"),
        ["routingAdmin.field.tag"] = ("Tag", "برچسب"),
        ["routingAdmin.field.keyword"] = ("Subject or description", "موضوع یا شرح"),
        ["routingAdmin.field.senderDomain"] = ("Sender domain", "دامنهٔ فرستنده"),
        ["routingAdmin.field.language"] = ("Language", "زبان"),
        ["routingAdmin.field.accountTier"] = ("Account tier", "سطح حساب"),
        ["routingAdmin.operator.in"] = ("is one of", "یکی از"),
        ["routingAdmin.operator.notIn"] = ("is none of", "هیچ‌یک از"),
        ["routingAdmin.operator.contains"] = ("contains", "شامل"),
        ["routingAdmin.operator.notContains"] = ("does not contain", "بدون"),
        ["routingAdmin.operator.matches"] = ("matches the pattern", "منطبق با الگوی"),
        ["routingAdmin.agents.intro"] = (
            "Capacity is how many active cases an agent holds at once; presence is set by each agent in the app bar. People without a saved profile are not routed cases.",
            "ظرفیت یعنی چند درخواست فعال هم‌زمان نزد کارشناس باشد؛ وضعیت حضور را هر کارشناس خود در نوار بالا تعیین می‌کند. به کسی که نمایهٔ ذخیره‌شده ندارد درخواستی سپرده نمی‌شود."),
        ["routingAdmin.agents.name"] = ("Person", "فرد"),
        ["routingAdmin.agents.presence"] = ("Presence", "حضور"),
        ["routingAdmin.agents.capacity"] = ("Capacity", "ظرفیت"),
        ["routingAdmin.agents.skills"] = ("Skills", "مهارت‌ها"),
        ["routingAdmin.agents.notRouted"] = ("not routed yet", "هنوز مسیریابی نمی‌شود"),
        ["routingAdmin.agents.gone"] = ("This person no longer exists.", "این فرد دیگر وجود ندارد."),
        ["routing.event.returned"] = (
            "back to the queue: not accepted within {0} business minutes (return {1})",
            "بازگشت به صف: در {0} دقیقهٔ کاری پذیرفته نشد (بازگشت {1})"),
        ["routing.event.escalated"] = (
            "escalated to {0} after {1} returns to the queue",
            "پس از {1} بار بازگشت به صف، به {0} ارجاع شد"),
    };
}
