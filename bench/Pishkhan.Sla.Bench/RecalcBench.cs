using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Sla.Bench;

/// <summary>Recalculation after "a holiday is added for tomorrow" on the default calendar, timed end to end.</summary>
public static class RecalcBench
{
    public static async Task RunAsync(int cases, int runs, string? dump)
    {
        Console.WriteLine($"Provider: {SlaData.Provider}; {cases:N0} open cases; {Environment.ProcessorCount} cores; load average {LoadAverage()}");
        await SlaData.EnsureRecalcTemplateAsync(cases);
        var results = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var name = $"recalc-{cases}";
            await SlaData.CloneAsync(SlaData.RecalcTemplate(cases), name);
            using var services = SlaData.Services(name);

            // A template made before a later migration (an index, say) gets it here, outside the timed part.
            await DatabaseSetup.MigrateAsync(services);
            var factory = services.GetRequiredService<IDbContextFactory<PishkhanDbContext>>();

            // Warm the code paths (EF model, query compilation, the calendar) the way a running app has them warm.
            await services.GetRequiredService<CalendarResolver>().DefaultAsync();
            await services.GetRequiredService<SlaRecalculations>().DetectCalendarChangesAsync();

            Dictionary<Guid, DateTime?> before;
            Guid calendarId;
            await using (var db = await factory.CreateDbContextAsync())
            {
                var calendar = await db.Calendars.AsNoTracking().SingleAsync(c => c.IsDefault);
                calendarId = calendar.Id;
                before = await db.Set<SlaInstance>().AsNoTracking().Where(i => i.IsOpen && i.CalendarId == calendarId).ToDictionaryAsync(i => i.Id, i => i.DueAt);

                // The real edit path: the calendar with one more holiday, tomorrow in Tehran, saved with the version read.
                var definition = CalendarDefinition.FromJson(calendar.Definition);
                var tomorrow = Instant.FromDateTimeOffset(SlaData.Now).InZone(DateTimeZoneProviders.Tzdb[definition.Zone]).Date.PlusDays(1);
                definition = definition with { Holidays = [.. definition.Holidays, Holiday.OnGregorian(tomorrow, "Bench holiday")] };
                var saved = await services.GetRequiredService<SaveCalendar>().SaveAsync(calendar.Id, new(calendar.Name, calendar.Description, definition, calendar.Version), Actor.System);
                if (saved is not Outcome<CalendarDto>.Ok)
                {
                    throw new InvalidOperationException($"Saving the calendar failed: {saved}");
                }
            }

            var recalculations = services.GetRequiredService<SlaRecalculations>();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var queued = await recalculations.DetectCalendarChangesAsync();
            var processed = await recalculations.RunPendingAsync();
            clock.Stop();
            var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;

            // The background service asks every 2 s whether a calendar changed under open instances: time that question now that nothing is stale.
            var detect = Stopwatch.StartNew();
            var found = 0;
            for (var tick = 0; tick < 20; tick++)
            {
                found += await recalculations.DetectCalendarChangesAsync();
            }

            Console.WriteLine($"Calendar change detection with nothing stale: {SlaData.Format(detect.Elapsed.TotalMilliseconds / 20)} ms a tick (mean of 20), {found} job(s) queued");

            await using (var db = await factory.CreateDbContextAsync())
            {
                var version = await db.Calendars.Where(c => c.Id == calendarId).Select(c => c.Version).SingleAsync();
                var stale = await db.Set<SlaInstance>().CountAsync(i => i.IsOpen && i.CalendarId == calendarId && i.CalendarVersion != version);
                var after = await db.Set<SlaInstance>().AsNoTracking().Select(i => new { i.Id, i.DueAt }).ToListAsync();
                var moved = after.Count(a => before.TryGetValue(a.Id, out var due) && a.DueAt != due);
                var events = await db.TimelineEntries.CountAsync(t => t.Field == SlaEngine.TimelineField && t.NewValue == "recalculated");
                Console.WriteLine(
                    $"Run {run}: {SlaData.Format(clock.Elapsed.TotalSeconds)} s wall, {SlaData.Format(cpuUsed.TotalSeconds)} s CPU (this process); "
                    + $"{queued} job(s), {processed:N0} cases, {before.Count:N0} open instances, {moved:N0} due instants moved, "
                    + $"{events:N0} 'recalculated' events, {stale} stale instances left; load average {LoadAverage()}");
                if (stale != 0 || processed == 0)
                {
                    throw new InvalidOperationException("The recalculation did not cover every dependent open instance.");
                }

                if (dump is not null && run == 1)
                {
                    await DumpAsync(db, dump);
                }
            }

            results.Add(clock.Elapsed.TotalSeconds);
        }

        results.Sort();
        Console.WriteLine($"Best {SlaData.Format(results[0])} s, median {SlaData.Format(results[results.Count / 2])} s, worst {SlaData.Format(results[^1])} s over {results.Count} runs ({SlaData.Provider})");
    }

    /// <summary>Every instance, timer and SLA timeline event, in a stable order, to compare two implementations' results.</summary>
    private static async Task DumpAsync(PishkhanDbContext db, string path)
    {
        var lines = new List<string>();
        lines.AddRange((await db.Set<SlaInstance>().AsNoTracking().ToListAsync())
            .Select(i => $"I {i.CaseId} {i.PolicyId} {i.Metric} {i.Cycle} {i.State} {i.IsOpen} {i.StartedAt:O} {i.TargetSeconds} {i.ElapsedSeconds} {i.DueAt:O} {i.WarnAt:O} {i.BreachedAt:O} {i.AchievedAt:O} {i.AchievedSeconds} {i.CalendarId} {i.CalendarVersion} {i.ComputedAt:O}"));
        lines.AddRange((await db.Set<SlaTimer>().AsNoTracking().ToListAsync()).Select(t => $"T {t.CaseId} {t.InstanceId} {t.Level} {t.DueAt:O} {t.FiredAt:O}"));
        lines.AddRange((await db.TimelineEntries.AsNoTracking().Where(t => t.Field == SlaEngine.TimelineField).ToListAsync())
            .Select(t => $"E {t.CaseId} {t.OldValue} {t.NewValue} {t.CreatedAt:O} {t.Body}"));
        lines.Sort(StringComparer.Ordinal);
        await File.WriteAllLinesAsync(path, lines);
        Console.WriteLine($"Wrote {lines.Count:N0} lines to {path}");
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
