using Pishkhan.Features.Reports;

namespace Pishkhan.Tests.Reports;

/// <summary>Holt-Winters on synthetic series whose future is known.</summary>
public sealed class VolumeForecastTests
{
    private static readonly double[] Week = [5, 10, 12, 11, 10, 9, 2];

    private static List<double> Series(int days, Func<int, double> f) => [.. Enumerable.Range(0, days).Select(f)];

    [Fact]
    public void ConstantSeries_ForecastsTheConstant_WithNoBandAndNoError()
    {
        var result = VolumeForecast.Forecast(Series(70, _ => 10), handlingHours: 0.8);

        Assert.Equal(28, result.Days.Count);
        Assert.All(result.Days, d =>
        {
            Assert.Equal(10, d.Expected, 9);
            Assert.Equal(10, d.Low, 9);
            Assert.Equal(10, d.High, 9);
            Assert.Equal(1, d.AgentsNeeded, 9); // 10 cases × 0.8 h ÷ 8 h
        });
        Assert.Equal(0, result.BacktestMape!.Value, 9);
        Assert.Null(result.Message);
    }

    [Fact]
    public void PureWeeklyPattern_IsRepeatedExactly()
    {
        var result = VolumeForecast.Forecast(Series(84, t => Week[t % 7]), handlingHours: 1);

        // 84 days = 12 whole weeks, so the forecast starts on the pattern's first day again.
        Assert.Equal(Enumerable.Range(0, 28).Select(i => Week[i % 7]), result.Days.Select(d => Math.Round(d.Expected, 6)));
        Assert.Equal(0, result.BacktestMape!.Value, 9);
    }

    [Fact]
    public void TrendPlusSeason_IsFollowedWithinThreePercent()
    {
        double Truth(int t) => 100 + (2 * t) + (3 * Week[t % 7]);
        var result = VolumeForecast.Forecast(Series(140, Truth), handlingHours: 0);

        foreach (var day in result.Days)
        {
            var truth = Truth(139 + day.DayIndex);
            Assert.InRange(day.Expected, truth * 0.97, truth * 1.03);
        }

        Assert.InRange(result.BacktestMape!.Value, 0, 0.03);
    }

    [Fact]
    public void NoisySeries_TheBandWidensWithTheHorizonAndHoldsTheMean()
    {
        var random = new Random(42);
        var result = VolumeForecast.Forecast(Series(140, t => 50 + Week[t % 7] + (random.NextDouble() * 6) - 3), handlingHours: 0);

        Assert.True(result.Days[^1].High - result.Days[^1].Low > result.Days[0].High - result.Days[0].Low);
        Assert.All(result.Days, d => Assert.InRange(d.Expected, d.Low, d.High));
        Assert.InRange(result.BacktestMape!.Value, 0.001, 0.1);
    }

    [Fact]
    public void TooLittleHistory_SaysSoPlainly()
    {
        var none = VolumeForecast.Forecast(Series(10, _ => 3), handlingHours: 1);
        Assert.Empty(none.Days);
        Assert.Equal("Too little history for a forecast: 10 days of cases, at least 14 are needed.", none.Message);

        var noBacktest = VolumeForecast.Forecast(Series(30, _ => 3), handlingHours: 1);
        Assert.Equal(28, noBacktest.Days.Count);
        Assert.Null(noBacktest.BacktestMape);
        Assert.Contains("70 days", noBacktest.Message);
    }

    [Fact]
    public void Backtest_SkipsDaysWithNoCases()
    {
        // Every Friday is zero; a perfectly weekly series still back-tests at 0% error without dividing by zero.
        var result = VolumeForecast.Backtest(Series(84, t => t % 7 == 6 ? 0 : 10));
        Assert.Equal(0, result!.Value, 9);
        Assert.Null(VolumeForecast.Backtest(Series(84, _ => 0)));
    }
}
