using BenchmarkDotNet.Attributes;
using NodaTime;
using Pishkhan.Calendar;

namespace Pishkhan.Calendar.Bench;

/// <summary>Add and Between throughput on the Tehran calendar; each invocation runs <see cref="Batch"/> queries.</summary>
[MemoryDiagnoser]
public class ArithmeticBenchmarks
{
    private const int Batch = 4096;

    private BusinessCalendar _calendar = null!;
    private Instant[] _starts = null!;
    private Instant[] _ends = null!;
    private Duration[] _durations = null!;

    [GlobalSetup]
    public void Setup()
    {
        _calendar = BusinessCalendar.Create(TehranFixture.Definition(1412));
        _starts = TehranFixture.Instants(Batch, 1);
        _ends = TehranFixture.Instants(Batch, 2);
        _durations = TehranFixture.Durations(Batch, 3);

        // Build every year the queries touch, so that the measurement is the steady state.
        for (var i = 0; i < Batch; i++)
        {
            _calendar.Add(_starts[i], _durations[i]);
            _calendar.Add(_starts[i], Duration.FromHours(10_000));
            _calendar.Between(_starts[i], _ends[i]);
        }
    }

    /// <summary>Random instants over five years, durations from 1 minute to 10,000 hours.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Instant AddMixedDurations()
    {
        var last = default(Instant);
        for (var i = 0; i < Batch; i++)
        {
            last = _calendar.Add(_starts[i], _durations[i]);
        }

        return last;
    }

    /// <summary>Between two random instants of the five years.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Duration BetweenRandomInstants()
    {
        var total = Duration.Zero;
        for (var i = 0; i < Batch; i++)
        {
            total = _calendar.Between(_starts[i], _ends[i]);
        }

        return total;
    }

    /// <summary>One business hour after random instants.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Baseline = true)]
    public Instant AddOneHour()
    {
        var last = default(Instant);
        var hour = Duration.FromHours(1);
        for (var i = 0; i < Batch; i++)
        {
            last = _calendar.Add(_starts[i], hour);
        }

        return last;
    }

    /// <summary>10,000 business hours (about four and a half years) after random instants.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Instant AddTenThousandHours()
    {
        var last = default(Instant);
        var hours = Duration.FromHours(10_000);
        for (var i = 0; i < Batch; i++)
        {
            last = _calendar.Add(_starts[i], hours);
        }

        return last;
    }
}
