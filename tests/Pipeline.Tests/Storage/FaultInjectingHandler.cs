using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Pipeline.Tests.Storage;

/// <summary>Answers chosen requests itself, as a misbehaving S3 would (a 503 SlowDown, a 400, a 404), and passes the
/// rest on. Each fault is used up once it has answered as many requests as it was given.</summary>
public sealed class FaultInjectingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly ConcurrentQueue<Fault> _faults = new();

    /// <summary>The next <paramref name="times"/> requests that match get <paramref name="status"/> with S3's error body.</summary>
    public FaultInjectingHandler Answer(Func<HttpRequestMessage, bool> matches, HttpStatusCode status, string? code, int times = 1)
    {
        _faults.Enqueue(new Fault(matches, status, code, times));
        return this;
    }

    public int Injected;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        foreach (var fault in _faults)
        {
            if (!fault.Matches(request) || Interlocked.Decrement(ref fault.Remaining) < 0)
                continue;
            Interlocked.Increment(ref Injected);
            var response = new HttpResponseMessage(fault.Status) { RequestMessage = request };
            if (fault.Code is not null && request.Method != HttpMethod.Head)
                response.Content = new StringContent(
                    $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{fault.Code}</Code><Message>injected by the test</Message></Error>",
                    Encoding.UTF8, "application/xml");
            return Task.FromResult(response);
        }
        return base.SendAsync(request, cancellationToken);
    }

    private sealed class Fault(Func<HttpRequestMessage, bool> matches, HttpStatusCode status, string? code, int times)
    {
        public int Remaining = times;
        public Func<HttpRequestMessage, bool> Matches { get; } = matches;
        public HttpStatusCode Status { get; } = status;
        public string? Code { get; } = code;
    }
}
