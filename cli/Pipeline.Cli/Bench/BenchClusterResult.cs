namespace Pipeline.Cli.Bench;

/// <summary>`bench cluster --json`: one object on stdout. Fields are only ever added, and schemaVersion says so.</summary>
/// <param name="LoadAverage">The machine's 1-minute load average before and after, to show what else ran on its cores.</param>
public sealed record BenchClusterResult(
    int SchemaVersion,
    string DataDir,
    int Images,
    int RunsPerConfiguration,
    int Epochs,
    string Backbone,
    int Cores,
    double[] LoadAverage,
    IReadOnlyList<ConfigurationMeasurement> Configurations);
