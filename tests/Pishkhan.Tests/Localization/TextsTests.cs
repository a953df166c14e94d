using System.Text.RegularExpressions;
using Pishkhan.Features.Cases;
using Pishkhan.Localization;

namespace Pishkhan.Tests.Localization;

public sealed partial class TextsTests
{
    private static readonly string[] EventFields = ["status", "owner", "team", "priority"];

    [Fact]
    public void EveryText_HasBothLanguages()
    {
        foreach (var (key, (en, fa)) in Texts.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(en), $"{key} has no English");
            Assert.False(string.IsNullOrWhiteSpace(fa), $"{key} has no Persian");
        }
    }

    [Fact]
    public void EveryKeyTheComponentsUse_Exists()
    {
        var components = Path.Combine(RepoRoot(), "src", "Pishkhan", "Components");
        var used = Directory.EnumerateFiles(components, "*.razor", SearchOption.AllDirectories)
            .SelectMany(f => LiteralKey().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();
        Assert.NotEmpty(used);
        var missing = used.Where(k => !Texts.All.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "Missing texts: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryEnumValueShown_HasAText()
    {
        var keys = Enum.GetNames<Priority>().Select(n => $"priority.{n}")
            .Concat(Enum.GetNames<Level>().Select(n => $"level.{n}"))
            .Concat(Enum.GetNames<CaseChannel>().Select(n => $"channel.{n}"))
            .Concat(Enum.GetNames<TimelineKind>().Select(n => $"timeline.{n}"))
            .Concat(EventFields.Select(f => $"timeline.field.{f}"));
        var missing = keys.Where(k => !Texts.All.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "Missing texts: " + string.Join(", ", missing));
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pishkhan.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }

    [GeneratedRegex("T\\[\"([^\"]+)\"\\]")]
    private static partial Regex LiteralKey();
}
