using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Demo;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Routing;
using Pishkhan.Features.Sla;
using Pishkhan.Features.Triage;
using Pishkhan.Platform.Data;

namespace Pishkhan;

/// <summary>What happens before the first request: migrate, reference data (statuses, the default calendar), first admin, demo data, the login banner.</summary>
internal static class StartUp
{
    public static async Task PrepareAsync(WebApplication app, string dataDirectory)
    {
        await DatabaseSetup.MigrateAsync(app.Services);
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await using (var db = await services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>().CreateDbContextAsync())
        {
            await DefaultStatuses.EnsureAsync(db, CancellationToken.None);
            await DefaultCalendar.EnsureAsync(db, services.GetRequiredService<TimeProvider>(), CancellationToken.None);
            await DefaultQueue.EnsureAsync(db, services.GetRequiredService<TimeProvider>(), CancellationToken.None);
            await DefaultSlaPolicy.EnsureAsync(db, services.GetRequiredService<TimeProvider>(), CancellationToken.None);
            await Features.Automation.BuiltInWorkflows.EnsureAsync(db, services.GetRequiredService<TimeProvider>(), CancellationToken.None);
        }

        var (email, password) = await services.GetRequiredService<Bootstrap>()
            .EnsureAdminAsync(services.GetRequiredService<IOptions<BootstrapOptions>>().Value, dataDirectory, CancellationToken.None);
        var seeded = password is not null && app.Configuration.GetValue("Pishkhan:SeedDemoData", true)
            && await services.GetRequiredService<DemoData>().SeedAsync(password, CancellationToken.None);
        if (seeded)
        {
            // Demo cases are written directly; the background job gives them their SLA instances and timers.
            await using var db = await services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>().CreateDbContextAsync();
            SlaRecalculations.Enqueue(db, "demo data seeded", null, null, services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();

            // The demo's resolved cases carry the category their text is about: a first model, so the case form
            // suggests a category from the start (retraining then follows the schedule).
            await services.GetRequiredService<CategoryClassifier>().TrainAsync(Actor.System, CancellationToken.None);
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var urls = string.Join(", ", app.Urls);
            var lines = new List<string>
            {
                "",
                "  Pishkhan (پیشخوان) is running",
                $"  Open:      {urls}",
                $"  Admin:     {email}",
                password is null ? "  Password:  (as set before; see admin-login.txt in the data directory)" : $"  Password:  {password}",
                $"  Data:      {dataDirectory}",
                "  API docs:  /api/docs",
            };
            if (seeded)
            {
                lines.Add("  Demo data: 200 cases, 50 contacts; agents such as sara@pishkhan.local use the same password.");
                lines.Add("  Portal:    /portal (customers); customer1@example.com uses the same password.");
            }

            Console.WriteLine(string.Join(Environment.NewLine, lines) + Environment.NewLine);
        });
    }
}
