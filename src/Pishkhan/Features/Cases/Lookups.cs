using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Cases;

public sealed record UserRef(Guid Id, string Name, string Email, UserRole Role, IReadOnlyList<Guid> TeamIds, Guid? CalendarId = null);

/// <summary>A team; <c>CalendarId</c> null means it works by the default calendar.</summary>
public sealed record TeamRef(Guid Id, string Name, Guid? CalendarId = null);

public sealed record LookupLists(
    IReadOnlyList<StatusRef> Statuses,
    IReadOnlyList<CategoryRef> Categories,
    IReadOnlyList<TeamRef> Teams,
    IReadOnlyList<UserRef> Users);

/// <summary>The small reference lists forms and filters choose from: statuses, categories, teams, users.</summary>
public sealed class Lookups(IDbContextFactory<PishkhanDbContext> dbFactory)
{
    public async Task<LookupLists> LoadAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var statuses = await db.CaseStatuses.AsNoTracking().OrderBy(s => s.Position)
            .Select(s => new StatusRef(s.Id, s.Name, s.NameFa, s.Category)).ToListAsync(ct);
        var categories = await db.Categories.AsNoTracking().OrderBy(c => c.Name)
            .Select(c => new CategoryRef(c.Id, c.Name, c.NameFa)).ToListAsync(ct);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new TeamRef(t.Id, t.Name, t.CalendarId)).ToListAsync(ct);
        var users = await db.Users.AsNoTracking().Where(u => u.IsActive).OrderBy(u => u.DisplayName)
            .Select(u => new UserRef(u.Id, u.DisplayName, u.Email ?? "", u.Role, u.Teams.Select(t => t.TeamId).ToList(), u.CalendarId)).ToListAsync(ct);
        return new LookupLists(statuses, categories, teams, users);
    }
}

public static class LookupEndpoints
{
    public static IEndpointRouteBuilder MapLookupEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Reference lists").RequireAuthorization(Scopes.CasesRead);
        group.MapGet("/statuses", async Task<Ok<IReadOnlyList<StatusRef>>> (Lookups lookups, CancellationToken ct) => TypedResults.Ok((await lookups.LoadAsync(ct)).Statuses))
            .WithName("ListStatuses").WithSummary("Case statuses, each in its status category.");
        group.MapGet("/categories", async Task<Ok<IReadOnlyList<CategoryRef>>> (Lookups lookups, CancellationToken ct) => TypedResults.Ok((await lookups.LoadAsync(ct)).Categories))
            .WithName("ListCategories").WithSummary("Case categories.");
        group.MapGet("/teams", async Task<Ok<IReadOnlyList<TeamRef>>> (Lookups lookups, CancellationToken ct) => TypedResults.Ok((await lookups.LoadAsync(ct)).Teams))
            .WithName("ListTeams").WithSummary("Teams, each with its calendar (null: the default).");
        group.MapGet("/users", async Task<Ok<IReadOnlyList<UserRef>>> (Lookups lookups, CancellationToken ct) => TypedResults.Ok((await lookups.LoadAsync(ct)).Users))
            .WithName("ListUsers").WithSummary("Active users, with their roles, teams and calendar (null: the default).");
        return app;
    }
}
