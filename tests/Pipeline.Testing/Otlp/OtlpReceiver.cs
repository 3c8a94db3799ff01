using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.Testing.Otlp;

/// <summary>
/// An OTLP/HTTP (protobuf) receiver on 127.0.0.1 for the services a test points at it: it keeps every span sent to
/// <c>/v1/traces</c> and answers metrics and logs with an empty success, as a collector would.
/// </summary>
public sealed class OtlpReceiver : ITraceSource, IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private readonly Task _serving;

    public OtlpReceiver()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        }
        _listener.Prefixes.Add($"{Url}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    /// <summary>The base URL, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> takes it (the exporters add <c>/v1/traces</c>).</summary>
    public string Url { get; }

    /// <summary>The environment that points a pipeline process's exporters here (spans sent within a fifth of a second).</summary>
    public IReadOnlyDictionary<string, string?> ExporterEnvironment => new Dictionary<string, string?>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Url,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
    };

    /// <summary>Every span received so far.</summary>
    public IReadOnlyList<OtlpSpan> Spans => _spans.ToList();

    public Task<IReadOnlyList<OtlpSpan>> SpansAsync(string traceId) =>
        Task.FromResult<IReadOnlyList<OtlpSpan>>(_spans.Where(span => span.TraceId == traceId).ToList());

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under a pending request.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (context.Request.Url?.AbsolutePath == "/v1/traces")
                foreach (var span in OtlpTraces.Read(body.GetBuffer().AsSpan(0, (int)body.Length)))
                    _spans.Enqueue(span);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }
}
