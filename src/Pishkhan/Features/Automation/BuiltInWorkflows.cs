using Microsoft.EntityFrameworkCore;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Automation;

/// <summary>
/// The workflows (and email templates) a new installation starts with, all disabled until an admin turns them on, in
/// Persian and English: the out-of-hours acknowledgement, the follow-up task at the next opening after a proposal is
/// sent after hours, the welcome email to a new customer, the subscription-expiry reminder, and the team lead's notice
/// of a critical case. Seeded once, when the workflow table is empty (so deleting them all brings them back on the next
/// start; disable them instead).
/// </summary>
internal static class BuiltInWorkflows
{
    public const string CreatedBy = "Pishkhan (built-in)";

    public static readonly IReadOnlyList<(string Name, string Description, string Definition)> All =
    [
        ("Out-of-hours acknowledgement", "تأیید دریافت خارج از ساعت کاری — A new case while the default calendar is closed gets a reply with the next opening time.", """
            {
              "trigger": { "type": "created" },
              "conditions": { "calendar": "default", "is": "closed" },
              "steps": [
                { "id": "ack", "type": "reply",
                  "body": "{% if language == 'en' %}Thank you, {{ contact.name }}. We received {{ case.number }} outside our working hours and will answer from {{ nextOpening | tehran }} (Tehran time).{% else %}{{ contact.name }} گرامی، درخواست {{ case.number }} خارج از ساعت کاری دریافت شد. از {{ nextOpening | jalali }} پاسخ می‌دهیم.{% endif %}" }
              ]
            }
            """),
        ("Proposal follow-up at the next opening", "پیگیری پیشنهاد در نخستین ساعت کاری — Tagging a case 'proposal-sent' after hours creates a follow-up task due when the calendar next opens.", """
            {
              "trigger": { "type": "updated", "fields": ["tags"] },
              "conditions": { "all": [ { "field": "tags", "op": "contains", "value": "proposal-sent" }, { "calendar": "default", "is": "closed" } ] },
              "steps": [
                { "id": "task", "type": "createTask", "title": "Follow up on the proposal / پیگیری پیشنهاد {{ case.number }}", "dueAtNextOpening": true }
              ]
            }
            """),
        ("Welcome email to a new customer", "ایمیل خوشامد به مشتری تازه — When 'customFields.firstPurchaseAt' is set, the 'welcome' email goes to the contact.", """
            {
              "trigger": { "type": "updated", "fields": ["customFields.firstPurchaseAt"] },
              "steps": [
                { "id": "welcome", "type": "sendEmail", "template": "welcome" }
              ]
            }
            """),
        ("Subscription-expiry reminder", "یادآوری پایان اشتراک — Seven days before 'customFields.subscriptionEndsOn' the contact gets the 'subscription-expiry' email and the owner a task.", """
            {
              "trigger": { "type": "relative", "field": "customFields.subscriptionEndsOn", "offset": { "days": -7 } },
              "steps": [
                { "id": "email", "type": "sendEmail", "template": "subscription-expiry" },
                { "id": "task", "type": "createTask", "title": "Renewal call / تماس تمدید {{ case.number }}", "dueIn": { "businessHours": 8 } }
              ]
            }
            """),
        ("Notify the team lead of a critical case", "اعلان درخواست بحرانی به سرپرست تیم — When a case's priority becomes critical, the team lead is notified.", """
            {
              "trigger": { "type": "updated", "fields": ["priority"], "to": "critical" },
              "steps": [
                { "id": "tell", "type": "notify", "to": "teamLeads", "title": "Critical / بحرانی: {{ case.number }} {{ case.subject }}" }
              ]
            }
            """),
    ];

    public static readonly IReadOnlyList<LiquidTemplate> Templates =
    [
        new()
        {
            Key = "welcome",
            Name = "Welcome / خوشامد",
            SubjectEn = "Welcome to us, {{ contact.name }}",
            BodyEn = "Dear {{ contact.name }},\n\nThank you for your first purchase. If you need anything, reply to this email and quote {{ case.number }}.",
            SubjectFa = "{{ contact.name }} عزیز، خوش آمدید",
            BodyFa = "{{ contact.name }} گرامی،\n\nاز نخستین خرید شما سپاسگزاریم. هر پرسشی داشتید به همین ایمیل پاسخ دهید و شمارهٔ {{ case.number }} را بنویسید.",
        },
        new()
        {
            Key = "subscription-expiry",
            Name = "Subscription expiry / پایان اشتراک",
            SubjectEn = "Your subscription ends on {{ case.customFields.subscriptionEndsOn }}",
            BodyEn = "Dear {{ contact.name }},\n\nYour subscription ends on {{ case.customFields.subscriptionEndsOn }}. Renew now to keep your service without a break.",
            SubjectFa = "اشتراک شما در {{ case.customFields.subscriptionEndsOn | jalali: 'date' }} به پایان می‌رسد",
            BodyFa = "{{ contact.name }} گرامی،\n\nاشتراک شما در {{ case.customFields.subscriptionEndsOn | jalali: 'date' }} به پایان می‌رسد. برای ادامهٔ بی‌وقفهٔ خدمات، اکنون تمدید کنید.",
        },
    ];

    public static async Task EnsureAsync(PishkhanDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % 10));
        foreach (var template in Templates)
        {
            if (!await db.Set<LiquidTemplate>().AnyAsync(t => t.Key == template.Key, ct))
            {
                db.Add(new LiquidTemplate
                {
                    Key = template.Key,
                    Name = template.Name,
                    SubjectEn = template.SubjectEn,
                    BodyEn = template.BodyEn,
                    SubjectFa = template.SubjectFa,
                    BodyFa = template.BodyFa,
                    UpdatedAt = now,
                    Version = 1,
                });
            }
        }

        if (!await db.Set<Workflow>().AnyAsync(ct))
        {
            foreach (var (name, description, json) in All)
            {
                var definition = WorkflowDefinition.FromJson(json);
                var workflow = new Workflow
                {
                    Name = name,
                    Description = description,
                    Enabled = false,
                    TriggerType = definition.Trigger!.Type!,
                    CurrentVersion = 1,
                    CreatedAt = now,
                    UpdatedAt = now,
                    Version = 1,
                };
                var version = new WorkflowVersion { WorkflowId = workflow.Id, Number = 1, Definition = json, CreatedBy = CreatedBy, CreatedAt = now };
                workflow.CurrentVersionId = version.Id;
                db.Add(workflow);
                db.Add(version);
            }
        }

        await db.SaveChangesAsync(ct);
    }
}
