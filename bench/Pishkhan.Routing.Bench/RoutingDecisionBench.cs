using BenchmarkDotNet.Attributes;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Routing;
using Pishkhan.Platform.Api;

namespace Pishkhan.Routing.Bench;

/// <summary>
/// One routing decision as the service makes it, from a case in hand to the chosen agent: read the case's facts
/// (Persian normalisation, language detection), try 200 routing rules in order (the case matches only the 190th),
/// then work out for the 500 agents of the chosen queue whether each is in their shift (five shift calendars) and pick
/// one by the queue's strategy. Rules are compiled once (when they are loaded, as the service does); the database reads
/// that feed a decision are not part of it.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[InProcess] // the app project drags in migration projects that BenchmarkDotNet's generated build cannot restore
public class RoutingDecisionBench
{
    private const int RuleCount = 200;
    private const int QueueCount = 50;
    private const int AgentCount = 500;
    private const int MatchingRule = 189;

    private readonly Instant _now = Instant.FromUtc(2026, 11, 23, 8, 0); // 11:30 in Tehran, 09:00 in Berlin: a working Monday
    private Case _case = null!;
    private CompiledRoutingRule[] _rules = null!;
    private Guid[] _queues = null!;
    private (Guid Id, Presence Presence, BusinessCalendar Shift, int Capacity, int Load, Dictionary<string, int> Skills, DateTime? Last)[] _agents = null!;
    private SkillRequirement[] _required = null!;

    [Params(AssignmentStrategy.RoundRobin, AssignmentStrategy.MostSkilled)]
    public AssignmentStrategy Strategy { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1405);
        _queues = [.. Enumerable.Range(0, QueueCount).Select(_ => Guid.NewGuid())];
        var categories = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToHashSet();
        var teams = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToHashSet();
        var known = new KnownReferences(categories, teams);
        var products = new[] { "Mobile app", "Web panel", "Payments", "Shipping", "API" };
        string[] words = ["پرداخت", "درگاه", "ورود", "رمز", "ارسال", "مرجوعی", "فاکتور", "اشتراک", "refund", "invoice", "login", "crash"];

        _rules = new CompiledRoutingRule[RuleCount];
        for (var i = 0; i < RuleCount; i++)
        {
            // Each rule: a keyword list, a channel and a product; only rule 189 matches the case below.
            var matching = i == MatchingRule;
            List<RoutingCondition> conditions =
            [
                new("keyword", "contains", matching ? ["بازپرداخت", "refund"] : [words[random.Next(words.Length)] + i, "کلمه" + i]),
                new("channel", "in", matching ? ["Email", "Portal"] : ["Phone"]),
                new("product", "in", [matching ? "Payments" : products[random.Next(products.Length)]]),
                new("language", "in", ["fa"]),
            ];
            var errors = new FieldErrors();
            var compiled = RoutingConditions.Compile(conditions, $"rules[{i}]", known, errors)
                ?? throw new InvalidOperationException(string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
            _rules[i] = new CompiledRoutingRule(Guid.NewGuid(), $"Rule {i}", _queues[i % QueueCount], compiled);
        }

        _case = new Case
        {
            Number = "1405-000123",
            Subject = "درخواست بازپرداخت وجه سفارش",
            Description = "سلام، مبلغ سفارش دوبار از حسابم كم شده و مي‌خواهم بازپرداخت شود. لطفاً پيگيري كنيد.",
            Channel = CaseChannel.Email,
            Product = "Payments",
            Priority = Priority.High,
            Tags = ["vip"],
        };

        var shifts = new[]
        {
            Shift("Asia/Tehran", 8, 17), Shift("Asia/Tehran", 14, 22), Shift("Europe/Berlin", 9, 18),
            Shift("Europe/Berlin", 6, 14), Shift("Asia/Tehran", 0, 24),
        };
        _agents = new (Guid, Presence, BusinessCalendar, int, int, Dictionary<string, int>, DateTime?)[AgentCount];
        for (var i = 0; i < AgentCount; i++)
        {
            var skills = new Dictionary<string, int>(StringComparer.Ordinal)
            {
                ["language:fa"] = 1 + random.Next(5),
                ["language:en"] = 1 + random.Next(5),
                [$"product:{products[random.Next(products.Length)]}"] = 1 + random.Next(5),
            };
            _agents[i] = (Guid.NewGuid(), (Presence)random.Next(3), shifts[random.Next(shifts.Length)], 5 + random.Next(6),
                random.Next(8), skills, random.Next(4) == 0 ? null : new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc).AddSeconds(random.Next(30_000)));
        }

        _required = [new SkillRequirement("language:fa", 2)];
        if (Decide() is not { } chosen || chosen.QueueId != _queues[MatchingRule % QueueCount])
        {
            throw new InvalidOperationException("The fixture does not route the case as intended.");
        }
    }

    [Benchmark]
    public (Guid QueueId, Guid? AgentId)? Decide()
    {
        var facts = CaseFacts.Of(_case, "customer@shop.example", "gold");
        var (queueId, _) = QueueRouter.Choose(facts, _rules, _queues[0]);

        var snapshots = new AgentSnapshot[_agents.Length];
        for (var i = 0; i < _agents.Length; i++)
        {
            var a = _agents[i];
            snapshots[i] = new AgentSnapshot(a.Id, a.Presence, a.Shift.IsOpen(_now), a.Capacity, a.Load, a.Skills, a.Last);
        }

        var agent = AgentPicker.Choose(Strategy, _required, CaseWeights.Of(_case.Priority, weighted: true), snapshots);
        return (queueId, agent?.Id);
    }

    private static BusinessCalendar Shift(string zone, int from, int to)
    {
        TimeRange[] day = [new($"{from:00}:00", $"{to:00}:00")];
        return BusinessCalendar.Create(new CalendarDefinition
        {
            Zone = zone,
            Weekly = new WeeklyHours { Saturday = day, Sunday = day, Monday = day, Tuesday = day, Wednesday = day, Thursday = day },
        });
    }
}
