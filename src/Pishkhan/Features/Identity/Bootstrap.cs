using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Identity;

public sealed class BootstrapOptions
{
    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }
    public string? ApiKey { get; set; }
}

/// <summary>
/// Makes sure someone can sign in on first start: the admin from <c>Pishkhan:Bootstrap</c> when configured (and an
/// admin API key with the given secret), otherwise <c>admin@pishkhan.local</c> with a random password that is printed
/// and kept in <c>admin-login.txt</c> in the data directory.
/// </summary>
public sealed class Bootstrap(UserManager<AppUser> users, IDbContextFactory<PishkhanDbContext> dbFactory, ApiKeys apiKeys, TimeProvider clock, ILogger<Bootstrap> logger)
{
    public const string DefaultAdminEmail = "admin@pishkhan.local";

    /// <summary>Returns the admin's email and, when it was just made or configured, the password to print.</summary>
    public async Task<(string Email, string? Password)> EnsureAdminAsync(BootstrapOptions options, string dataDirectory, CancellationToken ct)
    {
        var email = string.IsNullOrWhiteSpace(options.AdminEmail) ? DefaultAdminEmail : options.AdminEmail.Trim();
        var loginFile = Path.Combine(dataDirectory, "admin-login.txt");
        string? password = options.AdminPassword;
        var admin = await users.FindByEmailAsync(email);
        if (admin is null)
        {
            password ??= GeneratePassword();
            admin = new AppUser
            {
                UserName = email,
                Email = email,
                EmailConfirmed = true,
                DisplayName = "Admin",
                Role = UserRole.Admin,
                Language = UiLanguage.English,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            Check(await users.CreateAsync(admin, password));
            if (options.AdminPassword is null)
            {
                await File.WriteAllTextAsync(loginFile, $"{email}\n{password}\n", ct);
            }
        }
        else if (password is null && File.Exists(loginFile))
        {
            var lines = await File.ReadAllLinesAsync(loginFile, ct);
            password = lines.Length > 1 && await users.CheckPasswordAsync(admin, lines[1]) ? lines[1] : null;
        }

        if (!string.IsNullOrWhiteSpace(options.ApiKey))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var hash = ApiKeyAuthenticationHandler.HashOf(options.ApiKey);
            if (!await db.ApiKeys.AnyAsync(k => k.SecretHash == hash, ct))
            {
                await apiKeys.CreateAsync(new CreateApiKeyRequest("Bootstrap", [.. Scopes.All]), Actor.System, options.ApiKey.Trim(), ct);
                logger.LogInformation("Created the bootstrap admin API key.");
            }
        }

        return (email, password);
    }

    internal static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Could not create a user: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    private static string GeneratePassword() =>
        "Pk-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y') + "!7";
}
