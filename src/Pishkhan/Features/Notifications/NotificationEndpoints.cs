using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Notifications;

/// <summary>
/// <c>/api/v1/me/notifications</c>: the signed-in user's own notifications (<c>cases:read</c>). An API key is not a
/// user and has none (404).
/// </summary>
public static class NotificationEndpoints
{
    public static IServiceCollection AddNotifications(this IServiceCollection services) => services
        .AddSingleton<NotificationInbox>()
        .AddSingleton<NotificationMailer>()
        .AddHostedService<NotificationMailerWorker>();

    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/me/notifications").WithTags("Notifications").RequireAuthorization(Scopes.CasesRead);

        me.MapGet("", async Task<Results<Ok<NotificationPage>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                bool? unread, int? page, int? pageSize, NotificationInbox inbox, ClaimsPrincipal user, CancellationToken ct) =>
                Actor.FromPrincipal(user).UserId is { } userId
                    ? (await inbox.ListAsync(userId, unread ?? false, page ?? 1, pageSize ?? 20, ct)).ToHttp()
                    : TypedResults.NotFound())
            .WithName("ListMyNotifications").WithSummary("Your notifications, newest first, with the unread count; 'unread=true' lists only unread ones.");
        me.MapPost("/{id:guid}/read", async Task<Results<Ok<NotificationDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                Guid id, NotificationInbox inbox, ClaimsPrincipal user, CancellationToken ct) =>
                Actor.FromPrincipal(user).UserId is { } userId ? (await inbox.MarkReadAsync(userId, id, ct)).ToHttp() : TypedResults.NotFound())
            .WithName("ReadNotification").WithSummary("Marks one of your notifications read.");
        me.MapPost("/read-all", async Task<Results<Ok<ReadAllResult>, NotFound>> (NotificationInbox inbox, ClaimsPrincipal user, CancellationToken ct) =>
                Actor.FromPrincipal(user).UserId is { } userId ? TypedResults.Ok(new ReadAllResult(await inbox.MarkAllReadAsync(userId, ct))) : TypedResults.NotFound())
            .WithName("ReadAllNotifications").WithSummary("Marks all your notifications read; answers how many were unread.");
        return app;
    }
}

public sealed record ReadAllResult(int Marked);
