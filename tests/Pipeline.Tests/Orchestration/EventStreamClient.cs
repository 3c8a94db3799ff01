using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace Pipeline.Tests.Orchestration;

/// <summary>One event of a run's stream as .NET's own Server-Sent Events parser read it.</summary>
public sealed record StreamedEvent(string Name, long Id, JsonElement Data);

/// <summary>Reads <c>GET /runs/{id}/events</c> as a browser's EventSource would: <c>Accept: text/event-stream</c>, optionally resuming with <c>Last-Event-ID</c>.</summary>
public static class EventStreamClient
{
    public static HttpRequestMessage Request(Guid runId, long? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/runs/{runId}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is { } id)
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return request;
    }

    /// <summary>Events as they come, until the server ends the stream or <paramref name="cancellationToken"/> stops the reading.</summary>
    public static async IAsyncEnumerable<StreamedEvent> ReadAsync(HttpClient client, Guid runId, long? lastEventId = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var response = await client.SendAsync(Request(runId, lastEventId), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
            yield return new StreamedEvent(item.EventType, long.Parse(item.EventId!, System.Globalization.CultureInfo.InvariantCulture),
                JsonDocument.Parse(item.Data).RootElement.Clone());
    }
}
