namespace Pipeline.Testing.Otlp;

public static class TraceWait
{
    /// <summary>
    /// The spans of one trace, once <paramref name="complete"/> says they are all there (exporters send in batches, a
    /// little later), or as they are when <paramref name="timeout"/> has passed.
    /// </summary>
    public static async Task<IReadOnlyList<OtlpSpan>> TraceAsync(this ITraceSource source, string traceId, Func<IReadOnlyList<OtlpSpan>, bool> complete, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var trace = await source.SpansAsync(traceId);
            if (complete(trace) || DateTime.UtcNow > deadline)
                return trace;
            await Task.Delay(250);
        }
    }
}
