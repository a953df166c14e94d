using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Calendar;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Sla;

namespace Pishkhan.Tests.Sla;

/// <summary>
/// The app on a test clock with the SLA background service off: tests move time and run the sweeper and the
/// recalculation job themselves, so every timer fires exactly when the test says.
/// </summary>
public sealed class SlaApp : IDisposable
{
    public static readonly IReadOnlyDictionary<string, string> ManualSla = new Dictionary<string, string> { ["Pishkhan:Sla:Background"] = "false" };

    public SlaApp()
        : this(null)
    {
    }

    /// <param name="settings">More settings besides the manual SLA background.</param>
    /// <remarks>Internal: a class fixture may have only one public constructor.</remarks>
    internal SlaApp(IReadOnlyDictionary<string, string>? settings)
    {
        App = new PishkhanAppFactory(seedDemo: false, Clock, settings is null ? ManualSla : ManualSla.Concat(settings).ToDictionary());
    }

    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public PishkhanAppFactory App { get; }

    public void Dispose() => App.Dispose();

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public Task<int> SweepAsync() => Service<SlaSweeper>().SweepOnceAsync();

    public async Task<int> RecalculateAsync()
    {
        var recalculations = Service<SlaRecalculations>();
        await recalculations.DetectCalendarChangesAsync();
        return await recalculations.RunPendingAsync();
    }

    public Task<Dictionary<string, Guid>> StatusesAsync() => App.WithDbAsync(db => db.CaseStatuses.ToDictionaryAsync(s => s.Name, s => s.Id));

    public async Task<SlaPolicyDto> CreatePolicyAsync(object body)
    {
        var response = await App.ApiClient().PostAsJsonAsync("/api/v1/sla-policies", body, PishkhanAppFactory.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<SlaPolicyDto>(PishkhanAppFactory.Json))!;
    }

    public Task<Guid> CreateCalendarAsync(CalendarDefinition definition) => App.CreateCalendarAsync(definition, "Cal");

    public async Task<SlaCaseDto> SlaAsync(Guid caseId, HttpClient? client = null)
    {
        var response = await (client ?? App.ApiClient()).GetAsync($"/api/v1/cases/{caseId}/sla");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<SlaCaseDto>(PishkhanAppFactory.Json))!;
    }

    public async Task<CaseDto> PatchAsync(Guid caseId, object changes)
    {
        var client = App.ApiClient();
        var current = await client.GetFromJsonAsync<CaseDto>($"/api/v1/cases/{caseId}", PishkhanAppFactory.Json);
        var body = System.Text.Json.JsonSerializer.SerializeToNode(changes, PishkhanAppFactory.Json)!.AsObject();
        body["version"] = current!.Version;
        var response = await client.PatchAsync($"/api/v1/cases/{caseId}", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CaseDto>(PishkhanAppFactory.Json))!;
    }

    public async Task ReplyAsync(Guid caseId, string body = "We are on it.")
    {
        var response = await App.ApiClient().PostAsJsonAsync($"/api/v1/cases/{caseId}/replies", new CaseMessageRequest(body), PishkhanAppFactory.Json);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Runs the sweeper twice (the second must find nothing of this case's) and says how many of the case's timers have fired.</summary>
    public async Task<int> SweepAndCountAsync(Guid caseId)
    {
        await SweepAsync();
        var fired = await App.WithDbAsync(db => db.Set<SlaTimer>().CountAsync(t => t.CaseId == caseId && t.FiredAt != null));
        await SweepAsync();
        Assert.Equal(fired, await App.WithDbAsync(db => db.Set<SlaTimer>().CountAsync(t => t.CaseId == caseId && t.FiredAt != null)));
        return fired;
    }

    public Task<List<TimelineEntry>> SlaEventsAsync(Guid caseId) => App.WithDbAsync(db =>
        db.TimelineEntries.Where(t => t.CaseId == caseId && t.Field == SlaEngine.TimelineField).OrderBy(t => t.CreatedAt).ToListAsync());
}
