using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Pipeline.Orchestrator.Api.Security;

namespace Pipeline.Tests.Orchestration;

/// <summary><c>GET /runs/{id}/events</c> as Server-Sent Events, read over a real port of 127.0.0.1 while the stages' events arrive.</summary>
public sealed class RunEventStreamTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly OrchestratorApi _api;
    private readonly StagePlayer _stages;

    public RunEventStreamTests()
    {
        _api = new OrchestratorApi(FastStreams(), kestrel: true);
        _stages = new StagePlayer(_api);
    }

    /// <summary>Streams that look at the journal often and end soon after their run, so that tests take a moment.</summary>
    public static Dictionary<string, string?> FastStreams() => new()
    {
        ["Pipeline:Api:Events:PollInterval"] = "00:00:00.05",
        ["Pipeline:Api:Events:CompletedGrace"] = "00:00:01",
        ["Pipeline:Api:Events:KeepAlive"] = "00:00:00.3",
    };

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task A_live_run_streams_its_states_progress_epochs_and_trials_and_the_stream_ends_with_completed()
    {
        var runId = await _stages.SubmitAsync(epochs: 2);
        using var timeout = new CancellationTokenSource(Patience);
        await using var stream = EventStreamClient.ReadAsync(_api.Client, runId, cancellationToken: timeout.Token).GetAsyncEnumerator(timeout.Token);
        // Connected: the first event is the run as it is.
        Assert.True(await stream.MoveNextAsync());
        var events = new List<StreamedEvent> { stream.Current };

        await _stages.PrepareAsync(runId);
        await _stages.EpochAsync(runId, 1, 2);
        await _stages.EpochAsync(runId, 2, 2);
        await _stages.FinishAsync(runId);
        while (await stream.MoveNextAsync())
            events.Add(stream.Current);

        Assert.Equal(("state", "Preprocessing"), (events[0].Name, events[0].Data.GetProperty("state").GetString()));
        Assert.Equal(["PreprocessingProgressed", "DatasetPrepared", "EpochCompleted", "EpochCompleted", "ModelTrained", "ModelEvaluated"],
            events.Where(e => e.Name is not ("state" or "completed")).Select(e => e.Data.GetProperty("type").GetString()));
        Assert.Equal(["progress", "progress", "epoch", "epoch", "trial", "trial"], events.Where(e => e.Name is not ("state" or "completed")).Select(e => e.Name));
        Assert.Equal([1, 2], events.Where(e => e.Name == "epoch").Select(e => e.Data.GetProperty("data").GetProperty("epoch").GetInt32()));
        // A state event only when the state changed, the last one Completed, then completed ends the stream.
        var states = events.Where(e => e.Name == "state").Select(e => e.Data.GetProperty("state").GetString()).ToList();
        Assert.Equal(states.Distinct(), states);
        Assert.Equal(("Completed", "completed"), (states[^1], events[^1].Name));
        Assert.Equal("Completed", events[^1].Data.GetProperty("state").GetString());
        var ids = events.Select(e => e.Id).ToList();
        Assert.Equal(ids.Order(), ids);
    }

    [Fact]
    public async Task A_client_that_reconnects_with_Last_Event_ID_gets_only_what_it_missed()
    {
        var runId = await _stages.SubmitAsync(epochs: 3);
        await _stages.PrepareAsync(runId);
        await _stages.EpochAsync(runId, 1, 3);
        // The first connection drops after epoch 1, as a browser's would.
        using var first = new CancellationTokenSource(Patience);
        var before = new List<StreamedEvent>();
        await foreach (var streamed in EventStreamClient.ReadAsync(_api.Client, runId, cancellationToken: first.Token))
        {
            before.Add(streamed);
            if (streamed.Name == "epoch")
                break;
        }
        await _stages.EpochAsync(runId, 2, 3);
        await _stages.EpochAsync(runId, 3, 3);
        await _stages.FinishAsync(runId);

        using var second = new CancellationTokenSource(Patience);
        var after = await ReadAllAsync(_api.Client, runId, before[^1].Id, second.Token);

        var missed = after.Where(e => e.Name is not ("state" or "completed")).ToList();
        Assert.All(missed, e => Assert.True(e.Id > before[^1].Id, $"event {e.Id} ({e.Name}) was sent before the reconnection"));
        Assert.Equal([2, 3], missed.Where(e => e.Name == "epoch").Select(e => e.Data.GetProperty("data").GetProperty("epoch").GetInt32()));
        // Together, the two connections saw the whole journal, each entry once.
        using var page = JsonDocument.Parse(await _api.Client.GetStringAsync($"/runs/{runId}/events"));
        var everything = page.RootElement.GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() != "RunCompleted").Select(e => e.GetProperty("id").GetInt64());
        Assert.Equal(everything, before.Concat(missed).Where(e => e.Name is not "state").Select(e => e.Id));
        Assert.Equal("completed", after[^1].Name);
    }

    [Fact]
    public async Task An_idle_stream_gets_keep_alive_comments()
    {
        var runId = await _stages.SubmitAsync(epochs: 1);
        using var timeout = new CancellationTokenSource(Patience);
        using var response = await _api.Client.SendAsync(EventStreamClient.Request(runId), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var lines = new List<string>();
        while (await reader.ReadLineAsync(timeout.Token) is { } line && !line.StartsWith(':'))
            lines.Add(line);

        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        Assert.Contains("event: state", lines);
    }

    [Fact]
    public async Task Streams_need_a_read_key_refuse_a_bad_Last_Event_ID_and_are_bounded_in_number()
    {
        using var bounded = new OrchestratorApi(new Dictionary<string, string?>(FastStreams()) { ["Pipeline:Api:Events:MaxStreams"] = "1" });
        var runId = await new StagePlayer(bounded).SubmitAsync(epochs: 1);
        using var anonymous = bounded.ClientWith(null);
        using var reader = bounded.ClientWith(OrchestratorApi.Keys[ApiRoles.Read]);
        var badId = EventStreamClient.Request(runId);
        badId.Headers.Add("Last-Event-ID", "twelve");

        using var refused = await anonymous.SendAsync(EventStreamClient.Request(runId));
        using var invalid = await reader.SendAsync(badId);
        using var open = await reader.SendAsync(EventStreamClient.Request(runId), HttpCompletionOption.ResponseHeadersRead);
        using var oneTooMany = await reader.SendAsync(EventStreamClient.Request(runId));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("Last-Event-ID", await invalid.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, oneTooMany.StatusCode);
        Assert.Equal(new MediaTypeHeaderValue("application/problem+json").MediaType, oneTooMany.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(oneTooMany.Headers.RetryAfter);
    }

    private static async Task<List<StreamedEvent>> ReadAllAsync(HttpClient client, Guid runId, long? lastEventId, CancellationToken cancellationToken)
    {
        var events = new List<StreamedEvent>();
        await foreach (var streamed in EventStreamClient.ReadAsync(client, runId, lastEventId, cancellationToken))
            events.Add(streamed);
        return events;
    }
}
