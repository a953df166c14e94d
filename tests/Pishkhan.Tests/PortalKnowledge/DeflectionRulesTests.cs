using Pishkhan.Features.Portal.Knowledge;

namespace Pishkhan.Tests.PortalKnowledge;

public sealed class DeflectionRulesTests
{
    private static readonly DateTime Now = new(2027, 3, 10, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid A = Guid.NewGuid();

    private static SessionFacts Session(int minutesAgo, bool submitted, bool opened) =>
        new(Guid.NewGuid(), Now.AddMinutes(-minutesAgo), submitted, [(A, opened)]);

    [Theory]
    [InlineData(30, false, true, SessionOutcome.Deflected)]
    [InlineData(29, false, true, SessionOutcome.Pending)]
    [InlineData(90, true, true, SessionOutcome.SubmittedAnyway)]
    [InlineData(90, false, false, SessionOutcome.NotOpened)]
    [InlineData(1, true, false, SessionOutcome.NotOpened)]
    public void Outcome_FollowsTheThirtyMinuteRule(int minutesAgo, bool submitted, bool opened, SessionOutcome expected) =>
        Assert.Equal(expected, DeflectionRules.Outcome(Session(minutesAgo, submitted, opened), Now));

    [Fact]
    public void Rate_LeavesPendingSessionsOut_AndIsNullWithoutDecidedSessions()
    {
        var (totals, articles) = DeflectionRules.Summarise([Session(40, false, true), Session(40, true, false), Session(5, false, true)], Now);
        Assert.Equal((3, 2, 1, 1, 0.5), (totals.Sessions, totals.WithOpened, totals.Deflected, totals.Pending, totals.DeflectionRate));
        Assert.Equal((3, 2, 1), (articles[0].Shown, articles[0].Opened, articles[0].Deflected));
        Assert.Null(DeflectionRules.Summarise([Session(5, false, true)], Now).Totals.DeflectionRate);
    }

    [Fact]
    public void RatedArticlesCookie_KeepsTheMostRecentIds()
    {
        var first = Guid.NewGuid();
        var cookie = RatedArticles.Add(null, first);
        Assert.True(RatedArticles.Contains(cookie, first));
        Assert.False(RatedArticles.Contains("garbage.!!", first));
        for (var i = 0; i < RatedArticles.Max; i++)
        {
            cookie = RatedArticles.Add(cookie, Guid.NewGuid());
        }

        Assert.False(RatedArticles.Contains(cookie, first));
        Assert.Equal(RatedArticles.Max, RatedArticles.Parse(cookie).Count);
    }
}
