using Pishkhan.Features.Triage;

namespace Pishkhan.Tests.Triage;

public sealed class ClassifierTrainingTests
{
    private static readonly Guid Billing = Guid.NewGuid();
    private static readonly Guid Network = Guid.NewGuid();

    internal static List<LabelledText> Generate(int perCategory, params (Guid Category, string[] Words)[] categories)
    {
        var random = new Random(7);
        string[] filler = ["لطفا", "سلام", "please", "help", "مشکل", "problem", "today", "امروز", "با", "the"];
        var cases = new List<LabelledText>();
        foreach (var (category, words) in categories)
        {
            for (var i = 0; i < perCategory; i++)
            {
                var text = string.Join(' ', Enumerable.Range(0, 8).Select(_ => random.Next(3) == 0 ? words[random.Next(words.Length)] : filler[random.Next(filler.Length)]));
                cases.Add(new LabelledText(Guid.NewGuid(), text + " " + words[random.Next(words.Length)], category));
            }
        }

        return cases;
    }

    [Fact]
    public void TooFewLabelledCases_SaysSoInsteadOfGuessing()
    {
        var result = ClassifierTraining.Train(Generate(20, (Billing, ["فاکتور"]), (Network, ["اینترنت"]))[..40]);
        Assert.Contains("at least 50", Assert.IsType<TrainingResult.NotEnoughData>(result).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void OneCategoryWithEnoughCases_IsNotEnough()
    {
        var cases = Generate(60, (Billing, ["فاکتور"])).Concat(Generate(9, (Network, ["اینترنت"]))).ToList();
        Assert.Contains("Only 1 categories", Assert.IsType<TrainingResult.NotEnoughData>(ClassifierTraining.Train(cases)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SeparableCategories_AreLearned_AndTheStoredModelPredictsThemWithConfidence()
    {
        var cases = Generate(60, (Billing, ["فاکتور", "پرداخت", "invoice", "refund"]), (Network, ["اینترنت", "قطعی", "router", "wifi"]));
        var trained = Assert.IsType<TrainingResult.Trained>(ClassifierTraining.Train(cases));
        Assert.True(trained.Accuracy > 0.8, $"held-out accuracy {trained.Accuracy}");
        Assert.Equal(cases.Count, trained.TrainingCases + trained.HeldOutCases);
        var loaded = new LoadedClassifier(trained.Model);
        var guess = loaded.Predict("اينترنت من قطع است و روتر چراغ ندارد router"); // Arabic yeh, normalised
        Assert.Equal(Network, guess!.Value.CategoryId);
        Assert.InRange(guess.Value.Confidence, 0.5, 1.0);
    }
}
