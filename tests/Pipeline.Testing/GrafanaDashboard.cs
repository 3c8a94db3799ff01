using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pipeline.Testing;

/// <summary>infra/grafana/dashboards/pipeline.json, and the metric names its PromQL queries name.</summary>
public static partial class GrafanaDashboard
{
    public const string RelativePath = "infra/grafana/dashboards/pipeline.json";

    public static JsonElement Read()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(PipelineCli.RepoRoot, RelativePath)));
        return document.RootElement.Clone();
    }

    public static IEnumerable<JsonElement> Panels() => Read().GetProperty("panels").EnumerateArray();

    public static IEnumerable<string> Queries() =>
        Panels().SelectMany(panel => panel.GetProperty("targets").EnumerateArray()).Select(target => target.GetProperty("expr").GetString()!);

    /// <summary>
    /// The metric names of every query: identifiers of the pipeline's, MassTransit's or RabbitMQ's families, with label
    /// matchers (<c>{...}</c>), grouping (<c>by (...)</c>) and legend templates left out, as they name labels, not metrics.
    /// </summary>
    public static IReadOnlySet<string> QueriedMetrics() =>
        Queries().Select(query => Grouping().Replace(Matchers().Replace(query, ""), ""))
            .SelectMany(query => MetricName().Matches(query).Select(match => match.Value))
            .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\b(by|without)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\b(pipeline|messaging_masstransit|rabbitmq)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();
}
