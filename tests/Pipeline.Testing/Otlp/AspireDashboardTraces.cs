using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Pipeline.Testing.Otlp;

/// <summary>
/// The traces an Aspire Dashboard received, read through its telemetry API (<c>GET /api/telemetry/traces/{traceId}</c>,
/// OTLP's JSON encoding: resource spans, scope spans, spans with hex ids and typed attribute values).
/// </summary>
public sealed class AspireDashboardTraces(string dashboardUrl) : ITraceSource, IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(dashboardUrl), Timeout = TimeSpan.FromSeconds(30) };

    public async Task<IReadOnlyList<OtlpSpan>> SpansAsync(string traceId)
    {
        using var response = await _http.GetAsync($"/api/telemetry/traces/{traceId}");
        if (response.StatusCode == HttpStatusCode.NotFound)
            return [];
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var spans = new List<OtlpSpan>();
        foreach (var resource in document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = Attributes(resource.GetProperty("resource")).GetValueOrDefault("service.name", "");
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                    spans.Add(new OtlpSpan(service, span.GetProperty("traceId").GetString()!, span.GetProperty("spanId").GetString()!,
                        span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() ?? "" : "", span.GetProperty("name").GetString()!, Attributes(span)));
        }
        return spans;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The <c>attributes</c> of an OTLP JSON object, values as text (as <see cref="OtlpTraces"/> gives them).</summary>
    private static Dictionary<string, string> Attributes(JsonElement owner)
    {
        var attributes = new Dictionary<string, string>();
        if (!owner.TryGetProperty("attributes", out var list))
            return attributes;
        foreach (var pair in list.EnumerateArray())
        {
            var value = pair.GetProperty("value").EnumerateObject().FirstOrDefault();
            attributes[pair.GetProperty("key").GetString()!] = value.Value.ValueKind switch
            {
                JsonValueKind.Number => value.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                JsonValueKind.True or JsonValueKind.False => value.Value.GetBoolean() ? "true" : "false",
                _ => value.Value.ToString(),
            };
        }
        return attributes;
    }
}
