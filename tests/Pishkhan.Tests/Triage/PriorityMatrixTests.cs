using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Routing;
using Pishkhan.Features.Triage;
using Pishkhan.Platform.Api;

namespace Pishkhan.Tests.Triage;

public sealed class PriorityMatrixTests
{
    private static readonly Level[] ThreeLevels = [Level.High, Level.Medium, Level.Low];

    [Fact]
    public void Default_EqualsTheOldFixedRule_ForEveryCell()
    {
        foreach (var u in ThreeLevels)
        {
            foreach (var i in ThreeLevels)
            {
                Assert.Equal(CaseRules.PriorityFrom(u, i), PriorityMatrix.Default.PriorityOf(u, i));
            }
        }
    }

    [Fact]
    public void Default_RoundTripsThroughItsApiBody()
    {
        var errors = new FieldErrors();
        var parsed = PriorityMatrix.Parse(PriorityMatrix.Default.ToBody(), errors);
        Assert.False(errors.Any);
        Assert.Equal(PriorityMatrix.Default.ToBody().Cells!.SelectMany(r => r), parsed!.ToBody().Cells!.SelectMany(r => r));
    }

    [Fact]
    public void Parse_NamesEveryBadItem()
    {
        var body = new PriorityMatrixBody(
            [new("high", "High", "زیاد")],
            [new("high", "High", "زیاد"), new("urgentish", "X", "ی"), new("low", "", "کم"), new("medium", "Medium", "متوسط")],
            [["critical"]]);
        var errors = new FieldErrors();
        Assert.Null(PriorityMatrix.Parse(body, errors));
        var e = errors.ToDictionary();
        Assert.Contains("2–5 levels", e["urgency"][0], StringComparison.Ordinal);
        Assert.Contains("'urgentish' is not a level", e["impact[1].level"][0], StringComparison.Ordinal);
        Assert.Contains("impact[2].en", e.Keys);
        Assert.Contains("most severe first", e["impact[3].level"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NamesAWrongShapeAndAnUnknownPriority()
    {
        var levels = new List<MatrixLevelBody?> { new("high", "H", "ز"), new("low", "L", "ک") };
        var errors = new FieldErrors();
        Assert.Null(PriorityMatrix.Parse(new PriorityMatrixBody(levels, levels, [["critical", "urgent"], ["low"], ["low", "low"]]), errors));
        var e = errors.ToDictionary();
        Assert.Contains("2 rows", e["cells"][0], StringComparison.Ordinal);
        Assert.Contains("'urgent' is not a priority", e["cells[0][1]"][0], StringComparison.Ordinal);
        Assert.Contains("cells[1]", e.Keys);
    }

    [Fact]
    public void FiveByTwo_GivesEachCellItsPriority_AndALevelOffTheAxisCountsAsTheNearest()
    {
        var body = new PriorityMatrixBody(
            [new("critical", "P1", "۱"), new("high", "P2", "۲"), new("medium", "P3", "۳"), new("low", "P4", "۴"), new("minimal", "P5", "۵")],
            [new("high", "Wide", "گسترده"), new("low", "Narrow", "محدود")],
            [["critical", "critical"], ["critical", "high"], ["high", "medium"], ["medium", "low"], ["low", "low"]]);
        var errors = new FieldErrors();
        var matrix = PriorityMatrix.Parse(body, errors)!;
        Assert.False(errors.Any);
        Assert.Equal(Priority.High, matrix.PriorityOf(Level.High, Level.Low));
        Assert.Equal(Priority.Low, matrix.PriorityOf(Level.Minimal, Level.High));
        // Impact Medium is not on the axis: between High and Low the tie goes to the more severe.
        Assert.Equal(Priority.Critical, matrix.PriorityOf(Level.High, Level.Medium));
        Assert.Equal(Level.Medium, PriorityMatrix.MiddleOf(matrix.Urgency));
        Assert.Equal(Level.High, PriorityMatrix.MiddleOf(matrix.Impact));
    }

    [Fact]
    public void Override_HoldsUntilUrgencyOrImpactChange_ThenTheMatrixDecides()
    {
        var m = PriorityMatrix.Default;
        Assert.Equal((Priority.Low, true), CasePriority.OnCreate(m, Level.High, Level.High, Priority.Low));
        Assert.Equal((Priority.Critical, false), CasePriority.OnCreate(m, Level.High, Level.High, Priority.Critical));
        Assert.Equal((Priority.Low, true), CasePriority.OnUpdate(m, Level.High, Level.High, Priority.Low, true, levelsChanged: false, null));
        Assert.Equal((Priority.High, false), CasePriority.OnUpdate(m, Level.High, Level.Medium, Priority.Low, true, levelsChanged: true, null));
        Assert.Equal((Priority.Low, true), CasePriority.OnUpdate(m, Level.High, Level.Medium, Priority.Low, true, levelsChanged: true, Priority.Low));
    }

    [Theory]
    [InlineData(UserRole.Agent, false)]
    [InlineData(UserRole.Supervisor, true)]
    [InlineData(UserRole.Admin, true)]
    public void OnlySupervisorsAdminsAndApiKeys_MayOverride(UserRole role, bool may)
    {
        Assert.Equal(may, CasePriority.MayOverride(new Actor(Guid.NewGuid(), null, "x", role, new HashSet<string>())));
        Assert.True(CasePriority.MayOverride(new Actor(null, Guid.NewGuid(), "key", UserRole.Agent, new HashSet<string>())));
    }
}

public sealed class CategoriserTests
{
    private static readonly Guid Billing = Guid.NewGuid();
    private static readonly KnownReferences Known = new(new HashSet<Guid> { Billing }, new HashSet<Guid>());

    private static CaseFacts Facts(string text, Guid? category = null, string? email = null) =>
        CaseFacts.Of(new Case { Subject = text, Description = "", CategoryId = category, Channel = CaseChannel.Email }, email, null);

    private static CompiledCategorisationRule Rule(string name, CategorisationRuleRequest request)
    {
        var errors = new FieldErrors();
        var rule = Categoriser.Compile(request, Guid.NewGuid(), Known, errors);
        Assert.False(errors.Any, string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {e.Value[0]}")));
        return rule! with { Name = name };
    }

    [Fact]
    public void FirstMatchSetsTheCategory_TagsOfAllMatchesAddUp_AndPersianIsMatchedHoweverTyped()
    {
        var rules = new[]
        {
            Rule("invoice", new("invoice", Conditions: [new("keyword", "contains", ["فاکتور"])], SetCategoryId: Billing, AddTags: ["billing"])),
            Rule("other", new("other", Conditions: [new("language", "in", ["fa"])], SetProduct: "Portal", AddTags: ["fa"])),
        };
        var result = Categoriser.Apply(rules, Facts("مشکل در فاكتور"), ["given"]); // Arabic kaf
        Assert.Equal(Billing, result.CategoryId);
        Assert.Equal("Portal", result.Product);
        Assert.Equal(["given", "billing", "fa"], result.Tags);
        Assert.Equal(["invoice", "other"], result.AppliedRules);
    }

    [Fact]
    public void ACategoryTheCaseArrivedWith_IsKept()
    {
        var given = Guid.NewGuid();
        var rules = new[] { Rule("r", new("r", Conditions: [new("senderDomain", "in", ["@acme.ir"])], SetCategoryId: Billing)) };
        Assert.Equal(given, Categoriser.Apply(rules, Facts("x", given, "a@ACME.ir"), []).CategoryId);
        Assert.Equal(Billing, Categoriser.Apply(rules, Facts("x", null, "a@acme.ir"), []).CategoryId);
        Assert.Null(Categoriser.Apply(rules, Facts("x", null, "a@other.ir"), []).CategoryId);
    }

    [Fact]
    public void ABadRule_IsRefusedWithEachItemNamed_TheRegexWithItsError()
    {
        var errors = new FieldErrors();
        var rule = Categoriser.Compile(
            new("", Conditions: [new("keyword", "matches", ["ok", "(unclosed"]), new("colour", "in", ["red"])], SetCategoryId: Guid.NewGuid()),
            Guid.NewGuid(), Known, errors);
        Assert.Null(rule);
        var e = errors.ToDictionary();
        Assert.Contains("name", e.Keys);
        Assert.Contains("Not a valid pattern", e["conditions[0].values[1]"][0], StringComparison.Ordinal);
        Assert.Contains("Unknown field 'colour'", e["conditions[1].field"][0], StringComparison.Ordinal);
        Assert.Contains("No category has the id", e["setCategoryId"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void ARuleThatChangesNothing_IsRefused()
    {
        var errors = new FieldErrors();
        Assert.Null(Categoriser.Compile(new("x", Conditions: [new("channel", "in", ["email"])]), Guid.NewGuid(), Known, errors));
        Assert.Contains("setCategoryId", errors.ToDictionary().Keys);
    }
}
