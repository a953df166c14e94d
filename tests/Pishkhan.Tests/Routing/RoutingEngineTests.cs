using Pishkhan.Features.Cases;
using Pishkhan.Features.Routing;
using Pishkhan.Platform.Api;

namespace Pishkhan.Tests.Routing;

public sealed class RoutingEngineTests
{
    private static readonly Guid Billing = Guid.CreateVersion7();
    private static readonly Guid Network = Guid.CreateVersion7();
    private static readonly KnownReferences Known = new(new HashSet<Guid> { Billing }, new HashSet<Guid> { Network });
    private static readonly DateTime T0 = new(2026, 11, 23, 8, 0, 0, DateTimeKind.Utc);

    private static CaseFacts Facts(string text = "", Priority priority = Priority.Medium, string? domain = null, Guid? category = null, params string[] tags) =>
        new(priority, CaseChannel.Email, category, null, null, tags, Pishkhan.Platform.Text.PersianText.NormalizeForSearch(text), domain,
            LanguageDetector.Detect(text), null);

    private static Func<CaseFacts, bool> Compile(params RoutingCondition[] conditions)
    {
        var errors = new FieldErrors();
        var predicate = RoutingConditions.Compile(conditions, "conditions", Known, errors);
        Assert.False(errors.Any, string.Join("; ", errors.ToDictionary().SelectMany(e => e.Value)));
        return predicate!;
    }

    [Theory]
    [InlineData("مشکل در فاكتور ماه قبل")]      // Arabic kaf
    [InlineData("مشکل در فاکتور ماه قبل")]      // Persian kaf
    [InlineData("مشکل در فاکتورِ ماه قبل")]     // with a kasra
    public void Keyword_rules_match_Persian_however_it_is_typed(string subject)
    {
        var rule = Compile(new RoutingCondition("keyword", "contains", ["فاکتور", "invoice"]));
        Assert.True(rule(Facts(subject)));
        Assert.False(rule(Facts("printer is on fire")));
    }

    [Fact]
    public void Keyword_rules_treat_zero_width_non_joiner_and_space_alike()
    {
        var rule = Compile(new RoutingCondition("keyword", "contains", ["نمی شود"]));
        Assert.True(rule(Facts("پرداخت انجام نمی‌شود")));
    }

    [Fact]
    public void All_conditions_of_a_rule_must_hold_and_any_value_of_a_condition_may()
    {
        var rule = Compile(
            new RoutingCondition("priority", "in", ["critical", "high"]),
            new RoutingCondition("senderDomain", "in", ["@bigcorp.ir", "example.com"]),
            new RoutingCondition("tag", "notIn", ["spam"]));
        Assert.True(rule(Facts(priority: Priority.High, domain: "bigcorp.ir")));
        Assert.False(rule(Facts(priority: Priority.Low, domain: "bigcorp.ir")));
        Assert.False(rule(Facts(priority: Priority.High, domain: "other.ir")));
        Assert.False(rule(Facts(priority: Priority.High, domain: "example.com", tags: "spam")));
    }

    [Fact]
    public void Language_is_detected_from_the_text()
    {
        var persian = Compile(new RoutingCondition("language", "in", ["fa"]));
        Assert.True(persian(Facts("سلام، سفارش ۱۲۳ من نرسیده است")));
        Assert.False(persian(Facts("Hello, my order 123 has not arrived")));
    }

    [Fact]
    public void Each_bad_item_is_named_and_nothing_compiles()
    {
        var errors = new FieldErrors();
        var predicate = RoutingConditions.Compile(
            [
                new RoutingCondition("prioritee", "in", ["high"]),
                new RoutingCondition("priority", "above", ["high"]),
                new RoutingCondition("category", "in", [Guid.NewGuid().ToString()]),
                new RoutingCondition("keyword", "matches", ["(unclosed"]),
                new RoutingCondition("channel", "in", []),
                new RoutingCondition("priority", "in", ["urgentish"]),
            ],
            "rules[3].conditions", Known, errors);

        Assert.Null(predicate);
        var byField = errors.ToDictionary();
        Assert.Contains("Unknown field 'prioritee'", byField["rules[3].conditions[0].field"][0], StringComparison.Ordinal);
        Assert.Contains("Unknown operator 'above'", byField["rules[3].conditions[1].operator"][0], StringComparison.Ordinal);
        Assert.Contains("No category has the id", byField["rules[3].conditions[2].values"][0], StringComparison.Ordinal);
        Assert.Contains("Not a valid pattern", byField["rules[3].conditions[3].values[0]"][0], StringComparison.Ordinal);
        Assert.Contains("At least one value", byField["rules[3].conditions[4].values"][0], StringComparison.Ordinal);
        Assert.Contains("'urgentish' is not a valid priority", byField["rules[3].conditions[5].values"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_matching_rule_wins_and_the_default_queue_catches_the_rest()
    {
        Guid billingQueue = Guid.NewGuid(), vipQueue = Guid.NewGuid(), defaultQueue = Guid.NewGuid();
        var rules = new[]
        {
            new CompiledRoutingRule(Guid.NewGuid(), "VIP", vipQueue, Compile(new RoutingCondition("senderDomain", "in", ["vip.ir"]))),
            new CompiledRoutingRule(Guid.NewGuid(), "Billing", billingQueue, Compile(new RoutingCondition("category", "in", [Billing.ToString()]))),
        };

        Assert.Equal(vipQueue, QueueRouter.Choose(Facts(domain: "vip.ir", category: Billing), rules, defaultQueue).QueueId);
        Assert.Equal(billingQueue, QueueRouter.Choose(Facts(category: Billing), rules, defaultQueue).QueueId);
        var fallback = QueueRouter.Choose(Facts("anything"), rules, defaultQueue);
        Assert.Equal(defaultQueue, fallback.QueueId);
        Assert.Null(fallback.RuleId);
    }

    [Fact]
    public void Round_robin_over_1000_cases_gives_each_of_10_equal_agents_100()
    {
        var agents = Enumerable.Range(0, 10).Select(i => Agent(capacity: 5)).ToList();
        var counts = agents.ToDictionary(a => a.Id, _ => 0);
        var rng = new Random(42);
        for (var i = 0; i < 1000; i++)
        {
            var chosen = AgentPicker.Choose(AssignmentStrategy.RoundRobin, [], 1, agents)!;
            counts[chosen.Id]++;
            var index = agents.FindIndex(a => a.Id == chosen.Id);
            agents[index] = chosen with { Load = chosen.Load + 1, LastAssignedAt = T0.AddSeconds(i) };

            // Agents finish cases at random, so loads differ while the rotation goes on.
            var finisher = rng.Next(agents.Count);
            if (agents[finisher].Load > 0 && rng.NextDouble() < 0.9)
            {
                agents[finisher] = agents[finisher] with { Load = agents[finisher].Load - 1 };
            }

            for (var j = 0; j < agents.Count; j++)
            {
                if (agents[j].Load == agents[j].Capacity)
                {
                    agents[j] = agents[j] with { Load = 0 }; // a full agent clears their desk before the next case
                }
            }
        }

        Assert.All(counts.Values, n => Assert.InRange(n, 99, 101));
        Assert.Equal(1000, counts.Values.Sum());
    }

    [Fact]
    public void Nobody_is_chosen_beyond_capacity_offline_away_or_outside_their_shift()
    {
        var full = Agent(capacity: 2, load: 2);
        var offline = Agent(presence: Presence.Offline);
        var away = Agent(presence: Presence.Away);
        var offShift = Agent(inShift: false);
        Assert.Null(AgentPicker.Choose(AssignmentStrategy.LeastLoaded, [], 1, [full, offline, away, offShift]));

        var free = Agent(capacity: 2, load: 1);
        Assert.Equal(free.Id, AgentPicker.Choose(AssignmentStrategy.LeastLoaded, [], 1, [full, offline, free])!.Id);
    }

    [Fact]
    public void Weighted_capacity_counts_a_critical_case_as_three()
    {
        Assert.Equal(3, CaseWeights.Of(Priority.Critical, weighted: true));
        Assert.Equal(1, CaseWeights.Of(Priority.Critical, weighted: false));
        var agent = Agent(capacity: 4, load: 2);
        Assert.Null(AgentPicker.Choose(AssignmentStrategy.RoundRobin, [], CaseWeights.Of(Priority.Critical, true), [agent]));
        Assert.NotNull(AgentPicker.Choose(AssignmentStrategy.RoundRobin, [], CaseWeights.Of(Priority.High, true), [agent]));
    }

    [Fact]
    public void Required_skills_filter_and_most_skilled_prefers_the_expert()
    {
        SkillRequirement[] needs = [new("language:fa", 3), new("product:crm", 1)];
        var novice = Agent(skills: new() { ["language:fa"] = 2, ["product:crm"] = 5 });
        var good = Agent(skills: new() { ["language:fa"] = 3, ["product:crm"] = 2 });
        var expert = Agent(skills: new() { ["language:fa"] = 5, ["product:crm"] = 4 }, load: 3);
        Assert.Equal(expert.Id, AgentPicker.Choose(AssignmentStrategy.MostSkilled, needs, 1, [novice, good, expert])!.Id);
        Assert.Equal(good.Id, AgentPicker.Choose(AssignmentStrategy.LeastLoaded, needs, 1, [novice, good, expert])!.Id);
        Assert.Null(AgentPicker.Choose(AssignmentStrategy.RoundRobin, needs, 1, [novice]));
    }

    [Fact]
    public void Least_loaded_compares_load_as_a_share_of_capacity()
    {
        var big = Agent(capacity: 10, load: 4);   // 40%
        var small = Agent(capacity: 2, load: 1);  // 50%
        Assert.Equal(big.Id, AgentPicker.Choose(AssignmentStrategy.LeastLoaded, [], 1, [small, big])!.Id);
    }

    private static AgentSnapshot Agent(
        int capacity = 5, int load = 0, Presence presence = Presence.Online, bool inShift = true, Dictionary<string, int>? skills = null) =>
        new(Guid.CreateVersion7(), presence, inShift, capacity, load, skills ?? [], null);
}
