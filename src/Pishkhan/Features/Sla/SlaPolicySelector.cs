using Pishkhan.Features.Cases;

namespace Pishkhan.Features.Sla;

/// <summary>What policy conditions may read on a case; <see cref="CategoryPath"/> is the case's category and its ancestors.</summary>
public sealed record SlaCaseFacts(
    Priority Priority,
    IReadOnlyList<Guid> CategoryPath,
    CaseChannel Channel,
    string? Product,
    string? AccountTier,
    IReadOnlyCollection<string> ContactTags,
    Guid? TeamId);

/// <summary>One condition of one policy, checked against a case.</summary>
public sealed record SlaConditionCheck(string Field, bool Matched, string Detail);

/// <summary>One policy as the selection saw it: matched or not, and why.</summary>
public sealed record SlaPolicyCheck(Guid PolicyId, string Name, int Position, bool Matched, string Summary, IReadOnlyList<SlaConditionCheck> Conditions);

/// <summary>The policy chosen for a case (null: none applies) and every policy checked on the way, in order.</summary>
public sealed record SlaSelection(SlaPolicyRules? Policy, IReadOnlyList<SlaPolicyCheck> Checks);

/// <summary>First-match policy selection with an explanation; pure.</summary>
public static class SlaPolicySelector
{
    public static SlaSelection Select(IEnumerable<SlaPolicyRules> policies, SlaCaseFacts facts)
    {
        var checks = new List<SlaPolicyCheck>();
        SlaPolicyRules? chosen = null;
        foreach (var policy in policies.OrderBy(p => p.Position).ThenBy(p => p.Name, StringComparer.Ordinal))
        {
            if (chosen is not null)
            {
                checks.Add(new SlaPolicyCheck(policy.Id, policy.Name, policy.Position, false, $"not checked: '{chosen.Name}' matched first", []));
                continue;
            }

            if (!policy.IsActive)
            {
                checks.Add(new SlaPolicyCheck(policy.Id, policy.Name, policy.Position, false, "inactive", []));
                continue;
            }

            var conditions = Check(policy.Conditions, facts);
            var matched = conditions.All(c => c.Matched);
            var summary = matched
                ? conditions.Count == 0 ? "matched: no conditions (fallback)" : "matched: every condition holds"
                : $"failed: {string.Join("; ", conditions.Where(c => !c.Matched).Select(c => c.Detail))}";
            checks.Add(new SlaPolicyCheck(policy.Id, policy.Name, policy.Position, matched, summary, conditions));
            if (matched)
            {
                chosen = policy;
            }
        }

        return new SlaSelection(chosen, checks);
    }

    private static List<SlaConditionCheck> Check(SlaConditions c, SlaCaseFacts facts)
    {
        var checks = new List<SlaConditionCheck>();
        void Add(string field, bool ok, string wanted, string actual) =>
            checks.Add(new SlaConditionCheck(field, ok, $"{field} {(ok ? "is" : "is not")} one of [{wanted}] (case: {actual})"));

        if (c.Priorities.Count > 0)
        {
            Add("priority", c.Priorities.Contains(facts.Priority), string.Join(", ", c.Priorities), facts.Priority.ToString());
        }

        if (c.CategoryIds.Count > 0)
        {
            Add("category", facts.CategoryPath.Any(c.CategoryIds.Contains), string.Join(", ", c.CategoryIds), facts.CategoryPath.Count == 0 ? "none" : facts.CategoryPath[0].ToString());
        }

        if (c.Channels.Count > 0)
        {
            Add("channel", c.Channels.Contains(facts.Channel), string.Join(", ", c.Channels), facts.Channel.ToString());
        }

        if (c.Products.Count > 0)
        {
            Add("product", facts.Product is { } p && c.Products.Contains(p, StringComparer.OrdinalIgnoreCase), string.Join(", ", c.Products), facts.Product ?? "none");
        }

        if (c.AccountTiers.Count > 0)
        {
            Add("accountTier", facts.AccountTier is { } t && c.AccountTiers.Contains(t, StringComparer.OrdinalIgnoreCase), string.Join(", ", c.AccountTiers), facts.AccountTier ?? "none");
        }

        if (c.ContactTags.Count > 0)
        {
            Add("contactTags", facts.ContactTags.Any(t => c.ContactTags.Contains(t, StringComparer.OrdinalIgnoreCase)), string.Join(", ", c.ContactTags), facts.ContactTags.Count == 0 ? "none" : string.Join(", ", facts.ContactTags));
        }

        if (c.TeamIds.Count > 0)
        {
            Add("team", facts.TeamId is { } team && c.TeamIds.Contains(team), string.Join(", ", c.TeamIds), facts.TeamId?.ToString() ?? "none");
        }

        return checks;
    }
}
