using BenchmarkDotNet.Attributes;
using NodaTime;
using Pishkhan.Calendar;

namespace Pishkhan.Calendar.Bench;

/// <summary>Creating the Tehran calendar with ten years of holidays and building all ten years of intervals.</summary>
[MemoryDiagnoser]
public class BuildBenchmarks
{
    private CalendarDefinition _definition = null!;

    [GlobalSetup]
    public void Setup() => _definition = TehranFixture.Definition(1412);

    /// <summary>Validate, compile, and precompute the intervals of the ten years 1403–1412.</summary>
    [Benchmark]
    public Duration CreateAndBuildTenYears()
    {
        var calendar = BusinessCalendar.Create(_definition);
        return calendar.Between(TehranFixture.RangeStart, TehranFixture.RangeStart + Duration.FromDays(3652));
    }
}
