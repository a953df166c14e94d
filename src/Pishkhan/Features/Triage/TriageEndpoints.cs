using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Triage;

/// <summary>
/// Triage configuration: the priority matrix (read by anyone who files cases, changed by admins), categorisation
/// rules and the classifier (admins; a suggestion may be asked by anyone who writes cases).
/// </summary>
public static class TriageEndpoints
{
    public static IEndpointRouteBuilder MapTriageEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1").WithTags("Triage").RequireAuthorization(Scopes.Admin);
        var read = app.MapGroup("/api/v1").WithTags("Triage").RequireAuthorization(Scopes.CasesRead);

        read.MapGet("/priority-matrix", async (PriorityMatrices matrices, CancellationToken ct) => TypedResults.Ok(await matrices.GetAsync(ct)))
            .WithName("GetPriorityMatrix").WithSummary("The urgency × impact matrix: levels (key, en, fa) most severe first, and the priority of each cell.");
        admin.MapPut("/priority-matrix", async (PriorityMatrixBody body, PriorityMatrices matrices, ClaimsPrincipal user, CancellationToken ct) =>
                (await matrices.SaveAsync(body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("SavePriorityMatrix").WithSummary("Replaces the matrix (2–5 levels per axis; 'version' required). Existing cases keep their priority until their urgency or impact change.");

        admin.MapGet("/categorisation-rules", async (CategorisationRules rules, CancellationToken ct) => TypedResults.Ok(await rules.ListAsync(ct)))
            .WithName("ListCategorisationRules").WithSummary("Categorisation rules in the order they are tried.");
        admin.MapPost("/categorisation-rules", async Task<Results<Created<CategorisationRuleDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                CategorisationRuleRequest body, CategorisationRules rules, ClaimsPrincipal user, CancellationToken ct) =>
                (await rules.SaveAsync(null, body, Actor.FromPrincipal(user), ct)) switch
                {
                    Outcome<CategorisationRuleDto>.Ok ok => TypedResults.Created($"/api/v1/categorisation-rules/{ok.Value.Id}", ok.Value),
                    Outcome<CategorisationRuleDto>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    Outcome<CategorisationRuleDto>.Conflict conflict => TypedResults.Conflict(OutcomeResults.ConflictProblem(conflict.Detail)),
                    _ => TypedResults.NotFound(),
                })
            .WithName("CreateCategorisationRule").WithSummary("Adds a rule; each unknown field, operator, value, category or bad pattern (with its error) is named in the 400.");
        admin.MapPut("/categorisation-rules/{id:guid}", async (Guid id, CategorisationRuleRequest body, CategorisationRules rules, ClaimsPrincipal user, CancellationToken ct) =>
                (await rules.SaveAsync(id, body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("UpdateCategorisationRule").WithSummary("Replaces a rule ('version' required; a stale one gives 409).");
        admin.MapDelete("/categorisation-rules/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, CategorisationRules rules, ClaimsPrincipal user, CancellationToken ct) =>
                await rules.DeleteAsync(id, Actor.FromPrincipal(user), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("DeleteCategorisationRule").WithSummary("Deletes a rule.");

        admin.MapGet("/classifier", async (CategoryClassifier classifier, CancellationToken ct) => TypedResults.Ok(await classifier.StatusAsync(ct)))
            .WithName("GetClassifier").WithSummary("The classifier's state (ready, notEnoughData with why, untrained), held-out accuracy, categories and threshold.");
        admin.MapPost("/classifier/train", async (CategoryClassifier classifier, ClaimsPrincipal user, CancellationToken ct) =>
                TypedResults.Ok(await classifier.TrainAsync(Actor.FromPrincipal(user), ct)))
            .WithName("TrainClassifier").WithSummary("Retrains now on resolved cases with a category; with too little data the state says what is missing and the old model stays.");
        admin.MapPut("/classifier/settings", async (ClassifierSettingsRequest body, CategoryClassifier classifier, ClaimsPrincipal user, CancellationToken ct) =>
                (await classifier.SaveSettingsAsync(body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("SaveClassifierSettings").WithSummary("threshold (0–1): the confidence at which intake applies the suggestion; applies: whether it may at all.");
        read.MapPost("/classifier/suggest", async (SuggestRequest body, CategoryClassifier classifier, CancellationToken ct) =>
                TypedResults.Ok(await classifier.SuggestAsync(body, ct)))
            .WithName("SuggestCategory").WithSummary("The category the classifier suggests for a subject and description, with its confidence.");
        return app;
    }
}
