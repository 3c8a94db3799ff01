namespace Pipeline.Cli.Bench;

/// <summary>`bench cluster --json`: one object on stdout. Fields are only ever added, and schemaVersion says so.</summary>
/// <param name="Exact">Whether training ran every epoch through the backbone (<c>--exact</c>) rather than on cached features.</param>
/// <param name="LoadAverage">The machine's 1-minute load average before and after, to show what else ran on its cores.</param>
public sealed record BenchClusterResult(
    int SchemaVersion,
    string DataDir,
    int Images,
    int RunsPerConfiguration,
    int Epochs,
    string Backbone,
    bool Exact,
    int Cores,
    double[] LoadAverage,
    IReadOnlyList<ConfigurationMeasurement> Configurations);
