namespace Pipeline.Orchestrator.Api.Events;

/// <summary><c>Pipeline:Api:Events</c>: how much one <c>GET /runs/{id}/events</c> stream may ask of the server.</summary>
public sealed class RunEventsOptions
{
    public const string Section = "Pipeline:Api:Events";

    /// <summary>How often a stream looks for new journal entries: the journal is in the run database, which any orchestrator may write.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A comment line after this much silence, so that proxies and clients keep an idle stream open.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A stream ends after this long; the client reconnects with <c>Last-Event-ID</c> and misses nothing.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Journal entries read in one go: a long journal is sent in slices, not loaded whole.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Streams open at once on this server; one more is a 503 with Retry-After.</summary>
    public int MaxStreams { get; set; } = 200;

    /// <summary>A final run whose <c>RunCompleted</c> has not reached the journal by then still gets its <c>completed</c> event.</summary>
    public TimeSpan CompletedGrace { get; set; } = TimeSpan.FromSeconds(5);
}
