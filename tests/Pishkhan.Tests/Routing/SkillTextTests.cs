using Pishkhan.Features.Routing;

namespace Pishkhan.Tests.Routing;

public sealed class SkillTextTests
{
    [Fact]
    public void A_line_of_skills_splits_on_Latin_and_Persian_commas_with_Persian_digits_for_levels()
    {
        var parsed = SkillText.Parse("language:fa=۴، product:crm = 2, triage", "skills");

        Assert.Empty(parsed.Errors);
        Assert.Equal([("language:fa", 4), ("product:crm", 2), ("triage", 1)], parsed.Skills);
        Assert.Equal("language:fa=4, product:crm=2, triage=1", SkillText.Format(parsed.Skills));
    }

    [Fact]
    public void A_level_that_is_not_a_number_or_a_skill_named_twice_is_an_error_under_the_field()
    {
        var parsed = SkillText.Parse("language:fa=high, product:crm=2, PRODUCT:CRM=3", "requiredSkills");

        var errors = Assert.Single(parsed.Errors);
        Assert.Equal("requiredSkills", errors.Key);
        Assert.Equal(2, errors.Value.Length);
        Assert.Contains("'language:fa=high'", errors.Value[0], StringComparison.Ordinal);
        Assert.Contains("named twice", errors.Value[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("returned|30|2", "returned", 30, "2")]
    [InlineData("escalated|3|Sara | Lead", "escalated", 3, "Sara | Lead")]
    public void Routing_events_read_back_their_kind_and_numbers(string body, string kind, int count, string detail) =>
        Assert.Equal((kind, count, detail), RoutingEventText.Parse(body));

    [Theory]
    [InlineData("")]
    [InlineData("returned|x|2")]
    [InlineData("returned|30|two")]
    [InlineData("moved|1|2")]
    public void Anything_else_is_not_a_routing_event(string body) => Assert.Null(RoutingEventText.Parse(body));
}
