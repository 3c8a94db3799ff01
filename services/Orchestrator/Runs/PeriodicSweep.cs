namespace Pipeline.Orchestrator.Runs;

/// <summary>A background job that runs every <paramref name="interval"/>; a failed round is logged and tried again at the next.</summary>
public abstract class PeriodicSweep(TimeSpan interval, ILogger logger) : BackgroundService
{
    /// <summary>What the round looks for, in words for the warning when it fails ("expired trial leases").</summary>
    protected abstract string What { get; }

    /// <summary>False to never run (the sweep does not apply to this process).</summary>
    protected virtual bool Enabled => true;

    protected abstract Task SweepAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
            return;
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not look for {What}, will try again: {Reason}", What, e.Message);
            }
        }
    }
}
