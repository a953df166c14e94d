using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Triage;

/// <summary>Where the classifier stands: <c>ready</c>, <c>notEnoughData</c> (with why) or <c>untrained</c>.</summary>
public sealed record ClassifierStatusDto(
    string State,
    string? Message,
    int LabelledCases,
    DateTime? TrainedAt,
    int TrainingCases,
    int HeldOutCases,
    double? Accuracy,
    IReadOnlyList<ClassifierCategoryDto> Categories,
    double Threshold,
    bool Applies);

public sealed record ClassifierCategoryDto(Guid Id, string Name, string NameFa, int Cases);

public sealed record ClassifierSettingsRequest(double? Threshold, bool? Applies);

public sealed record SuggestRequest(string? Subject, string? Description);

/// <summary>A suggestion; <c>CategoryId</c> is null when there is no model yet, and <c>WouldApply</c> says whether intake would set it.</summary>
public sealed record SuggestionDto(string State, string? Message, CategoryRef? Category, double? Confidence, bool WouldApply);

/// <summary>
/// The learned category classifier (دسته‌بند یادگیرنده): trains on the organisation's resolved cases that have a
/// category, keeps each model in the database (the newest is used, so a restart or another node loads it), suggests
/// a category with a confidence, and on intake sets it when the confidence reaches the admin's threshold.
/// </summary>
public sealed class CategoryClassifier(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock, ILogger<CategoryClassifier> log) : IDisposable
{
    private static readonly TimeSpan CheckForNewModelEvery = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _training = new(1, 1);
    private (Guid? ModelId, LoadedClassifier? Classifier, double Threshold, bool Applies, DateTimeOffset CheckedAt)? _loaded;
    private string? _lastShortage;

    public async Task<ClassifierStatusDto> StatusAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var settings = await db.TriageSettings.AsNoTracking().FirstOrDefaultAsync(ct) ?? new TriageSettings();
        var labelled = await Labelled(db).CountAsync(ct);
        var model = await db.ClassifierModels.AsNoTracking().OrderByDescending(m => m.TrainedAt)
            .Select(m => new { m.TrainedAt, m.TrainingCases, m.HeldOutCases, m.Accuracy, m.CategoriesJson }).FirstOrDefaultAsync(ct);
        if (model is null)
        {
            var shortage = _lastShortage ?? ShortageOf(await LabelledAsync(db, ct));
            return new ClassifierStatusDto(
                shortage is null ? "untrained" : "notEnoughData", shortage ?? "Not trained yet; train it now or wait for the scheduled retraining.",
                labelled, null, 0, 0, null, [], settings.ClassifierThreshold, settings.ClassifierApplies);
        }

        var counts = JsonSerializer.Deserialize<Dictionary<Guid, int>>(model.CategoriesJson) ?? [];
        var names = await db.Categories.AsNoTracking().Where(c => counts.Keys.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var categories = counts.Select(c => names.TryGetValue(c.Key, out var n)
                ? new ClassifierCategoryDto(c.Key, n.Name, n.NameFa, c.Value)
                : new ClassifierCategoryDto(c.Key, "?", "?", c.Value))
            .OrderByDescending(c => c.Cases).ToList();
        return new ClassifierStatusDto(
            "ready", _lastShortage, labelled, model.TrainedAt, model.TrainingCases, model.HeldOutCases, model.Accuracy, categories,
            settings.ClassifierThreshold, settings.ClassifierApplies);
    }

    /// <summary>
    /// Trains on every resolved case with a category and stores the model. With too little data nothing is stored,
    /// the previous model (if any) stays in use, and the status says what is missing.
    /// </summary>
    public async Task<ClassifierStatusDto> TrainAsync(Actor actor, CancellationToken ct = default)
    {
        await _training.WaitAsync(ct);
        try
        {
            List<LabelledText> cases;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                cases = await LabelledAsync(db, ct);
            }

            var result = await Task.Run(() => ClassifierTraining.Train(cases), ct);
            switch (result)
            {
                case TrainingResult.NotEnoughData shortage:
                    _lastShortage = shortage.Reason;
                    if (log.IsEnabled(LogLevel.Information))
                    {
                        log.LogInformation("Classifier not trained: {Reason}", shortage.Reason);
                    }

                    break;
                case TrainingResult.Trained trained:
                    _lastShortage = null;
                    await using (var db = await dbFactory.CreateDbContextAsync(ct))
                    {
                        var now = clock.GetUtcNow().UtcDateTime;
                        db.ClassifierModels.Add(new ClassifierModel
                        {
                            TrainedAt = now.AddTicks(-(now.Ticks % 10)),
                            Model = trained.Model,
                            TrainingCases = trained.TrainingCases,
                            HeldOutCases = trained.HeldOutCases,
                            Accuracy = trained.Accuracy,
                            CategoriesJson = JsonSerializer.Serialize(trained.Categories),
                            TrainedBy = actor.Name,
                        });
                        // Older models are only history; keep a few for comparison.
                        var old = await db.ClassifierModels.OrderByDescending(m => m.TrainedAt).Skip(4).Select(m => m.Id).ToListAsync(ct);
                        await db.ClassifierModels.Where(m => old.Contains(m.Id)).ExecuteDeleteAsync(ct);
                        await db.SaveChangesAsync(ct);
                    }

                    _loaded = null;
                    if (log.IsEnabled(LogLevel.Information))
                    {
                        log.LogInformation("Classifier trained on {Cases} cases, held-out accuracy {Accuracy:P1}", trained.TrainingCases, trained.Accuracy);
                    }

                    break;
            }
        }
        finally
        {
            _training.Release();
        }

        return await StatusAsync(ct);
    }

    public async Task<Outcome<ClassifierStatusDto>> SaveSettingsAsync(ClassifierSettingsRequest request, Actor actor, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (request.Threshold is < 0 or > 1 || request.Threshold is { } t && double.IsNaN(t))
        {
            errors.Add("threshold", "'threshold' is a confidence between 0 and 1 (e.g. 0.8).");
        }

        if (request.Threshold is null && request.Applies is null)
        {
            errors.Add("threshold", "Send 'threshold', 'applies' or both.");
        }

        if (errors.Any)
        {
            return errors;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var settings = await db.TriageSettings.FirstOrDefaultAsync(ct);
        if (settings is null)
        {
            settings = new TriageSettings();
            db.TriageSettings.Add(settings);
        }

        settings.ClassifierThreshold = request.Threshold ?? settings.ClassifierThreshold;
        settings.ClassifierApplies = request.Applies ?? settings.ClassifierApplies;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new Outcome<ClassifierStatusDto>.Conflict("The triage settings were changed by someone else while you were saving; try again.");
        }

        _loaded = null;

        return await StatusAsync(ct);
    }

    public async Task<SuggestionDto> SuggestAsync(SuggestRequest request, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var classifier = await ClassifierAsync(db, ct);
        if (classifier is null)
        {
            var status = await StatusAsync(ct);
            return new SuggestionDto(status.State, status.Message, null, null, false);
        }

        var settings = await db.TriageSettings.AsNoTracking().FirstOrDefaultAsync(ct) ?? new TriageSettings();
        if (classifier.Predict($"{request.Subject} {request.Description}") is not { } guess)
        {
            return new SuggestionDto("ready", "The model gave no answer for this text.", null, null, false);
        }

        var category = await db.Categories.AsNoTracking().Where(c => c.Id == guess.CategoryId)
            .Select(c => new CategoryRef(c.Id, c.Name, c.NameFa)).FirstOrDefaultAsync(ct);
        return new SuggestionDto("ready", null, category, guess.Confidence,
            category is not null && settings.ClassifierApplies && guess.Confidence >= settings.ClassifierThreshold);
    }

    /// <summary>For intake: the category to set, or null when there is no model, it is switched off, or it is not sure enough.</summary>
    public async Task<(Guid CategoryId, double Confidence)?> ForIntakeAsync(PishkhanDbContext db, string text, CancellationToken ct)
    {
        await ClassifierAsync(db, ct);
        if (_loaded is not { Applies: true, Classifier: { } classifier } loaded
            || classifier.Predict(text) is not { } guess || guess.Confidence < loaded.Threshold)
        {
            return null;
        }

        return await db.Categories.AnyAsync(c => c.Id == guess.CategoryId, ct) ? guess : null;
    }

    /// <summary>The newest model and the settings, looked up at most every 30 s (intake asks on every case).</summary>
    private async Task<LoadedClassifier?> ClassifierAsync(PishkhanDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_loaded is { } loaded && now - loaded.CheckedAt < CheckForNewModelEvery)
        {
            return loaded.Classifier;
        }

        var settings = await db.TriageSettings.AsNoTracking().FirstOrDefaultAsync(ct) ?? new TriageSettings();
        var newest = await db.ClassifierModels.AsNoTracking().OrderByDescending(m => m.TrainedAt).Select(m => (Guid?)m.Id).FirstOrDefaultAsync(ct);
        var classifier = _loaded is { } same && same.ModelId == newest ? same.Classifier
            : newest is null ? null
            : new LoadedClassifier(await db.ClassifierModels.AsNoTracking().Where(m => m.Id == newest).Select(m => m.Model).FirstAsync(ct));
        _loaded = (newest, classifier, settings.ClassifierThreshold, settings.ClassifierApplies, now);
        return classifier;
    }

    public void Dispose() => _training.Dispose();

    private static IQueryable<Case> Labelled(PishkhanDbContext db) => db.Cases.Where(c => c.ResolvedAt != null && c.CategoryId != null);

    private static async Task<List<LabelledText>> LabelledAsync(PishkhanDbContext db, CancellationToken ct) =>
        (await Labelled(db).AsNoTracking().Select(c => new { c.Id, c.Subject, c.Description, c.CategoryId }).ToListAsync(ct))
        .Select(c => new LabelledText(c.Id, $"{c.Subject} {c.Description}", c.CategoryId!.Value)).ToList();

    private static string? ShortageOf(List<LabelledText> cases) =>
        ClassifierTraining.Insufficient(cases, out _) is TrainingResult.NotEnoughData n ? n.Reason : null;
}

/// <summary>Retrains the classifier on a schedule (<c>Pishkhan:Triage:RetrainHours</c>, default 24; 0 turns it off).</summary>
public sealed class ClassifierWorker(CategoryClassifier classifier, IConfiguration configuration, TimeProvider clock, ILogger<ClassifierWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hours = configuration.GetValue("Pishkhan:Triage:RetrainHours", 24.0);
        if (hours <= 0)
        {
            return;
        }

        var every = TimeSpan.FromHours(hours);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, clock, stoppingToken);
                await classifier.TrainAsync(Actor.System, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Scheduled classifier training failed; it will be tried again in {Hours} h.", hours);
            }
        }
    }
}
