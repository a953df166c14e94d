using Pishkhan.Features.Knowledge;

namespace Pishkhan.Tests.Knowledge;

public sealed class AttentionTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    private static AttentionFacts Published(int views = 5, int helpful = 0, int notHelpful = 0, DateTime? review = null, DateTime? publishedAt = null) =>
        new(ArticleStatus.Published, review, publishedAt ?? Now.AddDays(-30), null, views, helpful, notHelpful);

    [Fact]
    public void AHealthyArticle_NeedsNothing() => Assert.Empty(ArticleAttention.Reasons(Published(helpful: 4, notHelpful: 3, review: Now.AddDays(1)), Now));

    [Fact]
    public void ReviewDate_ComeOrPassed_IsDue()
    {
        Assert.Equal([AttentionReason.ReviewDue], ArticleAttention.Reasons(Published(review: Now), Now));
        Assert.Empty(ArticleAttention.Reasons(Published(review: Now.AddSeconds(1)), Now));
        Assert.Empty(ArticleAttention.Reasons(Published(review: Now.AddDays(-1)) with { Status = ArticleStatus.Archived }, Now));
    }

    [Theory]
    [InlineData(0, 3, true)]
    [InlineData(2, 3, true)]
    [InlineData(3, 3, false)]
    [InlineData(0, 2, false)]
    public void Unhelpful_NeedsThreeVotesAndMoreThanHelpful(int helpful, int notHelpful, bool flagged) =>
        Assert.Equal(flagged, ArticleAttention.Reasons(Published(helpful: helpful, notHelpful: notHelpful), Now).Contains(AttentionReason.RatedUnhelpful));

    [Fact]
    public void NeverViewed_OnlyAfterTwoWeeksPublished()
    {
        Assert.Equal([AttentionReason.NeverViewed], ArticleAttention.Reasons(Published(views: 0, publishedAt: Now.AddDays(-ArticleAttention.NeverViewedAfterDays)), Now));
        Assert.Empty(ArticleAttention.Reasons(Published(views: 0, publishedAt: Now.AddDays(-13)), Now));
        Assert.Empty(ArticleAttention.Reasons(Published(views: 1, publishedAt: Now.AddDays(-100)), Now));
    }

    [Fact]
    public void InReview_AwaitsApproval_UnlessAlreadyScheduled()
    {
        var inReview = new AttentionFacts(ArticleStatus.InReview, null, null, null, 0, 0, 0);
        Assert.Equal([AttentionReason.AwaitingApproval], ArticleAttention.Reasons(inReview, Now));
        Assert.Empty(ArticleAttention.Reasons(inReview with { PublishAt = Now.AddDays(1) }, Now));
    }
}

public sealed class ReplyTextTests
{
    [Fact]
    public void Insert_TitleSummaryAndLink_OnTheirOwnLines() =>
        Assert.Equal("VPN setup\nInstall the client.\nhttps://x/kb/vpn", ReplyText.For("VPN setup", " Install the client. ", "https://x/kb/vpn"));

    [Fact]
    public void Insert_WithoutSummaryOrLink_IsTheTitle() => Assert.Equal("VPN setup", ReplyText.For("VPN setup", null, null));

    [Theory]
    [InlineData(null, "A")]
    [InlineData("  ", "A")]
    [InlineData("Hello \n", "Hello\n\nA")]
    public void Append_AddsAfterABlankLine(string? reply, string expected) => Assert.Equal(expected, ReplyText.Append(reply, "A"));
}
