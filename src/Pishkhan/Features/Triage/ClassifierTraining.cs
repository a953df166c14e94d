using Microsoft.ML;
using Microsoft.ML.Data;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Triage;

/// <summary>One labelled example: a case's subject and description, and the category it was resolved under.</summary>
public sealed record LabelledText(Guid CaseId, string Text, Guid CategoryId);

/// <summary>What training produced: a model, or the reason there was too little data to learn from.</summary>
public abstract record TrainingResult
{
    public sealed record Trained(byte[] Model, int TrainingCases, int HeldOutCases, double Accuracy, IReadOnlyDictionary<Guid, int> Categories) : TrainingResult;

    public sealed record NotEnoughData(string Reason) : TrainingResult;
}

/// <summary>
/// Trains the category classifier with ML.NET: Persian-normalised text → word and character n-gram features →
/// SDCA maximum-entropy (multiclass logistic regression). One case in five, chosen by its id so the split is
/// stable, is held out and only used to measure accuracy; the stored model is the one that was measured.
/// </summary>
public static class ClassifierTraining
{
    public const int MinLabelledCases = 50;
    public const int MinCasesPerCategory = 10;
    public const int MinCategories = 2;

    /// <summary>Checks there is enough to learn from; categories with fewer than 10 cases are left out of training.</summary>
    public static TrainingResult? Insufficient(IReadOnlyList<LabelledText> cases, out List<LabelledText> usable)
    {
        var counts = cases.GroupBy(c => c.CategoryId).ToDictionary(g => g.Key, g => g.Count());
        var kept = counts.Where(c => c.Value >= MinCasesPerCategory).Select(c => c.Key).ToHashSet();
        usable = cases.Where(c => kept.Contains(c.CategoryId)).ToList();
        if (cases.Count < MinLabelledCases)
        {
            return new TrainingResult.NotEnoughData(
                $"Only {cases.Count} resolved cases have a category; at least {MinLabelledCases} are needed before the classifier can learn.");
        }

        if (kept.Count < MinCategories)
        {
            return new TrainingResult.NotEnoughData(
                $"Only {kept.Count} categories have at least {MinCasesPerCategory} resolved cases; at least {MinCategories} are needed.");
        }

        return null;
    }

    public static TrainingResult Train(IReadOnlyList<LabelledText> cases, int seed = 1)
    {
        if (Insufficient(cases, out var usable) is { } notEnough)
        {
            return notEnough;
        }

        var ml = new MLContext(seed);
        var rows = usable.Select(c => new CaseText { Text = Normalise(c.Text), Label = c.CategoryId.ToString() }).ToList();
        var heldOut = usable.Select(c => IsHeldOut(c.CaseId)).ToList();
        var train = rows.Where((_, i) => !heldOut[i]).ToList();
        var test = rows.Where((_, i) => heldOut[i]).ToList();
        if (test.Count == 0 || train.Select(r => r.Label).Distinct().Count() < MinCategories)
        {
            return new TrainingResult.NotEnoughData("The held-out split left too little to train or to measure on; add more resolved, categorised cases.");
        }

        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Text.FeaturizeText("Features", nameof(CaseText.Text)))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var trainData = ml.Data.LoadFromEnumerable(train);
        var model = pipeline.Fit(trainData);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(test)));
        using var stream = new MemoryStream();
        ml.Model.Save(model, trainData.Schema, stream);
        return new TrainingResult.Trained(
            stream.ToArray(), train.Count, test.Count, metrics.MicroAccuracy,
            usable.GroupBy(c => c.CategoryId).ToDictionary(g => g.Key, g => g.Count()));
    }

    /// <summary>Roughly one case in five, decided by the id alone so retraining holds out the same cases.</summary>
    public static bool IsHeldOut(Guid caseId)
    {
        var bytes = caseId.ToByteArray();
        return (bytes[^1] ^ bytes[^2] ^ bytes[3]) % 5 == 0;
    }

    public static string Normalise(string text) => PersianText.NormalizeForSearch(text);
}

/// <summary>A loaded model answering one text at a time; ML.NET's prediction engine is not thread-safe, so calls take turns.</summary>
public sealed class LoadedClassifier
{
    private readonly PredictionEngine<CaseText, CategoryPrediction> _engine;
    private readonly Lock _gate = new();

    public LoadedClassifier(byte[] model)
    {
        var ml = new MLContext();
        using var stream = new MemoryStream(model);
        var transformer = ml.Model.Load(stream, out _);
        _engine = ml.Model.CreatePredictionEngine<CaseText, CategoryPrediction>(transformer);
    }

    /// <summary>The most likely category and the model's probability for it (0–1).</summary>
    public (Guid CategoryId, double Confidence)? Predict(string text)
    {
        CategoryPrediction prediction;
        lock (_gate)
        {
            prediction = _engine.Predict(new CaseText { Text = ClassifierTraining.Normalise(text) });
        }

        return Guid.TryParse(prediction.PredictedLabel, out var id) && prediction.Score.Length > 0
            ? (id, prediction.Score.Max())
            : null;
    }
}

/// <summary>ML.NET's input row.</summary>
public sealed class CaseText
{
    public string Text { get; set; } = "";
    public string Label { get; set; } = "";
}

/// <summary>ML.NET's output row: the predicted label and one probability per known category.</summary>
public sealed class CategoryPrediction
{
    [ColumnName("PredictedLabel")]
    public string PredictedLabel { get; set; } = "";

    public float[] Score { get; set; } = [];
}
