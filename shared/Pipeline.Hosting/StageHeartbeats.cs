using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;

namespace Pipeline.Hosting;

/// <summary>
/// Publishes this worker's <see cref="StageHeartbeat"/> every <see cref="HeartbeatOptions.Interval"/>, busy or idle, so
/// that the orchestrator can tell a queued run from a stranded one (no worker of its stage alive).
/// </summary>
public sealed class StageHeartbeats(string stage, IBus bus, RunCancellations runs, IOptions<HeartbeatOptions> options, ILogger<StageHeartbeats> logger)
    : BackgroundService
{
    private static readonly string Instance = $"{Environment.MachineName}:{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        do
        {
            try
            {
                await bus.Publish(new StageHeartbeat(stage, Instance, runs.ActiveRuns), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not send the {Stage} heartbeat (the broker may be away): {Reason}", stage, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
