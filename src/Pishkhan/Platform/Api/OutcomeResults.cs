using Microsoft.AspNetCore.Http.HttpResults;

namespace Pishkhan.Platform.Api;

/// <summary>Maps use-case outcomes onto HTTP results: 400 problem details per field, 404, 409.</summary>
public static class OutcomeResults
{
    public static Results<Ok<T>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>> ToHttp<T>(this Outcome<T> outcome) => outcome switch
    {
        Outcome<T>.Ok ok => TypedResults.Ok(ok.Value),
        Outcome<T>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
        Outcome<T>.Conflict conflict => TypedResults.Conflict(ConflictProblem(conflict.Detail)),
        _ => TypedResults.NotFound(),
    };

    /// <summary>As <see cref="ToHttp{T}"/>, but a success is 201 Created with the new resource's address.</summary>
    public static Results<Created<T>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>> ToCreated<T>(this Outcome<T> outcome, Func<T, string> location) => outcome switch
    {
        Outcome<T>.Ok ok => TypedResults.Created(location(ok.Value), ok.Value),
        Outcome<T>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
        Outcome<T>.Conflict conflict => TypedResults.Conflict(ConflictProblem(conflict.Detail)),
        _ => TypedResults.NotFound(),
    };

    public static HttpValidationProblemDetails ConflictProblem(string detail) => new()
    {
        Status = StatusCodes.Status409Conflict,
        Title = "Conflict",
        Detail = detail,
    };
}
