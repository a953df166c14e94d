using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Knowledge.Search;
using Pishkhan.Platform.Api;

namespace Pishkhan.Tests.Knowledge;

[Trait("Category", "Integration")]
public sealed class CaseSearchTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    private static async Task<PagedResult<CaseHit>> SearchAsync(HttpClient client, string q) =>
        (await client.GetFromJsonAsync<PagedResult<CaseHit>>($"/api/v1/kb/search/cases?q={Uri.EscapeDataString(q)}", PishkhanAppFactory.Json))!;

    [Fact]
    public async Task FindsCasesByMessagesInAnySpelling_OnlyForThoseWhoMaySeeThem()
    {
        var marker = "cs" + Guid.NewGuid().ToString("N")[..6];
        var team = await app.CreateTeamAsync("Case search " + marker);
        var theCase = await app.CreateCaseAsync("چاپگر طبقه دوم " + marker, teamId: team);
        var note = await app.ApiClient().PostAsJsonAsync($"/api/v1/cases/{theCase.Id}/notes", new { body = "کارتریج ها را عوض کردیم ولی هنوز کاغذ گیر می کند" }, PishkhanAppFactory.Json);
        Assert.True(note.IsSuccessStatusCode, await note.Content.ReadAsStringAsync());
        await app.Services.GetRequiredService<CaseSearchIndex>().CatchUpAsync();

        var admin = app.ApiClient();
        var byNote = await SearchAsync(admin, "كارتريج گیرمیکند " + marker);
        Assert.Equal(theCase.Id, byNote.Items[0].Id);
        Assert.Contains("<mark>", byNote.Items[0].Snippet, StringComparison.Ordinal);
        Assert.Contains(marker, byNote.Items[0].SubjectHtml, StringComparison.Ordinal);

        await app.CreateUserAsync($"{marker}-out@test.local", UserRole.Agent);
        await app.CreateUserAsync($"{marker}-in@test.local", UserRole.Agent, team);
        Assert.DoesNotContain((await SearchAsync(await app.LoginAsync($"{marker}-out@test.local"), marker)).Items, h => h.Id == theCase.Id);
        Assert.Contains((await SearchAsync(await app.LoginAsync($"{marker}-in@test.local"), marker)).Items, h => h.Id == theCase.Id);

        await app.CreateUserAsync($"{marker}-page@test.local", UserRole.Admin);
        var page = await (await app.LoginAsync($"{marker}-page@test.local")).GetStringAsync($"/knowledge?q={marker}");
        Assert.Contains("data-testid=\"kb-case-hit\"", page, StringComparison.Ordinal);

        var empty = await admin.GetAsync("/api/v1/kb/search/cases?q=");
        Assert.Contains("q", (await Problems.ErrorsAsync(empty)).Keys);
        var kbOnlyKey = await app.CreateApiKeyAsync(Scopes.KbRead);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ApiClient(kbOnlyKey).GetAsync($"/api/v1/kb/search/cases?q={marker}")).StatusCode);
    }

    [Fact]
    public async Task AnAgentsOwnCase_IsFound_BehindHundredsOfBetterMatchesTheyMayNotSee()
    {
        var marker = "cv" + Guid.NewGuid().ToString("N")[..6];
        var hidden = await app.CreateTeamAsync("Hidden " + marker);
        var mine = await app.CreateTeamAsync("Mine " + marker);
        for (var batch = 0; batch < 22; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => app.CreateCaseAsync($"{marker} {marker}", teamId: hidden)));
        }

        var theCase = await app.CreateCaseAsync("Printer on the second floor", teamId: mine);
        var note = await app.ApiClient().PostAsJsonAsync($"/api/v1/cases/{theCase.Id}/notes", new { body = $"The code on the display was {marker}." }, PishkhanAppFactory.Json);
        Assert.True(note.IsSuccessStatusCode, await note.Content.ReadAsStringAsync());
        await app.Services.GetRequiredService<CaseSearchIndex>().CatchUpAsync();

        var asAdmin = await SearchAsync(app.ApiClient(), marker);
        Assert.Equal(200, asAdmin.Total);
        await app.CreateUserAsync($"{marker}@test.local", UserRole.Agent, mine);
        var asAgent = await SearchAsync(await app.LoginAsync($"{marker}@test.local"), marker);
        Assert.Equal([theCase.Id], asAgent.Items.Select(h => h.Id));
        Assert.Equal(1, asAgent.Total);
    }
}
