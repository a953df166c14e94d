using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Pishkhan.Features.Triage;

namespace Pishkhan.Triage.Bench;

/// <summary>
/// Training the category classifier on 20,000 generated cases (ML.NET, SDCA maximum entropy); about a minute per run, so
/// few runs. Run with <c>--inProcess</c>: the host project builds the migration projects, which BenchmarkDotNet's separate build cannot.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class TrainingBenchmarks
{
    private List<LabelledText> _cases = null!;

    [GlobalSetup]
    public void Setup() => _cases = GeneratedCases.Make(20_000);

    /// <summary>Featurise, split one in five off, train on the rest, evaluate on the held-out part and save the model.</summary>
    [Benchmark]
    public double Train20000() => ((TrainingResult.Trained)ClassifierTraining.Train(_cases)).Accuracy;
}

[InProcess]
/// <summary>One suggestion from a model trained on the 20,000 cases (what intake adds to a new case).</summary>
[MemoryDiagnoser]
public class SuggestBenchmarks
{
    private LoadedClassifier _classifier = null!;

    [GlobalSetup]
    public void Setup() => _classifier = new LoadedClassifier(((TrainingResult.Trained)ClassifierTraining.Train(GeneratedCases.Make(20_000))).Model);

    [Benchmark]
    public double SuggestOne() => _classifier.Predict("سلام، فاکتور ماه قبل دوبار از حساب من کم شده است. please refund")!.Value.Confidence;
}

/// <summary>
/// Cases in 12 categories, half Persian and half English: each text mixes words of its category with words shared by
/// all categories and a few words of another category (noise), so the task is not trivially separable.
/// </summary>
public static class GeneratedCases
{
    private static readonly string[][] CategoryWords =
    [
        ["فاکتور", "صورتحساب", "پرداخت", "بازپرداخت", "invoice", "billing", "refund", "charge"],
        ["اینترنت", "قطعی", "مودم", "روتر", "internet", "outage", "router", "modem"],
        ["رمز", "ورود", "حساب", "کاربری", "password", "login", "account", "locked"],
        ["ارسال", "مرسوله", "پیک", "تحویل", "shipping", "delivery", "parcel", "courier"],
        ["گارانتی", "تعمیر", "خرابی", "تعویض", "warranty", "repair", "broken", "replace"],
        ["قرارداد", "تمدید", "اشتراک", "پلن", "contract", "renewal", "subscription", "plan"],
        ["نصب", "راه‌اندازی", "نرم‌افزار", "نسخه", "install", "setup", "software", "version"],
        ["ایمیل", "پیام", "اعلان", "پیامک", "email", "message", "notification", "sms"],
        ["گزارش", "خروجی", "اکسل", "نمودار", "report", "export", "excel", "chart"],
        ["امنیت", "نفوذ", "ویروس", "مشکوک", "security", "breach", "virus", "suspicious"],
        ["همکاری", "نمایندگی", "فروش", "پیشنهاد", "partnership", "reseller", "sales", "quote"],
        ["شکایت", "نارضایتی", "رفتار", "کارشناس", "complaint", "unhappy", "behaviour", "agent"],
    ];

    private static readonly string[] Shared =
    [
        "سلام", "لطفا", "مشکل", "دارم", "امروز", "فوری", "با", "من", "است", "شده",
        "hello", "please", "problem", "have", "today", "urgent", "with", "my", "is", "the",
    ];

    public static List<LabelledText> Make(int count, int seed = 42)
    {
        var random = new Random(seed);
        var categories = Enumerable.Range(0, CategoryWords.Length).Select(i => new Guid(i + 1, 0, 0, new byte[8])).ToArray();
        var cases = new List<LabelledText>(count);
        for (var i = 0; i < count; i++)
        {
            var c = random.Next(CategoryWords.Length);
            var words = new List<string>();
            for (var w = 0; w < 12; w++)
            {
                var roll = random.Next(10);
                words.Add(roll < 3 ? CategoryWords[c][random.Next(CategoryWords[c].Length)]
                    : roll == 3 ? CategoryWords[random.Next(CategoryWords.Length)][random.Next(8)]
                    : Shared[random.Next(Shared.Length)]);
            }

            cases.Add(new LabelledText(Guid.CreateVersion7(), string.Join(' ', words), categories[c]));
        }

        return cases;
    }
}
