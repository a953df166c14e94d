using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Automation;

/// <summary>Registers automation: handlers, the SMS provider, the webhook HTTP client and the background worker.</summary>
public static class AutomationServices
{
    public static IServiceCollection AddAutomation(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AutomationOptions>(configuration.GetSection("Pishkhan:Automation"));
        services.AddHttpClient(WorkflowSteps.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.Configure<SmsOptions>(configuration.GetSection("Pishkhan:Sms"));
        services.AddHttpClient(KavenegarSmsSender.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15));
        if (string.Equals(configuration["Pishkhan:Sms:Provider"], "kavenegar", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<ISmsSender, KavenegarSmsSender>();
        }
        else
        {
            services.AddSingleton<ISmsSender, LoggingSmsSender>();
        }

        services.AddSingleton<WorkflowSteps>();
        services.AddSingleton<AutomationEngine>();
        services.AddSingleton<WorkflowAdmin>();
        services.AddSingleton<Approvals>();
        services.AddSingleton<RealtimeAutomation>();
        services.AddSingleton<TemplateAdmin>();
        services.AddHostedService<AutomationWorker>();
        return services;
    }
}

/// <summary>Drives <see cref="AutomationEngine.TickAsync"/> every few hundred milliseconds.</summary>
public sealed class AutomationWorker(AutomationEngine engine, TimeProvider clock, IOptions<AutomationOptions> options, ILogger<AutomationWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Background)
        {
            return;
        }

        var interval = TimeSpan.FromMilliseconds(Math.Max(10, options.Value.IntervalMs));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await engine.TickAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Automation tick failed; trying again next tick.");
            }

            try
            {
                await Task.Delay(interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}

/// <summary>
/// <c>/api/v1/workflows</c> and <c>/api/v1/workflow-runs</c> and <c>/api/v1/email-templates</c> (admin);
/// <c>/api/v1/cases/{id}/workflow-runs</c> (who may see the case); <c>/api/v1/workflow-approvals</c> (the approvers).
/// </summary>
public static class AutomationEndpoints
{
    public static IEndpointRouteBuilder MapAutomationEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/workflows").WithTags("Automation").RequireAuthorization(Scopes.Admin);
        admin.MapGet("/", async (WorkflowAdmin h, CancellationToken ct) => TypedResults.Ok(await h.ListAsync(ct)))
            .WithName("ListWorkflows").WithSummary("Lists workflows with their current definitions.");
        admin.MapGet("/{id:guid}", async Task<Results<Ok<WorkflowDto>, NotFound>> (Guid id, WorkflowAdmin h, CancellationToken ct) =>
                await h.ByIdAsync(id, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound())
            .WithName("GetWorkflow").WithSummary("Reads one workflow.");
        admin.MapGet("/{id:guid}/versions", async Task<Results<Ok<IReadOnlyList<WorkflowVersionDto>>, NotFound>> (Guid id, WorkflowAdmin h, CancellationToken ct) =>
                await h.VersionsAsync(id, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound())
            .WithName("ListWorkflowVersions").WithSummary("Every saved version of a workflow, newest first.");
        admin.MapPost("/", async Task<Results<Created<WorkflowDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                WorkflowRequest body, WorkflowAdmin h, ClaimsPrincipal user, CancellationToken ct) =>
                await h.SaveAsync(null, body, Actor.FromPrincipal(user), ct) switch
                {
                    Outcome<WorkflowDto>.Ok ok => TypedResults.Created($"/api/v1/workflows/{ok.Value.Id}", ok.Value),
                    Outcome<WorkflowDto>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    Outcome<WorkflowDto>.Conflict conflict => TypedResults.Conflict(OutcomeResults.ConflictProblem(conflict.Detail)),
                    _ => TypedResults.NotFound(),
                })
            .WithName("CreateWorkflow").WithSummary("Creates a workflow (disabled unless 'enabled': true). Every problem in the definition is named by its place.");
        admin.MapPut("/{id:guid}", async (Guid id, WorkflowRequest body, WorkflowAdmin h, ClaimsPrincipal user, CancellationToken ct) =>
                (await h.SaveAsync(id, body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("UpdateWorkflow").WithSummary("Saves a new version; runs already going finish on the version they started on. 'version' is required.");
        admin.MapPost("/validate", async (WorkflowRequest body, WorkflowAdmin h, CancellationToken ct) => (await h.ValidateAsync(body, ct)).ToHttp())
            .WithName("ValidateWorkflow").WithSummary("Checks a definition without saving it.");
        admin.MapPost("/{id:guid}/enable", async (Guid id, WorkflowAdmin h, ClaimsPrincipal user, CancellationToken ct) =>
                (await h.SetEnabledAsync(id, true, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("EnableWorkflow").WithSummary("Turns a workflow on.");
        admin.MapPost("/{id:guid}/disable", async (Guid id, WorkflowAdmin h, ClaimsPrincipal user, CancellationToken ct) =>
                (await h.SetEnabledAsync(id, false, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("DisableWorkflow").WithSummary("Turns a workflow off; runs already going finish.");
        admin.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, WorkflowAdmin h, CancellationToken ct) =>
                await h.DeleteAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("DeleteWorkflow").WithSummary("Deletes a workflow with its versions and runs.");
        admin.MapGet("/{id:guid}/runs", async (Guid id, WorkflowAdmin h, CancellationToken ct) => TypedResults.Ok(await h.RunsAsync(id, null, ct)))
            .WithName("ListWorkflowRuns").WithSummary("The latest 200 runs of a workflow.");
        admin.MapPost("/{id:guid}/dry-run", async (Guid id, DryRunRequest body, WorkflowAdmin h, CancellationToken ct) => (await h.DryRunAsync(id, body, ct)).ToHttp())
            .WithName("DryRunWorkflow").WithSummary("What the workflow would do for a record now, without doing it.");

        app.MapGet("/api/v1/workflow-runs/{id:guid}", async Task<Results<Ok<RunDto>, NotFound>> (Guid id, WorkflowAdmin h, CancellationToken ct) =>
                await h.RunAsync(id, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound())
            .WithTags("Automation").RequireAuthorization(Scopes.Admin)
            .WithName("GetWorkflowRun").WithSummary("One run with its log: trigger, conditions, each step's outcome, output, error and duration.");

        app.MapPost("/api/v1/workflow-runs/{id:guid}/retry", async (Guid id, RetryRequest? body, WorkflowAdmin h, ClaimsPrincipal user, CancellationToken ct) =>
                (await h.RetryAsync(id, body ?? new RetryRequest(null), Actor.FromPrincipal(user), ct)).ToHttp())
            .WithTags("Automation").RequireAuthorization(Scopes.Admin)
            .WithName("RetryWorkflowRun").WithSummary("Retries a failed run from the step it failed on (or 'stepId').");

        app.MapGet("/api/v1/cases/{id:guid}/workflow-runs", async Task<Results<Ok<IReadOnlyList<RunDto>>, NotFound>> (
                Guid id, GetCase cases, WorkflowAdmin h, ClaimsPrincipal user, CancellationToken ct) =>
                await cases.ByIdAsync(id, Actor.FromPrincipal(user), ct) is null ? TypedResults.NotFound() : TypedResults.Ok(await h.RunsAsync(null, id, ct)))
            .WithTags("Automation").RequireAuthorization(Scopes.CasesRead)
            .WithName("ListCaseWorkflowRuns").WithSummary("The workflow runs on one case, newest first.");

        var approvals = app.MapGroup("/api/v1/workflow-approvals").WithTags("Automation").RequireAuthorization(Scopes.CasesWrite);
        approvals.MapGet("/", async (Approvals h, ClaimsPrincipal user, CancellationToken ct) => TypedResults.Ok(await h.PendingForAsync(Actor.FromPrincipal(user), ct)))
            .WithName("ListMyApprovals").WithSummary("The pending approvals you may decide.");
        approvals.MapPost("/{id:guid}/approve", (Guid id, ApprovalDecision? body, Approvals h, ClaimsPrincipal user, CancellationToken ct) => DecideAsync(id, true, body, h, user, ct))
            .WithName("ApproveWorkflowStep").WithSummary("Approves; the run takes its 'approved' branch. 403 for someone who is not one of the step's approvers.");
        approvals.MapPost("/{id:guid}/reject", (Guid id, ApprovalDecision? body, Approvals h, ClaimsPrincipal user, CancellationToken ct) => DecideAsync(id, false, body, h, user, ct))
            .WithName("RejectWorkflowStep").WithSummary("Rejects; the run takes its 'rejected' branch. 403 for someone who is not one of the step's approvers.");

        var templates = app.MapGroup("/api/v1/email-templates").WithTags("Automation").RequireAuthorization(Scopes.Admin);
        templates.MapGet("/", async (TemplateAdmin h, CancellationToken ct) => TypedResults.Ok(await h.ListAsync(ct)))
            .WithName("ListEmailTemplates").WithSummary("Email templates (Liquid, fa and en).");
        templates.MapPut("/{key}", async (string key, TemplateRequest body, TemplateAdmin h, ClaimsPrincipal user, CancellationToken ct) =>
                (await h.SaveAsync(key, body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("SaveEmailTemplate").WithSummary("Creates or replaces a template; each part must parse.");
        templates.MapDelete("/{key}", async Task<Results<NoContent, NotFound>> (string key, TemplateAdmin h, CancellationToken ct) =>
                await h.DeleteAsync(key, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("DeleteEmailTemplate").WithSummary("Deletes a template.");
        templates.MapPost("/{key}/preview", async (string key, TemplatePreviewRequest body, TemplateAdmin h, CancellationToken ct) =>
                (await h.PreviewAsync(key, body, ct)).ToHttp())
            .WithName("PreviewEmailTemplate").WithSummary("Renders a template for a case (in the contact's language unless 'language' is given).");
        return app;
    }

    private static async Task<Results<Ok<ApprovalDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>, ProblemHttpResult>> DecideAsync(
        Guid id, bool approve, ApprovalDecision? body, Approvals h, ClaimsPrincipal user, CancellationToken ct)
    {
        var actor = Actor.FromPrincipal(user);
        switch (await h.AccessAsync(id, actor, ct))
        {
            case ApprovalAccess.Missing:
                return TypedResults.NotFound();
            case ApprovalAccess.NotAnApprover:
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "You are not one of this approval's approvers.");
        }

        return await h.DecideAsync(id, approve, body ?? new ApprovalDecision(null), actor, ct) switch
        {
            Outcome<ApprovalDto>.Ok ok => TypedResults.Ok(ok.Value),
            Outcome<ApprovalDto>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            Outcome<ApprovalDto>.Conflict conflict => TypedResults.Conflict(OutcomeResults.ConflictProblem(conflict.Detail)),
            _ => TypedResults.NotFound(),
        };
    }
}
