using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace Pipeline.Tests.Telemetry;

/// <summary>A processor added to a host's tracer provider: every span the host exports, as it ends.</summary>
public sealed class SpanCollector : BaseProcessor<Activity>
{
    private readonly ConcurrentQueue<Activity> _ended = new();

    public override void OnEnd(Activity data) => _ended.Enqueue(data);

    /// <summary>The spans of one trace, once <paramref name="complete"/> says they are all there (at most 15 s).</summary>
    public async Task<IReadOnlyList<Activity>> TraceAsync(string traceId, Func<IReadOnlyList<Activity>, bool> complete)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var trace = _ended.Where(span => span.TraceId.ToHexString() == traceId).ToList();
            if (complete(trace) || DateTime.UtcNow > deadline)
                return trace;
            await Task.Delay(50);
        }
    }
}
