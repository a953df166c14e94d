namespace Pishkhan.Features.Sla;

public sealed class SlaOptions
{
    /// <summary>Run the sweeper and the recalculation worker in this process (tests that drive them by hand turn it off).</summary>
    public bool Background { get; set; } = true;

    /// <summary>How often the sweeper looks for due timers; well under a second, so a timer fires within one second of its due instant.</summary>
    public int SweepIntervalMs { get; set; } = 250;

    /// <summary>How often calendar edits are looked for and recalculation jobs are run.</summary>
    public int RecalculationIntervalMs { get; set; } = 2000;

    /// <summary>Cases per recalculation batch (one transaction each); tests make it small to run many batches.</summary>
    public int RecalculationBatchSize { get; set; } = SlaRecalculations.BatchSize;
}

/// <summary>Drives <see cref="SlaSweeper"/> and <see cref="SlaRecalculations"/> on the injected clock.</summary>
public sealed class SlaBackgroundService(SlaSweeper sweeper, SlaRecalculations recalculations, TimeProvider clock, Microsoft.Extensions.Options.IOptions<SlaOptions> options, ILogger<SlaBackgroundService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Background)
        {
            return;
        }

        var sweep = TimeSpan.FromMilliseconds(Math.Max(10, o.SweepIntervalMs));
        var recalculateEvery = Math.Max(1, o.RecalculationIntervalMs / Math.Max(10, o.SweepIntervalMs));
        for (var tick = 0L; !stoppingToken.IsCancellationRequested; tick++)
        {
            try
            {
                await sweeper.SweepOnceAsync(stoppingToken);
                if (tick % recalculateEvery == 0)
                {
                    await recalculations.DetectCalendarChangesAsync(stoppingToken);
                    await recalculations.RunPendingAsync(stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "SLA background tick failed; trying again next tick.");
            }

            try
            {
                await Task.Delay(sweep, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
