using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Auditing;

namespace Pishkhan.Features.Calendars;

/// <summary>
/// <c>/api/v1/calendars</c>: anyone who reads cases may read calendars (agents see SLA timers computed on them);
/// changing them is an admin action, like API keys.
/// </summary>
public static class CalendarEndpoints
{
    public static IEndpointRouteBuilder MapCalendarEndpoints(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/v1/calendars").WithTags("Calendars").RequireAuthorization(Scopes.CasesRead);
        var admin = app.MapGroup("/api/v1/calendars").WithTags("Calendars").RequireAuthorization(Scopes.Admin);

        read.MapGet("/", async Task<Ok<IReadOnlyList<CalendarSummaryDto>>> (GetCalendars handler, CancellationToken ct) =>
                TypedResults.Ok(await handler.ListAsync(ct)))
            .WithName("ListCalendars").WithSummary("Lists calendars, the default first, with how many users and teams use each.");
        read.MapGet("/{id:guid}", async Task<Results<Ok<CalendarDto>, NotFound>> (Guid id, GetCalendars handler, CancellationToken ct) =>
                await handler.ByIdAsync(id, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound())
            .WithName("GetCalendar").WithSummary("Reads one calendar with its whole definition.");
        read.MapGet("/{id:guid}/usage", async Task<Results<Ok<CalendarUsage>, NotFound>> (Guid id, GetCalendars handler, CancellationToken ct) =>
                await handler.UsageAsync(id, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound())
            .WithName("GetCalendarUsage").WithSummary("The users and teams that use this calendar explicitly.");
        read.MapGet("/{id:guid}/audit", async Task<Results<Ok<IReadOnlyList<AuditEntryDto>>, NotFound>> (Guid id, GetCalendars handler, CancellationToken ct) =>
                await handler.AuditAsync(id, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound())
            .WithName("GetCalendarAudit").WithSummary("Every change to the calendar: who, when, field, before, after.");
        read.MapGet("/{id:guid}/preview", async Task<Results<Ok<CalendarPreview>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, string? from, double? hours, int? openings, PreviewCalendar handler, CancellationToken ct) =>
                (await handler.ForStoredAsync(id, from, hours, openings, ct)).ToHttp())
            .WithName("PreviewCalendar")
            .WithSummary("'hours' (default 4) of business time after 'from' (default now, ISO 8601), and the next 'openings' (default 10) working intervals.");
        read.MapGet("/iranian-holidays", () => TypedResults.Ok(IranianHolidaySetDto.Shipped))
            .WithName("ListIranianHolidays").WithSummary("Iran's official holidays shipped with Pishkhan (1403–1405), ready to merge into a definition.");

        admin.MapPost("/", async Task<Results<Created<CalendarDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                HttpRequest request, SaveCalendar handler, ClaimsPrincipal user, CancellationToken ct) =>
                await ReadAsync(request, ct) switch
                {
                    Outcome<CalendarRequest>.Ok body => await handler.SaveAsync(null, body.Value, Actor.FromPrincipal(user), ct) switch
                    {
                        Outcome<CalendarDto>.Ok ok => TypedResults.Created($"/api/v1/calendars/{ok.Value.Id}", ok.Value),
                        Outcome<CalendarDto>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                        Outcome<CalendarDto>.Conflict conflict => TypedResults.Conflict(OutcomeResults.ConflictProblem(conflict.Detail)),
                        _ => TypedResults.NotFound(),
                    },
                    Outcome<CalendarRequest>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
                })
            .Accepts<CalendarRequest>("application/json")
            .WithName("CreateCalendar").WithSummary("Creates a calendar; a definition with any invalid item is refused with each item named.");
        admin.MapPut("/{id:guid}", async Task<Results<Ok<CalendarDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, HttpRequest request, SaveCalendar handler, ClaimsPrincipal user, CancellationToken ct) =>
                await ReadAsync(request, ct) switch
                {
                    Outcome<CalendarRequest>.Ok body => (await handler.SaveAsync(id, body.Value, Actor.FromPrincipal(user), ct)).ToHttp(),
                    Outcome<CalendarRequest>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
                })
            .Accepts<CalendarRequest>("application/json")
            .WithName("UpdateCalendar").WithSummary("Replaces a calendar's name, description and definition; 'version' is required and a stale one gives 409.");
        admin.MapDelete("/{id:guid}", async Task<Results<NoContent, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, DeleteCalendar handler, ClaimsPrincipal user, CancellationToken ct) =>
                await handler.DeleteAsync(id, Actor.FromPrincipal(user), ct) switch
                {
                    Outcome<Guid>.Ok => TypedResults.NoContent(),
                    Outcome<Guid>.Conflict conflict => TypedResults.Conflict(OutcomeResults.ConflictProblem(conflict.Detail)),
                    Outcome<Guid>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => TypedResults.NotFound(),
                })
            .WithName("DeleteCalendar").WithSummary("Deletes a calendar; the default, or one users or teams still use, is refused with 409 naming them.");
        admin.MapPost("/{id:guid}/default", async Task<Results<Ok<CalendarDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, SetDefaultCalendar handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.HandleAsync(id, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("SetDefaultCalendar").WithSummary("Makes this the default calendar, which users and teams without their own follow.");
        admin.MapPost("/preview", async Task<Results<Ok<CalendarPreview>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                HttpRequest request, PreviewCalendar handler, CancellationToken ct) =>
                await ParseAsync(request, ct) switch
                {
                    Outcome<JsonElement>.Ok ok => PreviewRequestFrom(ok.Value) switch
                    {
                        Outcome<PreviewRequest>.Ok body => handler.ForDefinition(body.Value).ToHttp(),
                        Outcome<PreviewRequest>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                        var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
                    },
                    Outcome<JsonElement>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
                })
            .Accepts<PreviewRequest>("application/json")
            .WithName("PreviewCalendarDefinition").WithSummary("Previews an unsaved definition: 'hours' after 'from' and the next 'openings', or 400 naming each invalid item.");
        admin.MapPost("/import-ical", (ICalImportRequest body) => ImportICal.Read(body).ToHttp())
            .WithName("ImportICal").WithSummary("Reads an .ics file into holidays (all-day events, on exactly their dates) and breaks (timed events) to merge into a definition; stores nothing.");

        var teams = app.MapGroup("/api/v1").WithTags("Calendars").RequireAuthorization(Scopes.Admin);
        teams.MapPut("/teams/{id:guid}/calendar", async Task<Results<Ok<CalendarAssignmentDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, CalendarAssignmentRequest body, AssignCalendar handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.ForTeamAsync(id, body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("SetTeamCalendar").WithSummary("Gives a team its calendar; 'calendarId: null' makes it follow the default.");
        teams.MapPut("/users/{id:guid}/calendar", async Task<Results<Ok<CalendarAssignmentDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, CalendarAssignmentRequest body, AssignCalendar handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.ForUserAsync(id, body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("SetUserCalendar").WithSummary("Gives a user their calendar (shift); 'calendarId: null' makes them follow the default.");
        return app;
    }

    private static async Task<Outcome<CalendarRequest>> ReadAsync(HttpRequest request, CancellationToken ct) =>
        await ParseAsync(request, ct) switch
        {
            Outcome<JsonElement>.Ok ok => CalendarRequest.FromJson(ok.Value),
            Outcome<JsonElement>.Invalid invalid => new Outcome<CalendarRequest>.Invalid(invalid.Errors),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };

    private static Outcome<PreviewRequest> PreviewRequestFrom(JsonElement body)
    {
        var errors = new FieldErrors();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "The body must be a JSON object with 'definition' and optionally 'from', 'hours' and 'openings'.");
            return errors;
        }

        var request = new PreviewRequest(null);
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name.ToUpperInvariant())
            {
                case "DEFINITION":
                    request = request with { Definition = CalendarRequest.ReadDefinition(value, errors) };
                    break;
                case "FROM" when value.ValueKind is JsonValueKind.String or JsonValueKind.Null:
                    request = request with { From = value.ValueKind == JsonValueKind.String ? value.GetString() : null };
                    break;
                case "FROM":
                    errors.Add("from", "'from' must be an ISO 8601 instant in a string.");
                    break;
                case "HOURS" when value.ValueKind == JsonValueKind.Number:
                    request = request with { Hours = value.GetDouble() };
                    break;
                case "HOURS" when value.ValueKind != JsonValueKind.Null:
                    errors.Add("hours", "'hours' must be a number.");
                    break;
                case "OPENINGS" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n):
                    request = request with { Openings = n };
                    break;
                case "OPENINGS" when value.ValueKind != JsonValueKind.Null:
                    errors.Add("openings", "'openings' must be a whole number.");
                    break;
            }
        }

        return errors.Any ? errors : request;
    }

    private static async Task<Outcome<JsonElement>> ParseAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            var errors = new FieldErrors();
            errors.Add("body", $"The body is not valid JSON: {e.Message}");
            return errors;
        }
    }
}
