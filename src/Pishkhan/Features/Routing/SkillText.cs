using System.Globalization;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Routing;

/// <summary>
/// Skills as an admin types them in one line: <c>language:fa=4, product:crm=2</c> (a skill without a level is level
/// 1; Persian digits and the Persian comma are fine). The level range and the skill's spelling are checked by
/// <see cref="RoutingAdmin"/> like any API request; this only splits the line.
/// </summary>
public static class SkillText
{
    public sealed record Result(IReadOnlyList<(string Skill, int Level)> Skills, IReadOnlyDictionary<string, string[]> Errors);

    public static Result Parse(string? text, string field)
    {
        var skills = new List<(string, int)>();
        var errors = new List<string>();
        foreach (var part in (text ?? "").Split([',', '،', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split('=', 2, StringSplitOptions.TrimEntries);
            var level = 1;
            if (pieces.Length == 2 && !int.TryParse(PersianText.ToLatinDigits(pieces[1]), NumberStyles.None, CultureInfo.InvariantCulture, out level))
            {
                errors.Add($"'{part}': the level after '=' must be a whole number from 1 to {RoutingAdmin.MaxSkillLevel}.");
                continue;
            }

            if (skills.Any(s => string.Equals(s.Item1, pieces[0], StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"'{pieces[0]}' is named twice.");
                continue;
            }

            skills.Add((pieces[0], level));
        }

        return new Result(skills, errors.Count == 0 ? new Dictionary<string, string[]>() : new Dictionary<string, string[]> { [field] = [.. errors] });
    }

    public static string Format(IEnumerable<(string Skill, int Level)> skills) =>
        string.Join(", ", skills.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Skill}={s.Level}")));
}
