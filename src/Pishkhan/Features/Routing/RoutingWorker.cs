using System.Threading.Channels;

namespace Pishkhan.Features.Routing;

/// <summary>
/// Work for the router that should not hold up the request that caused it: "queue Q has a new case", "agent A came
/// online". Writers post here after their commit; <see cref="RoutingWorker"/> acts on it within about
/// <see cref="RoutingWorker.GatherWindow"/>.
/// </summary>
public sealed class RoutingSignals
{
    private readonly Channel<RoutingSignal> _channel =
        Channel.CreateBounded<RoutingSignal>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>
    /// A new case to put in a queue. Dropping a signal under extreme load, or losing it in a crash, is safe: the
    /// periodic sweep routes every unrouted case and offers every queue again.
    /// </summary>
    public void CaseCreated(Guid caseId) => _channel.Writer.TryWrite(new RoutingSignal(caseId, null, null));

    public void QueueHasWork(Guid queueId) => _channel.Writer.TryWrite(new RoutingSignal(null, queueId, null));

    public void AgentAvailable(Guid userId) => _channel.Writer.TryWrite(new RoutingSignal(null, null, userId));

    internal ChannelReader<RoutingSignal> Reader => _channel.Reader;
}

internal readonly record struct RoutingSignal(Guid? CaseId, Guid? QueueId, Guid? AgentId);

/// <summary>
/// Runs assignment when signalled and sweeps every <see cref="SweepInterval"/>: returns unaccepted cases to their
/// queues and offers every queue's waiting cases again (a shift opening is noticed here).
/// </summary>
public sealed class RoutingWorker(RoutingService router, RoutingSignals signals, TimeProvider clock, ILogger<RoutingWorker> log) : BackgroundService
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(15);

    /// <summary>How long the worker gathers signals after the first before acting on them (wall-clock time).</summary>
    public static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(50);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweeping = SweepLoopAsync(stoppingToken);
        var newCases = new List<Guid>();
        while (await signals.Reader.WaitToReadAsync(stoppingToken))
        {
            // Signals that arrive within a moment are acted on together: under a stream of new cases (hundreds a
            // second) routing runs a few times a second over many cases, instead of once per case, each time taking
            // the database's write turn that case creations wait for.
            await Task.Delay(GatherWindow, stoppingToken);

            // New cases that arrived together are queued in one transaction; other signals keep their order.
            while (newCases.Count < RoutingService.RouteBatchSize && signals.Reader.TryRead(out var signal))
            {
                if (signal.CaseId is { } created)
                {
                    newCases.Add(created);
                    continue;
                }

                await RouteAsync(newCases, stoppingToken);
                await ActAsync(signal, stoppingToken);
            }

            await RouteAsync(newCases, stoppingToken);
        }

        await sweeping;
    }

    private async Task RouteAsync(List<Guid> newCases, CancellationToken ct)
    {
        if (newCases.Count == 0)
        {
            return;
        }

        try
        {
            await router.RouteNewCasesAsync(newCases, assign: true, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Routing failed for {Count} new cases (first {CaseId}); the next sweep retries.", newCases.Count, newCases[0]);
        }

        newCases.Clear();
    }

    private async Task ActAsync(RoutingSignal signal, CancellationToken ct)
    {
        try
        {
            if (signal.QueueId is { } queue)
            {
                await router.AssignWaitingAsync(queue, ct);
            }
            else if (signal.AgentId is { } agent)
            {
                await router.AssignForAgentAsync(agent, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Routing failed for queue {QueueId} / agent {AgentId}; the next sweep retries.", signal.QueueId, signal.AgentId);
        }
    }

    private async Task SweepLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await router.SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "The routing sweep failed; it runs again in {Interval}.", SweepInterval);
            }
        }
    }
}
