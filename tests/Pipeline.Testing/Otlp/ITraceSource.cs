namespace Pipeline.Testing.Otlp;

/// <summary>Somewhere the spans of a trace arrive (an OTLP receiver the test runs, a trace viewer's API).</summary>
public interface ITraceSource
{
    /// <summary>The spans of <paramref name="traceId"/> received so far.</summary>
    Task<IReadOnlyList<OtlpSpan>> SpansAsync(string traceId);
}
