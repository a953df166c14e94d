using System.Buffers.Text;
using System.Security.Cryptography;
using Pishkhan.Platform.Api;

namespace Pishkhan.Features.Satisfaction;

/// <summary>The survey's rules, without I/O: the rating scale, the comment limit, the change window and the token.</summary>
public static class SurveyRules
{
    public const int MinRating = 1;
    public const int MaxRating = 5;
    public const int CommentMaxLength = 2000;

    /// <summary>How long after it is offered a survey can be answered and the answer changed.</summary>
    public static readonly TimeSpan ChangeWindow = TimeSpan.FromDays(7);

    /// <summary>Every problem with an answer, by field: a rating outside 1–5 (or none), a comment over the limit.</summary>
    public static FieldErrors Validate(int? rating, string? comment)
    {
        var errors = new FieldErrors();
        if (rating is null)
        {
            errors.Add("rating", $"'rating' is required: choose {MinRating} (very dissatisfied) to {MaxRating} (very satisfied).");
        }
        else if (rating is < MinRating or > MaxRating)
        {
            errors.Add("rating", $"'rating' must be a whole number from {MinRating} to {MaxRating}; {rating} is not.");
        }

        errors.MaxLength("comment", comment?.Trim(), CommentMaxLength);
        return errors;
    }

    /// <summary>Whether the answer can still be given or changed at <paramref name="now"/> (the window is half-open: [sent, until)).</summary>
    public static bool IsOpen(SatisfactionSurvey survey, DateTime now) => now < survey.ChangeableUntil;

    /// <summary>24 random bytes as 32 URL-safe characters: unguessable, and safe in a path segment.</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));

    /// <summary>Whether a text could be a token at all (so an obviously wrong one is refused without a query).</summary>
    public static bool LooksLikeToken(string? token) =>
        token is { Length: > 0 and <= 64 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Database instants are kept to the microsecond, which both providers store exactly.</summary>
    public static DateTime Micro(DateTime utc) => new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);
}
