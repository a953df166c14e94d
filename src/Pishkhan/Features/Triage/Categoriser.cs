using Pishkhan.Features.Cases;
using Pishkhan.Features.Routing;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Triage;

/// <summary>A categorisation rule ready to run: its conditions compiled once, its actions checked.</summary>
public sealed record CompiledCategorisationRule(
    Guid Id, string Name, Func<CaseFacts, bool> Matches, Guid? SetCategoryId, string? SetProduct, IReadOnlyList<string> AddTags);

/// <summary>What the rules decided for a new case, and which rules did it (for the timeline).</summary>
public sealed record Categorisation(Guid? CategoryId, string? Product, IReadOnlyList<string> Tags, IReadOnlyList<string> AppliedRules);

/// <summary>
/// Runs categorisation rules on a new case. Every matching rule is applied in order: the first one that sets a
/// category sets it, likewise the product, and the tags of all of them are added. What the case arrived with
/// (a category or product chosen by the person or integration filing it) is never overwritten.
/// </summary>
public static class Categoriser
{
    public static Categorisation Apply(IReadOnlyList<CompiledCategorisationRule> rules, CaseFacts facts, IReadOnlyList<string> tags)
    {
        var categoryId = facts.CategoryId;
        var product = facts.Product;
        var allTags = new List<string>(tags);
        var applied = new List<string>();
        foreach (var rule in rules)
        {
            if (!rule.Matches(facts))
            {
                continue;
            }

            var did = false;
            if (categoryId is null && rule.SetCategoryId is { } category)
            {
                categoryId = category;
                did = true;
            }

            if (product is null && rule.SetProduct is { } setProduct)
            {
                product = setProduct;
                did = true;
            }

            foreach (var tag in rule.AddTags)
            {
                if (allTags.Count < CaseRules.MaxTags && !allTags.Contains(tag, StringComparer.OrdinalIgnoreCase))
                {
                    allTags.Add(tag);
                    did = true;
                }
            }

            if (did)
            {
                applied.Add(rule.Name);
            }
        }

        return new Categorisation(categoryId, product, allTags, applied);
    }

    /// <summary>
    /// Checks a rule: the name, each condition (unknown field, operator or value, a category that does not exist, a
    /// pattern that does not compile — each named by its path), the category it sets, its product and tags.
    /// </summary>
    public static CompiledCategorisationRule? Compile(CategorisationRuleRequest request, Guid id, KnownReferences known, FieldErrors errors)
    {
        errors.Required("name", request.Name);
        errors.MaxLength("name", request.Name?.Trim(), 200);
        var test = RoutingConditions.Compile(request.Conditions, "conditions", known, errors);
        if (request.Conditions is null || request.Conditions.Count == 0)
        {
            errors.Add("conditions", "At least one condition is required; a rule without one would categorise every case.");
        }

        if (request.SetCategoryId is { } category && !known.Categories.Contains(category))
        {
            errors.Add("setCategoryId", $"No category has the id '{category}'.");
        }

        errors.MaxLength("setProduct", request.SetProduct?.Trim(), 200);
        CaseRules.ValidateTags(errors, "addTags", request.AddTags);
        var tags = CaseRules.CleanTags(request.AddTags ?? []);
        var product = string.IsNullOrWhiteSpace(request.SetProduct) ? null : request.SetProduct.Trim();
        if (request.SetCategoryId is null && product is null && tags.Count == 0)
        {
            errors.Add("setCategoryId", "A rule must set a category, a product or at least one tag.");
        }

        return errors.Any || test is null ? null : new CompiledCategorisationRule(id, request.Name!.Trim(), test, request.SetCategoryId, product, tags);
    }
}

/// <summary>A categorisation rule as the API takes it.</summary>
public sealed record CategorisationRuleRequest(
    string? Name,
    int? Position = null,
    List<RoutingCondition>? Conditions = null,
    Guid? SetCategoryId = null,
    string? SetProduct = null,
    List<string>? AddTags = null,
    bool IsActive = true,
    int? Version = null);

public sealed record CategorisationRuleDto(
    Guid Id, string Name, int Position, bool IsActive, IReadOnlyList<RoutingCondition> Conditions, Guid? SetCategoryId, string? SetProduct,
    IReadOnlyList<string> AddTags, int Version);
