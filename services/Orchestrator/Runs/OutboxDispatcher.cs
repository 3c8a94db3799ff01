using System.Diagnostics;
using MassTransit;
using Pipeline.Contracts;
using Pipeline.Hosting;
using Pipeline.Telemetry;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// Sends what the run database's outbox holds: commands to their stage's durable queue, events to every subscriber,
/// oldest first, each deleted once the bus took it. Woken at once after every saved change; also drains at startup
/// and every few seconds, so that messages saved before a crash are sent after the restart. Delivery is at least
/// once: a crash between sending and deleting sends again, and every consumer is idempotent.
/// </summary>
public sealed class OutboxDispatcher(RunStore runs, IBus bus, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(2);

    private static readonly Dictionary<Type, Uri> CommandQueues = new()
    {
        [typeof(PreprocessDataset)] = new Uri($"queue:{StageQueues.Preprocessor}"),
        [typeof(AssembleDataset)] = new Uri($"queue:{StageQueues.Preprocessor}"),
        [typeof(PreprocessChunk)] = new Uri($"queue:{StageQueues.PreprocessorChunks}"),
        [typeof(TrainModel)] = new Uri($"queue:{StageQueues.Trainer}"),
        [typeof(EvaluateModel)] = new Uri($"queue:{StageQueues.Evaluator}"),
    };

    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Asks for the outbox to be drained now (after a commit).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
            _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DrainAsync(stoppingToken);
                await _wake.WaitAsync(IdlePoll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The broker may be away for a while: the messages stay in the outbox and are sent when it is back.
                logger.LogWarning("Could not send outbox messages, will retry: {Reason}", e.Message);
                await Task.Delay(RetryAfterFailure, stoppingToken);
            }
        }
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<OutboxMessage> batch;
        while ((batch = runs.PendingMessages(BatchSize)).Count > 0)
            foreach (var message in batch)
            {
                await SendAsync(message, cancellationToken);
                if (Failpoints.IsOn(Failpoints.OutboxSendTwice))
                    await SendAsync(message, cancellationToken);
                runs.Sent(message.Id);
            }
    }

    private async Task SendAsync(OutboxMessage saved, CancellationToken cancellationToken)
    {
        // The send joins the run's trace (the saved context), even after a restart.
        using var activity = PipelineTelemetry.StartSpan("outbox send", ActivityKind.Producer, saved.TraceParent);
        activity?.SetTag(PipelineTelemetry.RunIdTag, saved.RunId?.ToString());
        var message = saved.Message();
        if (CommandQueues.TryGetValue(message.GetType(), out var queue))
        {
            var endpoint = await bus.GetSendEndpoint(queue);
            await endpoint.Send(message, message.GetType(), cancellationToken);
        }
        else
            await bus.Publish(message, message.GetType(), cancellationToken);
    }
}
