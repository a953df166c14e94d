using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Portal;

namespace Pishkhan.Tests.Portal;

[Trait("Category", "Integration")]
public sealed class PortalCaseTests : IDisposable
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
    private readonly PishkhanAppFactory _app = new(seedDemo: false, settings: new Dictionary<string, string> { ["Pishkhan:Email:Background"] = "false" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_customer_opens_a_request_with_a_file_sees_the_agents_reply_and_closes_and_reopens_it()
    {
        await PortalKit.AddMailboxAsync(_app);
        var (contactId, email) = await PortalKit.CreateCustomerAsync(_app, "Sara Ahmadi");
        var customer = await PortalKit.SignInAsync(_app, email);
        var formId = Guid.NewGuid();
        var created = await PortalKit.PostPageFormAsync(customer, "/portal/cases/new?category=none", "portal-new-case",
            new() { ["subject"] = "چاپگر کار نمی‌کند", ["description"] = "از دیروز چاپ نمی‌کند.", ["formId"] = formId.ToString() },
            ("screen.png", Png));
        var caseId = Guid.Parse((await PortalKit.RedirectedToAsync(created)).Split('/')[3].Split('?')[0]);

        var stored = await _app.WithDbAsync(db => db.Cases.Include(c => c.Status).SingleAsync(c => c.Id == caseId));
        Assert.Equal(contactId, stored.ContactId);
        Assert.Equal(CaseChannel.Portal, stored.Channel);
        var first = await _app.WithDbAsync(db => db.TimelineEntries.Include(e => e.Attachments).SingleAsync(e => e.CaseId == caseId && e.Kind == TimelineKind.InboundMessage));
        var file = Assert.Single(first.Attachments);
        Assert.Equal("image/png", file.ContentType);

        // The same form sent twice (a double click) is one request.
        await PortalKit.PostPageFormAsync(customer, "/portal/cases/new?category=none", "portal-new-case",
            new() { ["subject"] = "چاپگر کار نمی‌کند", ["description"] = "از دیروز چاپ نمی‌کند.", ["formId"] = formId.ToString() });
        Assert.Equal(1, await _app.WithDbAsync(db => db.Cases.CountAsync(c => c.ContactId == contactId)));

        // An agent's public reply shows; their internal note does not.
        var agent = _app.ApiClient();
        (await agent.PostAsync($"/api/v1/cases/{caseId}/replies", Problems.JsonBody(new { body = "Please restart the printer." }))).EnsureSuccessStatusCode();
        (await agent.PostAsync($"/api/v1/cases/{caseId}/notes", Problems.JsonBody(new { body = "Internal: customer is VIP" }))).EnsureSuccessStatusCode();
        var page = await customer.GetStringAsync($"/portal/cases/{caseId}");
        Assert.Contains("Please restart the printer.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("customer is VIP", page, StringComparison.Ordinal);
        Assert.Contains($"/portal/api/attachments/{file.Id}", page, StringComparison.Ordinal);
        var detail = await customer.GetFromJsonAsync<JsonElement>($"/portal/api/cases/{caseId}");
        Assert.Equal(2, detail.GetProperty("messages").GetArrayLength());

        // The answer is emailed too, with the case token, so answering the email threads back onto this request.
        var mailed = await _app.WithDbAsync(db => db.Set<Pishkhan.Features.Email.OutboundEmail>().SingleAsync(o => o.CaseId == caseId && o.To == email));
        Assert.Contains($"[#{stored.Number}]", mailed.Subject, StringComparison.Ordinal);
        Assert.Contains("Please restart the printer.", mailed.TextBody, StringComparison.Ordinal);

        // The customer answers with a file; then closes the request, and opens it again.
        var replied = await PortalKit.PostPageFormAsync(customer, $"/portal/cases/{caseId}", "portal-reply", new() { ["body"] = "Restarted, still broken." }, ("log.txt", Encoding.UTF8.GetBytes("error 42\n")));
        Assert.Equal(HttpStatusCode.Redirect, replied.StatusCode);
        Assert.Equal(2, await _app.WithDbAsync(db => db.TimelineEntries.CountAsync(e => e.CaseId == caseId && e.Kind == TimelineKind.InboundMessage)));

        var closed = await PortalKit.PostPageFormAsync(customer, $"/portal/cases/{caseId}", "portal-state", []);
        Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);
        Assert.Equal(StatusCategory.Closed, await _app.WithDbAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.Status!.Category).SingleAsync()));
        var refused = await customer.PostAsync($"/portal/api/cases/{caseId}/replies", Problems.JsonBody(new { body = "one more thing" }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("reopen", string.Join(" ", (await Problems.ErrorsAsync(refused))["body"]), StringComparison.Ordinal);

        var reopened = await customer.PostAsync($"/portal/api/cases/{caseId}/reopen", null);
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        Assert.Equal(StatusCategory.Open, await _app.WithDbAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.Status!.Category).SingleAsync()));
        Assert.Equal(HttpStatusCode.Conflict, (await customer.PostAsync($"/portal/api/cases/{caseId}/reopen", null)).StatusCode);
    }

    [Fact]
    public async Task Customer_A_cannot_read_or_reply_to_customer_Bs_request_through_the_ui_or_the_api()
    {
        var (_, emailA) = await PortalKit.CreateCustomerAsync(_app);
        var (contactB, emailB) = await PortalKit.CreateCustomerAsync(_app);
        var caseB = await _app.CreateCaseAsync("B's secret invoice", contactB);
        var b = await PortalKit.SignInAsync(_app, emailB);
        await PortalKit.PostPageFormAsync(b, $"/portal/cases/{caseB.Id}", "portal-reply", new() { ["body"] = "here it is" }, ("invoice.pdf", Encoding.ASCII.GetBytes("%PDF-1.4 secret")));
        var attachmentB = await _app.WithDbAsync(db => db.Attachments.Where(a => a.CaseId == caseB.Id).Select(a => a.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync($"/portal/api/attachments/{attachmentB}")).StatusCode);

        var a = await PortalKit.SignInAsync(_app, emailA);
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync($"/portal/api/cases/{caseB.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.PostAsync($"/portal/api/cases/{caseB.Id}/replies", Problems.JsonBody(new { body = "let me in" }))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.PostAsync($"/portal/api/cases/{caseB.Id}/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync($"/portal/api/attachments/{attachmentB}")).StatusCode);
        var page = await a.GetAsync($"/portal/cases/{caseB.Id}");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        var shown = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret invoice", shown, StringComparison.Ordinal);
        Assert.Contains("portal-case-not-found", shown, StringComparison.Ordinal); // a page that says so, not a blank one
        var reply = await PortalKit.PostPageFormAsync(a, $"/portal/cases/{caseB.Id}", "portal-reply", new() { ["body"] = "let me in" });
        Assert.NotEqual(HttpStatusCode.Redirect, reply.StatusCode);
        Assert.Empty(await a.GetFromJsonAsync<JsonElement[]>("/portal/api/cases") ?? []);
        Assert.Equal(0, await _app.WithDbAsync(db => db.TimelineEntries.CountAsync(e => e.CaseId == caseB.Id && e.Body == "let me in")));

        // Without signing in: 401 from the API, the sign-in page from the UI.
        var anonymous = _app.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/portal/api/cases/{caseB.Id}")).StatusCode);
        var redirected = await anonymous.GetAsync($"/portal/cases/{caseB.Id}");
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.Equal("/portal/login", redirected.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task An_organisation_admin_sees_the_organisations_requests_and_a_colleague_sees_only_their_own()
    {
        var account = await (await _app.ApiClient().PostAsync("/api/v1/accounts", Problems.JsonBody(new { name = "Acme" }))).Content.ReadFromJsonAsync<JsonElement>();
        var accountId = account.GetProperty("id").GetGuid();
        (Guid adminContact, string adminEmail) = await PortalKit.CreateCustomerAsync(_app, accountId: accountId, organisationAdmin: true);
        (Guid colleague, string colleagueEmail) = await PortalKit.CreateCustomerAsync(_app, accountId: accountId);
        var (_, outsiderEmail) = await PortalKit.CreateCustomerAsync(_app);
        var colleagueCase = await _app.CreateCaseAsync("Colleague's request", colleague);
        await _app.CreateCaseAsync("Admin's own request", adminContact);

        var admin = await PortalKit.SignInAsync(_app, adminEmail);
        var seen = (await admin.GetFromJsonAsync<JsonElement[]>("/portal/api/cases"))!.Select(c => c.GetProperty("subject").GetString()).Order().ToList();
        Assert.Equal(["Admin's own request", "Colleague's request"], seen);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/portal/api/cases/{colleagueCase.Id}")).StatusCode);

        var mate = await PortalKit.SignInAsync(_app, colleagueEmail);
        Assert.Single((await mate.GetFromJsonAsync<JsonElement[]>("/portal/api/cases"))!);
        var outsider = await PortalKit.SignInAsync(_app, outsiderEmail);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/portal/api/cases/{colleagueCase.Id}")).StatusCode);
    }

    [Fact]
    public async Task An_uploaded_html_file_comes_back_only_as_a_plain_text_download_and_a_disguised_program_is_refused()
    {
        var (_, email) = await PortalKit.CreateCustomerAsync(_app);
        var customer = await PortalKit.SignInAsync(_app, email);
        var html = Encoding.UTF8.GetBytes("<html><script>alert(document.cookie)</script></html>");
        var created = await PortalKit.PostPageFormAsync(customer, "/portal/cases/new?category=none", "portal-new-case",
            new() { ["subject"] = "See the page", ["description"] = "Attached.", ["formId"] = Guid.NewGuid().ToString() }, ("page.html", html));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var attachment = await _app.WithDbAsync(db => db.Attachments.SingleAsync(a => a.FileName == "page.html"));
        Assert.Equal("text/plain", attachment.ContentType);

        var download = await customer.GetAsync($"/portal/api/attachments/{attachment.Id}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/plain", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", download.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        // A Windows program renamed to .pdf: refused by its content, and no request is opened.
        var before = await _app.WithDbAsync(db => db.Cases.CountAsync());
        var program = new byte[] { (byte)'M', (byte)'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0xFF };
        var refused = await PortalKit.PostPageFormAsync(customer, "/portal/cases/new?category=none", "portal-new-case",
            new() { ["subject"] = "Invoice", ["description"] = "Attached.", ["formId"] = Guid.NewGuid().ToString() }, ("invoice.pdf", program));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("new-files-error", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await _app.WithDbAsync(db => db.Cases.CountAsync()));
    }

    [Fact]
    public async Task A_categorys_portal_form_requires_its_fields_and_stores_the_answers_as_custom_fields()
    {
        var categoryId = await _app.WithDbAsync(async db =>
        {
            var category = new Category { Name = "Billing", NameFa = "صورتحساب" };
            db.Categories.Add(category);
            await db.SaveChangesAsync();
            return category.Id;
        });
        var saved = await _app.ApiClient().PutAsync($"/api/v1/portal/forms/{categoryId}", Problems.JsonBody(new
        {
            intro = "Have your invoice at hand.",
            fields = new object[]
            {
                new { key = "invoiceNumber", label = "Invoice number", labelFa = "شماره صورتحساب", type = "number", required = true },
                new { key = "plan", label = "Plan", labelFa = "طرح", type = "select", options = new[] { "basic", "pro" } },
            },
        }));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var bad = await _app.ApiClient().PutAsync($"/api/v1/portal/forms/{categoryId}", Problems.JsonBody(new
        {
            fields = new object[] { new { key = "1bad", label = "", labelFa = "x", type = "select" } },
        }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["fields[0].key", "fields[0].label", "fields[0].options"], (await Problems.ErrorsAsync(bad)).Keys.Order(StringComparer.Ordinal));

        var (contactId, email) = await PortalKit.CreateCustomerAsync(_app);
        var customer = await PortalKit.SignInAsync(_app, email);
        var page = $"/portal/cases/new?category={categoryId}";
        var missing = await PortalKit.PostPageFormAsync(customer, page, "portal-new-case",
            new() { ["subject"] = "Charged twice", ["description"] = "Two charges.", ["formId"] = Guid.NewGuid().ToString(), ["field.plan"] = "gold" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var body = await missing.Content.ReadAsStringAsync();
        Assert.Contains("new-field-invoiceNumber-error", body, StringComparison.Ordinal);
        Assert.Contains("new-field-plan-error", body, StringComparison.Ordinal);
        Assert.Contains("Two charges.", body, StringComparison.Ordinal); // what was typed is kept
        Assert.Equal(0, await _app.WithDbAsync(db => db.Cases.CountAsync(c => c.ContactId == contactId)));

        var ok = await PortalKit.PostPageFormAsync(customer, page, "portal-new-case",
            new() { ["subject"] = "Charged twice", ["description"] = "Two charges.", ["formId"] = Guid.NewGuid().ToString(), ["field.invoiceNumber"] = "۱۲۳۴", ["field.plan"] = "pro", ["field.injected"] = "x" });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var stored = await _app.WithDbAsync(db => db.Cases.SingleAsync(c => c.ContactId == contactId));
        Assert.Equal(categoryId, stored.CategoryId);
        Assert.Equal(new Dictionary<string, string> { ["invoiceNumber"] = "1234", ["plan"] = "pro" }, stored.CustomFields);
    }

    [Fact]
    public async Task Once_resolved_the_request_page_asks_for_a_rating_and_then_shows_it()
    {
        var (contactId, email) = await PortalKit.CreateCustomerAsync(_app);
        var created = await _app.CreateCaseAsync("Slow reports", contactId);
        var resolved = await _app.WithDbAsync(db => db.CaseStatuses.Where(s => s.Category == StatusCategory.Resolved).Select(s => s.Id).FirstAsync());
        var patch = await _app.ApiClient().PatchAsync($"/api/v1/cases/{created.Id}", Problems.JsonBody(new { version = created.Version, statusId = resolved }));
        patch.EnsureSuccessStatusCode();
        var customer = await PortalKit.SignInAsync(_app, email);
        var page = await customer.GetStringAsync($"/portal/cases/{created.Id}");
        Assert.Contains("data-testid=\"portal-rate\"", page, StringComparison.Ordinal);
        var token = await _app.WithDbAsync(db => db.Set<Pishkhan.Features.Satisfaction.SatisfactionSurvey>().Where(v => v.CaseId == created.Id).Select(v => v.Token).SingleAsync());
        Assert.Contains($"/portal/survey/{token}", page, StringComparison.Ordinal);

        await _app.Services.GetRequiredService<Pishkhan.Features.Satisfaction.Surveys>().AnswerAsync(token, 4, "ok");
        page = await customer.GetStringAsync($"/portal/cases/{created.Id}");
        Assert.Contains("data-testid=\"portal-rated\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"portal-rate\"", page, StringComparison.Ordinal);
    }
}
