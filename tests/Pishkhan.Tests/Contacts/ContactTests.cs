using System.Net;
using System.Net.Http.Json;
using Pishkhan.Features.Contacts;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Auditing;

namespace Pishkhan.Tests.Contacts;

[Trait("Category", "Integration")]
public sealed class ContactTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    [Theory]
    [InlineData("0912 345 6789")]
    [InlineData("+989123456789")]
    [InlineData("00989123456789")]
    [InlineData("9123456789")]
    [InlineData("۰۹۱۲۳۴۵۶۷۸۹")]
    [InlineData("٠٩١٢٣٤٥٦٧٨٩")]
    public async Task EveryIranianFormOfANumber_FindsTheSameContact(string form)
    {
        await EnsureContactWithNumberAsync();
        var found = await app.ApiClient().GetFromJsonAsync<PagedResult<ContactDto>>($"/api/v1/contacts?phone={Uri.EscapeDataString(form)}", PishkhanAppFactory.Json);
        var contact = Assert.Single(found!.Items);
        Assert.Equal("Phone Person", contact.Name);
        Assert.Equal(["+989123456789"], contact.Phones);

        var byQuery = await app.ApiClient().GetFromJsonAsync<PagedResult<ContactDto>>($"/api/v1/contacts?q={Uri.EscapeDataString(form)}", PishkhanAppFactory.Json);
        Assert.Contains(byQuery!.Items, c => c.Name == "Phone Person");
    }

    [Fact]
    public async Task ANumberOrEmailOfAnotherContact_IsRefusedNamingThatContact()
    {
        await EnsureContactWithNumberAsync();
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/contacts", new ContactRequest("Copycat", Emails: ["PHONE.person@example.com"], Phones: ["09123456789"]), PishkhanAppFactory.Json);
        var errors = await Problems.ErrorsAsync(response);
        Assert.Contains("Phone Person", errors["phones"][0], StringComparison.Ordinal);
        Assert.Contains("Phone Person", errors["emails"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidEmailAndPhone_AreNamedByPosition()
    {
        var response = await app.ApiClient().PostAsJsonAsync("/api/v1/contacts", new ContactRequest("", Emails: ["ok@example.com", "not-an-email"], Phones: ["123"]), PishkhanAppFactory.Json);
        var errors = await Problems.ErrorsAsync(response);
        Assert.Contains("name", errors.Keys);
        Assert.Contains("emails[1]", errors.Keys);
        Assert.Contains("phones[0]", errors.Keys);
    }

    [Fact]
    public async Task Update_IsAudited_AndStaleVersionIs409()
    {
        var contact = await app.CreateContactAsync("Audit Me", emails: [$"a{Guid.NewGuid():N}@example.com"]);
        var client = app.ApiClient();
        var updated = await client.PutAsJsonAsync($"/api/v1/contacts/{contact.Id}", new ContactRequest("Audit Me Too", Emails: [.. contact.Emails], Phones: ["09350001122"], Version: contact.Version), PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var stale = await client.PutAsJsonAsync($"/api/v1/contacts/{contact.Id}", new ContactRequest("Late", Version: contact.Version), PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        var audit = await client.GetFromJsonAsync<List<AuditEntryDto>>($"/api/v1/contacts/{contact.Id}/audit", PishkhanAppFactory.Json);
        Assert.Contains(audit!, a => a.Field == "name" && a.OldValue == "Audit Me" && a.NewValue == "Audit Me Too");
        Assert.Contains(audit!, a => a.Field == "phone" && a.NewValue == "+989350001122");
    }

    [Fact]
    public async Task ContactCaseHistory_ListsTheirCases()
    {
        var contact = await app.CreateContactAsync();
        var created = await app.CreateCaseAsync("History item", contact.Id);
        var history = await app.ApiClient().GetFromJsonAsync<PagedResult<Features.Cases.CaseDto>>($"/api/v1/contacts/{contact.Id}/cases", PishkhanAppFactory.Json);
        Assert.Equal(created.Id, Assert.Single(history!.Items).Id);
    }

    private async Task EnsureContactWithNumberAsync()
    {
        var existing = await app.ApiClient().GetFromJsonAsync<PagedResult<ContactDto>>("/api/v1/contacts?phone=%2B989123456789", PishkhanAppFactory.Json);
        if (existing!.Total == 0)
        {
            await app.CreateContactAsync("Phone Person", emails: ["phone.person@example.com"], phones: ["0912 345 6789"]);
        }
    }
}
