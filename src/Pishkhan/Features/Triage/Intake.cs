using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Routing;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Triage;

/// <summary>A new case as intake sees it, before it is saved.</summary>
public sealed record IntakeCase(
    string Subject, string Description, CaseChannel Channel, Guid? CategoryId, string? Product, IReadOnlyList<string> Tags,
    Guid ContactId, string? AccountTier, Priority Priority, Guid? TeamId);

/// <summary>What intake decided, and a line for the timeline saying why (null when nothing was added).</summary>
public sealed record IntakeResult(Guid? CategoryId, string? Product, IReadOnlyList<string> Tags, string? Explanation);

/// <summary>
/// Categorises a new case inside <see cref="CreateCase"/>: the rules first; then, if still no category, the
/// classifier when it is confident enough. Runs before the case is saved, so routing sees the result.
/// </summary>
public sealed class Intake(CategorisationRules rules, CategoryClassifier classifier)
{
    public async Task<IntakeResult> CategoriseAsync(PishkhanDbContext db, IntakeCase c, CancellationToken ct)
    {
        var active = await rules.ActiveAsync(db, ct);
        var categoryId = c.CategoryId;
        var product = c.Product;
        IReadOnlyList<string> tags = c.Tags;
        var why = new List<string>();
        if (active.Count > 0)
        {
            var email = await db.ContactChannels.AsNoTracking()
                .Where(ch => ch.ContactId == c.ContactId && ch.Kind == ContactChannelKind.Email).Select(ch => ch.Value).FirstOrDefaultAsync(ct);
            var facts = CaseFacts.Of(
                new Case
                {
                    Subject = c.Subject,
                    Description = c.Description,
                    Channel = c.Channel,
                    CategoryId = c.CategoryId,
                    Product = c.Product,
                    Tags = c.Tags.ToList(),
                    Priority = c.Priority,
                    TeamId = c.TeamId,
                },
                email,
                c.AccountTier);
            var outcome = Categoriser.Apply(active, facts, c.Tags);
            (categoryId, product, tags) = (outcome.CategoryId, outcome.Product, outcome.Tags);
            if (outcome.AppliedRules.Count > 0)
            {
                why.Add($"rules: {string.Join(", ", outcome.AppliedRules)}");
            }
        }

        if (categoryId is null && await classifier.ForIntakeAsync(db, $"{c.Subject} {c.Description}", ct) is { } guess)
        {
            categoryId = guess.CategoryId;
            why.Add($"classifier: {guess.Confidence.ToString("P0", System.Globalization.CultureInfo.InvariantCulture)}");
        }

        return new IntakeResult(categoryId, product, tags, why.Count > 0 ? string.Join("; ", why) : null);
    }
}
