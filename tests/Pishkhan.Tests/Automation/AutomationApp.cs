using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Automation;
using Pishkhan.Features.Cases;

namespace Pishkhan.Tests.Automation;

/// <summary>
/// The app on a test clock with the automation worker and the SLA sweeper off: tests move time and tick the engine
/// themselves. The default calendar is replaced by a UTC one, Monday to Friday 09:00–17:00, with 2026-01-12 a holiday.
/// </summary>
public sealed class AutomationApp : IDisposable
{
    public static readonly Dictionary<string, string> Manual = new()
    {
        ["Pishkhan:Automation:Background"] = "false",
        ["Pishkhan:Sla:Background"] = "false",
    };

    public static readonly CalendarDefinition Office = new()
    {
        Zone = "UTC",
        Weekly = new WeeklyHours().With([IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday], new TimeRange("09:00", "17:00")),
        Holidays = [new Holiday("2026-01-12")],
    };

    public AutomationApp(IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>(Manual);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        App = new PishkhanAppFactory(seedDemo: false, Clock, all);
    }

    /// <summary>Monday 2026-01-05 10:00 UTC, inside office hours.</summary>
    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero));

    public PishkhanAppFactory App { get; }

    public void Dispose() => App.Dispose();

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public Task<int> TickAsync() => Service<AutomationEngine>().RunUntilIdleAsync();

    public static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    /// <summary>Makes the office calendar the default one.</summary>
    public async Task<Guid> UseOfficeCalendarAsync()
    {
        var id = await App.CreateCalendarAsync(Office, "Office");
        var response = await App.ApiClient().PostAsync($"/api/v1/calendars/{id}/default", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return id;
    }

    public async Task<WorkflowDto> CreateWorkflowAsync(object definition, string? name = null, bool enabled = true)
    {
        var response = await App.ApiClient().PostAsJsonAsync("/api/v1/workflows", new { name = name ?? $"Workflow {Guid.NewGuid():N}", enabled, definition }, PishkhanAppFactory.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<WorkflowDto>(PishkhanAppFactory.Json))!;
    }

    public async Task<IReadOnlyList<RunDto>> RunsAsync(Guid caseId)
    {
        var runs = await App.ApiClient().GetFromJsonAsync<List<RunDto>>($"/api/v1/cases/{caseId}/workflow-runs", PishkhanAppFactory.Json);
        return runs!;
    }

    public async Task<RunDto> RunAsync(Guid runId) =>
        (await App.ApiClient().GetFromJsonAsync<RunDto>($"/api/v1/workflow-runs/{runId}", PishkhanAppFactory.Json))!;

    /// <summary>Patches with the current version; routing may move a new case into its queue meanwhile, so a 409 is retried.</summary>
    public async Task<CaseDto> PatchAsync(Guid caseId, object changes)
    {
        var client = App.ApiClient();
        for (var attempt = 1; ; attempt++)
        {
            var current = await client.GetFromJsonAsync<CaseDto>($"/api/v1/cases/{caseId}", PishkhanAppFactory.Json);
            var body = JsonSerializer.SerializeToNode(changes, PishkhanAppFactory.Json)!.AsObject();
            body["version"] = current!.Version;
            var response = await client.PatchAsync($"/api/v1/cases/{caseId}", Problems.JsonBody(body));
            if (response.StatusCode == HttpStatusCode.Conflict && attempt < 5)
            {
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<CaseDto>(PishkhanAppFactory.Json))!;
        }
    }

    /// <summary>
    /// Waits until routing has put the case in its queue — an update of its own, made in the background a moment after
    /// the case is created — so that a tick after this sees that update's event too.
    /// </summary>
    public Task RoutedAsync(Guid caseId) =>
        Routing.RoutingSteps.WaitUntilAsync(async () => await App.WithDbAsync(db => db.Cases.AnyAsync(c => c.Id == caseId && c.QueueId != null)));

    public Task<CaseDto> CaseAsync(Guid caseId) => App.ApiClient().GetFromJsonAsync<CaseDto>($"/api/v1/cases/{caseId}", PishkhanAppFactory.Json)!;

    public async Task<List<TimelineEntryDto>> TimelineAsync(Guid caseId) =>
        (await App.ApiClient().GetFromJsonAsync<List<TimelineEntryDto>>($"/api/v1/cases/{caseId}/timeline", PishkhanAppFactory.Json))!;

    public Task<List<WorkflowRunLog>> LogAsync(Guid runId) =>
        App.WithDbAsync(db => db.Set<WorkflowRunLog>().Where(l => l.RunId == runId).OrderBy(l => l.At).ThenBy(l => l.Id).ToListAsync());
}
