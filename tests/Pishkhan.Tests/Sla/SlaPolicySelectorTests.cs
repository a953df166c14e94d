using Pishkhan.Features.Cases;
using Pishkhan.Features.Sla;

namespace Pishkhan.Tests.Sla;

public sealed class SlaPolicySelectorTests
{
    private static readonly Guid Billing = Guid.NewGuid();
    private static readonly Guid Invoices = Guid.NewGuid();
    private static readonly Guid Team = Guid.NewGuid();

    private static SlaPolicyRules Policy(string name, int position, SlaConditions? conditions = null, bool active = true) =>
        new(Guid.NewGuid(), name, position, active, null, true, false, conditions ?? new SlaConditions(), [], null, [], 0);

    private static SlaCaseFacts Facts(Priority priority = Priority.Medium, Guid[]? categoryPath = null, string? tier = null, string[]? tags = null, Guid? team = null) =>
        new(priority, categoryPath ?? [], CaseChannel.Email, "Router", tier, tags ?? [], team);

    [Fact]
    public void FirstMatchByPosition_Wins_AndLaterPoliciesAreNotChecked()
    {
        var vip = Policy("VIP", 2, new SlaConditions { AccountTiers = ["gold"] });
        var urgent = Policy("Urgent", 1, new SlaConditions { Priorities = [Priority.Critical, Priority.High] });
        var fallback = Policy("Standard", 3);

        var selection = SlaPolicySelector.Select([fallback, vip, urgent], Facts(Priority.High, tier: "Gold"));

        Assert.Equal("Urgent", selection.Policy!.Name);
        Assert.Equal(["Urgent", "VIP", "Standard"], selection.Checks.Select(c => c.Name));
        Assert.StartsWith("not checked", selection.Checks[1].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryConditionMustHold_AndTheExplanationNamesTheOneThatFailed()
    {
        var policy = Policy("Gold billing", 1, new SlaConditions { AccountTiers = ["gold"], CategoryIds = [Billing] });
        var selection = SlaPolicySelector.Select([policy, Policy("Standard", 2)], Facts(tier: "silver", categoryPath: [Invoices, Billing]));

        Assert.Equal("Standard", selection.Policy!.Name);
        var check = selection.Checks[0];
        Assert.False(check.Matched);
        Assert.Contains(check.Conditions, c => c is { Field: "category", Matched: true }); // an ancestor category matches
        Assert.Contains(check.Conditions, c => c is { Field: "accountTier", Matched: false });
        Assert.StartsWith("failed: accountTier", check.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void InactivePolicies_AreSkipped_TagsAndTiersIgnoreCase_NoMatchGivesNoPolicy()
    {
        var inactive = Policy("Off", 1, active: false);
        var tagged = Policy("Tagged", 2, new SlaConditions { ContactTags = ["VIP"], TeamIds = [Team] });

        Assert.Equal("Tagged", SlaPolicySelector.Select([inactive, tagged], Facts(tags: ["vip"], team: Team)).Policy!.Name);
        var none = SlaPolicySelector.Select([inactive, tagged], Facts(tags: ["vip"]));
        Assert.Null(none.Policy);
        Assert.Equal("inactive", none.Checks[0].Summary);
    }
}
