using System.Net;
using System.Net.Http.Json;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;

namespace Pishkhan.Tests.Identity;

[Trait("Category", "Integration")]
public sealed class AuthorizationTests(PishkhanAppFactory app) : IClassFixture<PishkhanAppFactory>
{
    [Theory]
    [InlineData("/api/v1/cases")]
    [InlineData("/api/v1/contacts")]
    [InlineData("/api/v1/accounts")]
    [InlineData("/api/v1/statuses")]
    [InlineData("/api/v1/api-keys")]
    public async Task NoCredentials_Is401(string path)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.AnonymousClient().GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task UnknownApiKey_Is401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ApiClient("pk_nope").GetAsync("/api/v1/cases")).StatusCode);
    }

    [Fact]
    public async Task Pages_RedirectToLogin_HealthAndDocsAreOpen()
    {
        var anonymous = app.AnonymousClient();
        var page = await anonymous.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        var openApi = await anonymous.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/cases", openApi, StringComparison.Ordinal);
        Assert.Contains("CreateCase", openApi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOnlyKey_CannotWrite_AndRevokedKeyIsRefusedAtOnce()
    {
        var readOnly = await app.CreateApiKeyAsync(Scopes.CasesRead);
        var client = app.ApiClient(readOnly);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/cases")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/cases", new { subject = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/api-keys")).StatusCode);

        var keys = await app.ApiClient().GetFromJsonAsync<List<ApiKeyDto>>("/api/v1/api-keys", PishkhanAppFactory.Json);
        var key = keys!.Single(k => readOnly.StartsWith(k.Prefix, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, (await app.ApiClient().DeleteAsync($"/api/v1/api-keys/{key.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/cases")).StatusCode);
    }

    [Fact]
    public async Task ApiKeys_AreStoredHashed()
    {
        var secret = await app.CreateApiKeyAsync(Scopes.CasesRead);
        var stored = await app.WithDbAsync(db => Task.FromResult(db.ApiKeys.Select(k => k.SecretHash).ToList()));
        Assert.DoesNotContain(secret, stored);
        Assert.Contains(ApiKeyAuthenticationHandler.HashOf(secret), stored);
    }

    [Fact]
    public async Task Agent_SeesOnlyTheirTeamsCases_SupervisorSeesAll()
    {
        var red = await app.CreateTeamAsync("Red " + Guid.NewGuid().ToString("N")[..6]);
        var blue = await app.CreateTeamAsync("Blue " + Guid.NewGuid().ToString("N")[..6]);
        var redCase = await app.CreateCaseAsync("Red team case", teamId: red);
        var blueCase = await app.CreateCaseAsync("Blue team case", teamId: blue);
        var agentEmail = $"agent-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(agentEmail, UserRole.Agent, red);
        var supervisorEmail = $"sup-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(supervisorEmail, UserRole.Supervisor);

        var agent = await app.LoginAsync(agentEmail);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"/api/v1/cases/{redCase.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/v1/cases/{blueCase.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.PatchAsync($"/api/v1/cases/{blueCase.Id}", Problems.JsonBody(new { version = blueCase.Version, subject = "hijack" }))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/v1/cases/{blueCase.Id}/timeline")).StatusCode);
        var list = await agent.GetFromJsonAsync<PagedResult<CaseDto>>("/api/v1/cases?pageSize=200", PishkhanAppFactory.Json);
        Assert.Contains(list!.Items, c => c.Id == redCase.Id);
        Assert.DoesNotContain(list.Items, c => c.Id == blueCase.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/api-keys")).StatusCode);

        var supervisor = await app.LoginAsync(supervisorEmail);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.GetAsync($"/api/v1/cases/{blueCase.Id}")).StatusCode);
    }

    [Fact]
    public async Task Login_WithWrongPassword_RedirectsBackWithError()
    {
        var client = app.AnonymousClient();
        var page = await client.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = PishkhanAppFactory.AdminEmail,
            ["password"] = "wrong-password",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?error=invalid", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith("pishkhan.auth", StringComparison.Ordinal));
    }
}
