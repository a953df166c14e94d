namespace Pishkhan.Features.Portal.Knowledge;

/// <summary>What the report knows of one form session: when it was last active, whether it was submitted, and each suggested article (opened or not).</summary>
public sealed record SessionFacts(Guid FormId, DateTime LastActivityAt, bool Submitted, IReadOnlyList<(Guid ArticleId, bool Opened)> Suggestions);

public enum SessionOutcome
{
    /// <summary>No suggestion was opened (submitted or not): the knowledge base played no part.</summary>
    NotOpened,

    /// <summary>A suggestion was opened and the request was submitted all the same.</summary>
    SubmittedAnyway,

    /// <summary>A suggestion was opened and nothing was submitted for <see cref="DeflectionRules.Window"/>: the article answered.</summary>
    Deflected,

    /// <summary>A suggestion was opened less than <see cref="DeflectionRules.Window"/> ago and nothing was submitted yet: undecided.</summary>
    Pending,
}

public sealed record DeflectionTotals(int Sessions, int WithOpened, int Submitted, int SubmittedAnyway, int Deflected, int Pending, double? DeflectionRate);

public sealed record DeflectionArticleCounts(Guid ArticleId, int Shown, int Opened, int Deflected);

/// <summary>
/// The deflection rule (پیشگیری از ثبت درخواست): a form session is <em>deflected</em> when one of its suggested
/// articles was opened and no request was submitted from it for <see cref="Window"/> after its last activity (the
/// last suggestion shown or opened). Until then it is pending. The rate is deflected ÷ decided sessions (every
/// session shown a suggestion, less the pending ones). Pure: the report feeds it what the database holds.
/// </summary>
public static class DeflectionRules
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(30);

    public static SessionOutcome Outcome(SessionFacts session, DateTime now)
    {
        if (!session.Suggestions.Any(s => s.Opened))
        {
            return SessionOutcome.NotOpened;
        }

        if (session.Submitted)
        {
            return SessionOutcome.SubmittedAnyway;
        }

        return now - session.LastActivityAt >= Window ? SessionOutcome.Deflected : SessionOutcome.Pending;
    }

    public static (DeflectionTotals Totals, IReadOnlyList<DeflectionArticleCounts> Articles) Summarise(IReadOnlyCollection<SessionFacts> sessions, DateTime now)
    {
        var outcomes = sessions.Select(s => (Session: s, Outcome: Outcome(s, now))).ToList();
        int Count(SessionOutcome o) => outcomes.Count(x => x.Outcome == o);
        var deflected = Count(SessionOutcome.Deflected);
        var pending = Count(SessionOutcome.Pending);
        var decided = sessions.Count - pending;
        var totals = new DeflectionTotals(
            sessions.Count,
            outcomes.Count(x => x.Outcome != SessionOutcome.NotOpened),
            sessions.Count(s => s.Submitted),
            Count(SessionOutcome.SubmittedAnyway),
            deflected,
            pending,
            decided == 0 ? null : Math.Round((double)deflected / decided, 4));
        var articles = outcomes
            .SelectMany(x => x.Session.Suggestions.Select(s => (s.ArticleId, s.Opened, x.Outcome)))
            .GroupBy(x => x.ArticleId)
            .Select(g => new DeflectionArticleCounts(g.Key, g.Count(), g.Count(x => x.Opened), g.Count(x => x.Opened && x.Outcome == SessionOutcome.Deflected)))
            .OrderByDescending(a => a.Opened).ThenByDescending(a => a.Deflected).ThenByDescending(a => a.Shown).ThenBy(a => a.ArticleId)
            .ToList();
        return (totals, articles);
    }
}
