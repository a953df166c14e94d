using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Triage;

namespace Pishkhan.Tests;

[Trait("Category", "Integration")]
public sealed class DemoDataTests : IDisposable
{
    private readonly PishkhanAppFactory _app = new(seedDemo: true);

    [Fact]
    public async Task FirstStart_SeedsTeamsAgentsContactsAndCasesAcrossEveryStatusAndPriority()
    {
        _app.CreateClient();
        Assert.Equal(200, await _app.CountCasesAsync());
        Assert.Equal(50, await _app.WithDbAsync(db => db.Contacts.CountAsync()));
        var categories = await _app.WithDbAsync(db => db.Cases.Select(c => c.Status!.Category).Distinct().ToListAsync());
        Assert.Equal(Enum.GetValues<StatusCategory>().Order(), categories.Order());
        var priorities = await _app.WithDbAsync(db => db.Cases.Select(c => c.Priority).Distinct().ToListAsync());
        Assert.Equal(Enum.GetValues<Priority>().Order(), priorities.Order());
        Assert.True(await _app.WithDbAsync(db => db.Cases.AnyAsync(c => c.Subject.Contains("Invoice"))));
        Assert.True(await _app.WithDbAsync(db => db.Cases.AnyAsync(c => c.Subject.Contains("فاکتور"))));
        Assert.Equal(7, await _app.WithDbAsync(db => db.Users.CountAsync()));

        // A demo agent signs in with the admin's password, as the start-up banner says.
        await _app.LoginAsync("sara@pishkhan.local");

        // So does the demo's first customer in the portal, as its organisation's admin.
        var customer = await Portal.PortalKit.SignInAsync(_app, "customer1@example.com", PishkhanAppFactory.Password);
        var seen = await customer.GetFromJsonAsync<System.Text.Json.JsonElement[]>("/portal/api/cases");
        Assert.NotEmpty(seen!);
    }

    [Fact]
    public async Task FirstStart_TrainsTheClassifierOnTheDemoCases_SoTheCaseFormSuggestsFromTheStart()
    {
        _app.CreateClient();
        var classifier = _app.Services.GetRequiredService<CategoryClassifier>();

        var status = await classifier.StatusAsync();
        Assert.Equal("ready", status.State);
        Assert.True(status.Accuracy > 0.9, $"held-out accuracy {status.Accuracy} on the demo's eight Persian and six English kinds of case");
        var suggestion = await classifier.SuggestAsync(new SuggestRequest("فاکتور اشتباه", "مبلغ فاکتور با قرارداد همخوانی ندارد"));
        Assert.Equal("Billing › Invoices", suggestion.Category?.Name);
        Assert.Equal("Technical › Login", (await classifier.SuggestAsync(new SuggestRequest("Cannot log in", "the password is wrong"))).Category?.Name);
    }

    public void Dispose() => _app.Dispose();
}
