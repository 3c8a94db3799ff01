using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Orchestrator.Runs;

namespace Pipeline.Orchestrator.Api.Events;

/// <summary>
/// A run's journal as Server-Sent Events. Every event's id is a journal position, so a client that reconnects with
/// <c>Last-Event-ID</c> gets exactly the entries after the last one it saw. Each connection reads the run database a
/// slice at a time on a timer (the journal may be written by another orchestrator), and the server holds a bounded
/// number of streams, each for a bounded time.
/// </summary>
public sealed class RunEventStream(RunStore store, IOptions<RunEventsOptions> options, TimeProvider clock, IHostApplicationLifetime lifetime)
{
    public const string ContentType = "text/event-stream";
    public const string LastEventIdHeader = "Last-Event-ID";
    private int _open;

    public static bool IsWanted(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(accept => accept.MediaType.Equals(ContentType, StringComparison.OrdinalIgnoreCase));

    /// <summary>The journal position a stream starts after: a reconnecting client's <c>Last-Event-ID</c>, else <c>?after=</c>; null for an id that is not one of ours.</summary>
    public static long? StartAfter(HttpRequest request, long? after)
    {
        if (request.Headers[LastEventIdHeader] is not [{ } lastEventId])
            return after ?? 0;
        return long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    public IResult Open(HttpContext context, Guid runId, long after)
    {
        var settings = options.Value;
        if (Interlocked.Increment(ref _open) > settings.MaxStreams)
        {
            Interlocked.Decrement(ref _open);
            context.Response.Headers.RetryAfter = "30";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Too many event streams",
                detail: $"This server follows {settings.MaxStreams} runs at once; try again in 30 s, or poll GET /runs/{runId:N}.");
        }
        context.Response.Headers.CacheControl = "no-cache";
        // Proxies such as nginx would otherwise hold events back until a buffer fills.
        context.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.Stream(async body =>
        {
            // A server that stops ends its streams at once rather than waiting for them; clients reconnect with Last-Event-ID.
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            try
            {
                await WriteAsync(body, runId, after, ended.Token);
            }
            catch (OperationCanceledException) when (ended.IsCancellationRequested)
            {
                // The client went away, or the server is stopping: nothing more is owed.
            }
            finally
            {
                Interlocked.Decrement(ref _open);
            }
        }, ContentType);
    }

    /// <summary>
    /// Journal entries after <paramref name="after"/> as they come, a <c>state</c> event (the run now) on connecting and at
    /// every change of state, and <c>completed</c> (the final run) last.
    /// </summary>
    private async Task WriteAsync(Stream body, Guid runId, long after, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = clock.GetTimestamp();
        var lastWrite = started;
        long? finalSince = null;
        RunState? sentState = null;

        async Task Send(string text)
        {
            await body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
            await body.FlushAsync(cancellationToken);
            lastWrite = clock.GetTimestamp();
        }

        Task Event(string name, long id, object data) =>
            Send($"event: {name}\nid: {id.ToString(CultureInfo.InvariantCulture)}\ndata: {JsonSerializer.Serialize(data, PipelineJson.Compact)}\n\n");

        // The run as it is, when its state is news to this client; null once the run is gone (deleted meanwhile).
        async Task<RunRecord?> StateAsync()
        {
            if (store.Find(runId) is not { } run)
                return null;
            if (run.State != sentState)
                await Event("state", after, RunView.Of(run));
            sentState = run.State;
            return run;
        }

        while (true)
        {
            var batch = store.Events(runId, after, settings.BatchSize);
            foreach (var entry in batch)
            {
                if (entry.Type == nameof(RunCompleted))
                {
                    if (await StateAsync() is { } final)
                        await Event("completed", entry.Id, RunView.Of(final));
                    return;
                }
                await Event(NameOf(entry), entry.Id, entry);
                after = entry.Id;
            }
            if (await StateAsync() is not { } run)
                return;
            if (batch.Count == settings.BatchSize)
                continue;
            if (run.State.IsFinal())
            {
                // Its RunCompleted is on its way through the bus; a run that ended without one still ends its stream.
                finalSince ??= clock.GetTimestamp();
                if (clock.GetElapsedTime(finalSince.Value) >= settings.CompletedGrace)
                {
                    await Event("completed", after, RunView.Of(run));
                    return;
                }
            }
            if (clock.GetElapsedTime(started) >= settings.MaxDuration)
                return;
            if (clock.GetElapsedTime(lastWrite) >= settings.KeepAlive)
                await Send(": keep-alive\n\n");
            await Task.Delay(settings.PollInterval, clock, cancellationToken);
        }
    }

    /// <summary>The event name of a journal entry: a trial's news, a finished epoch, or the run's own progress (preprocessing, run-level failures).</summary>
    private static string NameOf(RunEvent entry) => entry.Type switch
    {
        nameof(EpochCompleted) => "epoch",
        _ when entry.Data.TryGetProperty("trialId", out var trial) && trial.ValueKind == JsonValueKind.String => "trial",
        _ => "progress",
    };
}
