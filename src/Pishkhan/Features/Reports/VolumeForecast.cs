namespace Pishkhan.Features.Reports;

/// <summary>One forecast day: expected cases, an approximate 95% band, and the agents that volume needs.</summary>
public sealed record ForecastDay(int DayIndex, double Expected, double Low, double High, double AgentsNeeded);

/// <summary>
/// The forecast answer. <see cref="Message"/> says plainly when there was too little history (then <see cref="Days"/> is
/// empty) or too little for the back-test (then <see cref="BacktestMape"/> is null).
/// </summary>
public sealed record ForecastResult(
    IReadOnlyList<ForecastDay> Days,
    double? BacktestMape,
    double Alpha,
    double Beta,
    double Gamma,
    int HistoryDays,
    string? Message);

/// <summary>
/// Holt-Winters additive smoothing with weekly seasonality (period 7) on a daily series, in pure code. Smoothing
/// parameters are chosen by a grid search that minimises the one-step-ahead squared error on the history.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Start: level = mean of the first week, trend = (mean of week 2 − mean of week 1) ÷ 7, season = first week − level.</item>
/// <item>Band: ± 1.96 σ √(1 + (h − 1) α²), σ the root mean square of the one-step errors; an approximation, clipped at 0.</item>
/// <item>Back-test: for each of the last 8 weeks, fit on everything before it and forecast its 7 days; MAPE is the mean
/// of |actual − forecast| ÷ actual over those 56 days, days with no cases left out (a percentage of zero is undefined).</item>
/// <item>Staffing: expected cases × handling hours ÷ productive hours per agent per day.</item>
/// </list>
/// </remarks>
public static class VolumeForecast
{
    public const int Season = 7;
    public const int Horizon = 28;
    public const int BacktestWeeks = 8;

    /// <summary>Two weeks start the model; the back-test needs them before its 8 weeks.</summary>
    public const int MinimumHistory = 2 * Season;

    public const int BacktestHistory = MinimumHistory + (BacktestWeeks * Season);

    private static readonly double[] Grid = [.. Enumerable.Range(0, 10).Select(i => 0.05 + (0.1 * i))];

    /// <param name="history">Cases per day, oldest first, ending with the last complete day.</param>
    /// <param name="handlingHours">Average handling time per case, in hours (0 when unknown: no staffing).</param>
    /// <param name="agentHoursPerDay">Productive hours one agent gives in a day.</param>
    public static ForecastResult Forecast(IReadOnlyList<double> history, double handlingHours, double agentHoursPerDay = 8)
    {
        if (history.Count < MinimumHistory)
        {
            return new ForecastResult([], null, 0, 0, 0, history.Count,
                $"Too little history for a forecast: {history.Count} days of cases, at least {MinimumHistory} are needed.");
        }

        var (alpha, beta, gamma) = Fit(history);
        var run = Run(history, alpha, beta, gamma, Horizon);
        var sigma = run.Residuals.Count == 0 ? 0 : Math.Sqrt(run.Residuals.Average(e => e * e));
        var days = run.Forecast.Select((f, i) =>
        {
            var expected = Math.Max(0, f);
            var half = 1.96 * sigma * Math.Sqrt(1 + (i * alpha * alpha));
            var agents = agentHoursPerDay > 0 ? expected * handlingHours / agentHoursPerDay : 0;
            return new ForecastDay(i + 1, expected, Math.Max(0, f - half), Math.Max(0, f + half), agents);
        }).ToList();

        double? mape = null;
        string? message = null;
        if (history.Count >= BacktestHistory)
        {
            mape = Backtest(history);
        }
        else
        {
            message = $"The back-test needs {BacktestHistory} days of history ({history.Count} so far), so its error is not shown yet.";
        }

        return new ForecastResult(days, mape, alpha, beta, gamma, history.Count, message);
    }

    /// <summary>Mean absolute percentage error of week-ahead forecasts over the last 8 weeks; null when every actual day was zero.</summary>
    public static double? Backtest(IReadOnlyList<double> history)
    {
        var errors = new List<double>();
        for (var week = BacktestWeeks; week >= 1; week--)
        {
            var cut = history.Count - (week * Season);
            var train = history.Take(cut).ToList();
            var (a, b, g) = Fit(train);
            var forecast = Run(train, a, b, g, Season).Forecast;
            for (var d = 0; d < Season; d++)
            {
                var actual = history[cut + d];
                if (actual > 0)
                {
                    errors.Add(Math.Abs(actual - Math.Max(0, forecast[d])) / actual);
                }
            }
        }

        return errors.Count == 0 ? null : errors.Average();
    }

    private static (double Alpha, double Beta, double Gamma) Fit(IReadOnlyList<double> y)
    {
        var best = (Alpha: Grid[0], Beta: Grid[0], Gamma: Grid[0]);
        var bestError = double.MaxValue;
        foreach (var a in Grid)
        {
            foreach (var b in Grid)
            {
                foreach (var g in Grid)
                {
                    var error = Run(y, a, b, g, 0).Residuals.Sum(e => e * e);
                    if (error < bestError - 1e-9)
                    {
                        bestError = error;
                        best = (a, b, g);
                    }
                }
            }
        }

        return best;
    }

    private sealed record Pass(List<double> Residuals, List<double> Forecast);

    private static Pass Run(IReadOnlyList<double> y, double alpha, double beta, double gamma, int horizon)
    {
        var first = y.Take(Season).Average();
        var second = y.Skip(Season).Take(Season).Average();
        var level = first;
        var trend = (second - first) / Season;
        var season = y.Take(Season).Select(v => v - first).ToArray();
        var residuals = new List<double>(y.Count);
        for (var t = Season; t < y.Count; t++)
        {
            var s = season[t % Season];
            var predicted = level + trend + s;
            residuals.Add(y[t] - predicted);
            var previousLevel = level;
            level = (alpha * (y[t] - s)) + ((1 - alpha) * (level + trend));
            trend = (beta * (level - previousLevel)) + ((1 - beta) * trend);
            season[t % Season] = (gamma * (y[t] - level)) + ((1 - gamma) * s);
        }

        var forecast = new List<double>(horizon);
        for (var h = 1; h <= horizon; h++)
        {
            forecast.Add(level + (h * trend) + season[(y.Count + h - 1) % Season]);
        }

        return new Pass(residuals, forecast);
    }
}
