using System.Net;
using System.Net.Http.Json;
using Pishkhan.Features.Automation;
using Pishkhan.Features.Cases;
using static Pishkhan.Tests.Automation.AutomationApp;

namespace Pishkhan.Tests.Automation;

/// <summary>The built-in workflows and email templates a new installation starts with.</summary>
[Trait("Category", "Integration")]
public sealed class BuiltInTests
{
    [Fact]
    public async Task BuiltIns_AreSeededDisabled_AndValid_TheOutOfHoursOneAnswersInPersian_TheExpiryEmailHasAJalaliDate()
    {
        using var a = new AutomationApp();
        var client = a.App.ApiClient();
        var workflows = (await client.GetFromJsonAsync<List<WorkflowDto>>("/api/v1/workflows", PishkhanAppFactory.Json))!;
        Assert.Equal(BuiltInWorkflows.All.Select(b => b.Name).Order(), workflows.Select(w => w.Name).Order());
        Assert.All(workflows, w => Assert.False(w.Enabled));
        foreach (var w in workflows)
        {
            var check = await client.PostAsJsonAsync("/api/v1/workflows/validate", new { definition = w.Definition }, PishkhanAppFactory.Json);
            Assert.True(check.StatusCode == HttpStatusCode.OK, $"{w.Name}: {await check.Content.ReadAsStringAsync()}");
        }

        // Off, they do nothing; turned on, the acknowledgement answers an after-hours case in the contact's language.
        await a.UseOfficeCalendarAsync();
        var contact = await a.App.CreateContactAsync("Sara");
        a.Clock.Set(Utc(2026, 1, 9, 18, 30)); // Friday evening: next opening Tuesday 13 Jan 09:00 UTC (Monday is a holiday)
        var before = await a.App.CreateCaseAsync("Before", contact.Id);
        await a.TickAsync();
        Assert.Empty(await a.RunsAsync(before.Id));

        var ack = workflows.Single(w => w.Name == "Out-of-hours acknowledgement");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/v1/workflows/{ack.Id}/enable", null)).StatusCode);
        var created = await a.App.CreateCaseAsync("After hours", contact.Id);
        await a.TickAsync();
        var reply = Assert.Single(await a.TimelineAsync(created.Id), e => e.Kind == TimelineKind.OutboundMessage);
        Assert.Equal($"Sara گرامی، درخواست {created.Number} خارج از ساعت کاری دریافت شد. از ۱۴۰۴/۱۰/۲۳ ۱۲:۳۰ پاسخ می‌دهیم.", reply.Body);

        await a.PatchAsync(created.Id, new { customFields = new { subscriptionEndsOn = "2026-03-01" } });
        var preview = await client.PostAsJsonAsync("/api/v1/email-templates/subscription-expiry/preview", new { caseId = created.Id }, PishkhanAppFactory.Json);
        var rendered = (await preview.Content.ReadFromJsonAsync<TemplatePreviewDto>(PishkhanAppFactory.Json))!;
        Assert.Equal("اشتراک شما در ۱۴۰۴/۱۲/۱۰ به پایان می‌رسد", rendered.Subject);
    }
}
