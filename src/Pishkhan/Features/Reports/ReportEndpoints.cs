using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Reports;

/// <summary>
/// <c>/api/v1/reports/…</c>: the reports (supervisors, admins and API keys with <c>cases:read</c>), each as JSON, CSV or
/// Excel; the roll-up's status and rebuild (admin).
/// </summary>
public static class ReportEndpoints
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddSingleton<ReportRefresher>();
        services.AddSingleton<GetReport>();
        services.AddSingleton<GetDashboard>();
        services.AddHostedService<ReportWorker>();
        return services;
    }

    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/reports").WithTags("Reports").RequireAuthorization(Scopes.Admin);
        admin.MapGet("/status", async Task<Ok<ReportFreshness>> (ReportRefresher refresher, CancellationToken ct) => TypedResults.Ok(await refresher.FreshnessAsync(ct)))
            .WithName("GetReportStatus").WithSummary("How far the report roll-up has caught up with case changes, and whether a rebuild is running.");
        admin.MapPost("/rebuild", async Task<Accepted<ReportFreshness>> (ReportRefresher refresher, CancellationToken ct) =>
                TypedResults.Accepted("/api/v1/reports/status", await refresher.RebuildAsync(ct)))
            .WithName("RebuildReports").WithSummary("Recomputes every case's report row in the background (after a calendar or SLA policy edit); progress at /reports/status.");

        app.MapGet("/api/v1/dashboard", async Task<Ok<Dashboard>> (GetDashboard handler, CancellationToken ct) => TypedResults.Ok(await handler.SupervisorAsync(ct)))
            .WithTags("Reports").RequireAuthorization(Scopes.CasesRead, Actor.SupervisorPolicy)
            .WithName("GetSupervisorDashboard").WithSummary("Supervisors and admins: open, new today, waiting in queues and the longest wait, SLA at risk, breached today, CSAT and its answer count (last 30 days), first-response and resolution averages, each beside the previous period.");
        app.MapGet("/api/v1/me/dashboard", async Task<Results<Ok<Dashboard>, NotFound>> (ClaimsPrincipal user, GetDashboard handler, CancellationToken ct) =>
                await handler.AgentAsync(Actor.FromPrincipal(user), ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound())
            .WithTags("Reports").RequireAuthorization(Scopes.CasesRead)
            .WithName("GetMyDashboard").WithSummary("The signed-in user's own numbers: open cases, SLA at risk, what waits in their teams' queues, resolved today (404 for an API key: it has no cases of its own).");

        var reports = app.MapGroup("/api/v1/reports").WithTags("Reports").RequireAuthorization(Scopes.CasesRead, Actor.SupervisorPolicy);
        reports.MapGet("/{name}", async Task<Results<Ok<ReportTable>, FileContentHttpResult, ValidationProblem, NotFound>> (
                string name, HttpRequest request, GetReport handler, CancellationToken ct) =>
            {
                var errors = new FieldErrors();
                var format = request.Query["format"].ToString() is { Length: > 0 } f ? f : "json";
                if (format is not ("json" or "csv" or "xlsx"))
                {
                    errors.Add("format", $"'format' must be json, csv or xlsx (got '{format}').");
                }

                var groupBy = SlaGrouping.Metric;
                if (request.Query["groupBy"].ToString() is { Length: > 0 } g && (int.TryParse(g, out _) || !Enum.TryParse(g, ignoreCase: true, out groupBy)))
                {
                    errors.Add("groupBy", $"'groupBy' must be metric, policy, team or agent (got '{g}').");
                }

                var parsed = ReportFilter.Parse(request.Query.ToDictionary(q => q.Key, q => q.Value));
                if (parsed is Outcome<ReportFilter>.Invalid invalid)
                {
                    foreach (var (field, messages) in invalid.Errors)
                    {
                        foreach (var m in messages)
                        {
                            errors.Add(field, m);
                        }
                    }
                }

                if (errors.Any)
                {
                    return TypedResults.ValidationProblem(errors.ToDictionary());
                }

                var filter = ((Outcome<ReportFilter>.Ok)parsed).Value;
                if (await handler.RunAsync(name, filter, groupBy, ct) is not { } table)
                {
                    return TypedResults.NotFound();
                }

                return format switch
                {
                    "csv" => TypedResults.File(ReportExport.Csv(table), ReportExport.CsvType, ReportExport.FileName(table, "csv")),
                    "xlsx" => TypedResults.File(ReportExport.Excel(table), ReportExport.ExcelType, ReportExport.FileName(table, "xlsx")),
                    _ => TypedResults.Ok(table),
                };
            })
            .WithName("GetReport")
            .WithSummary("A report by name (volume, heatmap, closed-per-agent, response-times, exchanges, sla-compliance, sla-breaches, backlog, reopen-rate, top-categories, top-products, forecast) with filters from, to (Gregorian ISO dates), teamId, agentId, queueId, categoryId, channel, priority, policyId, granularity, by, calendar, top, groupBy, handlingMinutes, agentHours; format=json|csv|xlsx.");
        return app;
    }
}
