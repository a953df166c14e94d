using System.Collections.Concurrent;
using NodaTime;

namespace Pishkhan.Calendar.Tests;

/// <summary>
/// The engine against <see cref="ReferenceCalendar"/>, a second-by-second model, on thousands of random calendars in
/// zones with unusual DST, in windows around their transitions.
/// </summary>
public class BruteForceTests
{
    private const int CalendarsPerZone = 300;
    private const int WindowSeconds = 2 * 86_400;
    private const int QueriesPerCalendar = 8;

    public static TheoryData<string> Zones() => [.. RandomCalendars.Zones];

    [Theory]
    [MemberData(nameof(Zones))]
    public void Engine_AgreesWithSecondBySecondReference_AroundDstTransitions(string zoneId)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var transitions = zone.GetZoneIntervals(Instant.FromUtc(2000, 1, 1, 0, 0), Instant.FromUtc(2030, 1, 1, 0, 0))
            .Where(i => i.HasStart).Select(i => i.Start).ToArray();
        Assert.NotEmpty(transitions);
        var failures = new ConcurrentBag<string>();
        var checkedQueries = 0;
        Parallel.For(0, CalendarsPerZone, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, index =>
        {
            var rng = new Random((Array.IndexOf(RandomCalendars.Zones, zoneId) * 100_003) + index);
            var transition = transitions[rng.Next(transitions.Length)];
            var windowStart = Instant.FromUnixTimeSeconds(transition.ToUnixTimeSeconds() - rng.Next(6 * 3600, 36 * 3600));
            var definition = RandomCalendars.Create(rng, zoneId, transition.InZone(zone).Date);
            var queries = Check(definition, windowStart, rng, failures);
            Interlocked.Add(ref checkedQueries, queries);
        });

        Assert.True(failures.IsEmpty, $"{failures.Count} disagreements, e.g.:\n" + string.Join("\n\n", failures.Take(3)));
        Assert.True(checkedQueries > CalendarsPerZone * QueriesPerCalendar, "The windows were too sparse to test anything.");
    }

    private static int Check(CalendarDefinition definition, Instant windowStart, Random rng, ConcurrentBag<string> failures)
    {
        var reference = new ReferenceCalendar(definition, windowStart, WindowSeconds);
        var engine = BusinessCalendar.Create(definition);
        var windowEnd = reference.At(WindowSeconds);
        var context = $"window {windowStart}..{windowEnd}\n{definition.ToJson()}";
        var queries = 0;

        void Expect<T>(T expected, T actual, string what)
        {
            queries++;
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
            {
                failures.Add($"{what}: expected {expected}, engine {actual}\n{context}");
            }
        }

        // Openness at every second of the window, compared run by run.
        var expectedRuns = reference.Runs().Select(r => new Interval(reference.At(r.Start), reference.At(r.End))).ToList();
        var actualRuns = engine.Intervals(windowStart, windowEnd);
        Expect(string.Join(", ", expectedRuns), string.Join(", ", actualRuns), "Intervals over the window");
        Expect(Duration.FromSeconds(reference.Between(0, WindowSeconds)), engine.Between(windowStart, windowEnd), "Between over the window");

        for (var q = 0; q < QueriesPerCalendar; q++)
        {
            var a = rng.Next(WindowSeconds);
            var b = rng.Next(WindowSeconds);
            var d = rng.Next(3) == 0 ? rng.Next(1, 60) : rng.Next(1, 12 * 3600);
            Expect(reference.IsOpen(a), engine.IsOpen(reference.At(a)), $"IsOpen({reference.At(a)})");
            Expect(Duration.FromSeconds(reference.Between(a, b)), engine.Between(reference.At(a), reference.At(b)), $"Between({reference.At(a)}, {reference.At(b)})");

            var added = OrBeyond(() => engine.Add(reference.At(a), Duration.FromSeconds(d)), Instant.MaxValue);
            if (reference.Add(a, d) is { } addIndex)
            {
                Expect(reference.At(addIndex), added, $"Add({reference.At(a)}, {d}s)");
            }
            else
            {
                Expect(true, added > windowEnd, $"Add({reference.At(a)}, {d}s) beyond the window");
            }

            var subtracted = OrBeyond(() => engine.Subtract(reference.At(b), Duration.FromSeconds(d)), Instant.MinValue);
            if (reference.Subtract(b, d) is { } subIndex)
            {
                Expect(reference.At(subIndex), subtracted, $"Subtract({reference.At(b)}, {d}s)");
            }
            else
            {
                Expect(true, subtracted < windowStart, $"Subtract({reference.At(b)}, {d}s) before the window");
            }

            if (reference.NextWhere(a, open: true) is { } open)
            {
                Expect(reference.At(open), engine.NextOpen(reference.At(a)), $"NextOpen({reference.At(a)})");
            }

            if (reference.NextWhere(a, open: false) is { } close)
            {
                Expect(reference.At(close), engine.NextClose(reference.At(a)), $"NextClose({reference.At(a)})");
            }
        }

        return queries;
    }

    /// <summary>The engine's answer, or <paramref name="beyond"/> when it reports that no working time is in reach.</summary>
    private static Instant OrBeyond(Func<Instant> query, Instant beyond)
    {
        try
        {
            return query();
        }
        catch (CalendarHorizonException)
        {
            return beyond;
        }
    }
}
