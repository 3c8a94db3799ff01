namespace Pipeline.Testing.Otlp;

/// <summary>One span as an OTLP exporter sent it: ids in hex (an empty parent for a root), the service that sent it.</summary>
public sealed record OtlpSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes)
{
    public string? Attribute(string name) => Attributes.GetValueOrDefault(name);

    /// <summary>The span's parent, its parent, and so on, as far as <paramref name="trace"/> (by span id) holds them.</summary>
    public IReadOnlyList<OtlpSpan> Ancestors(IReadOnlyDictionary<string, OtlpSpan> trace)
    {
        var ancestors = new List<OtlpSpan>();
        for (var span = this; trace.TryGetValue(span.ParentSpanId, out var parent); span = parent)
            ancestors.Add(parent);
        return ancestors;
    }
}
