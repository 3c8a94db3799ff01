using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipeline.Cli.Bench;

/// <summary>
/// One way to deploy the pipeline for <c>bench cluster</c>: <c>embedded</c> (every stage in the benchmark's own process,
/// one trial at a time, libtorch on every core) or <c>TxN</c>, a local cluster of T trainer processes with N libtorch
/// threads each.
/// </summary>
public sealed partial record BenchConfiguration(string Name, bool Embedded, int Trainers, int ThreadsPerTrainer)
{
    public const string EmbeddedName = "embedded";

    public string Mode => Embedded ? "embedded" : "cluster";

    /// <summary>What the benchmark compares unless told otherwise.</summary>
    public const string DefaultList = "embedded,1x2,1x1,2x1";

    /// <summary>The configurations of a comma-separated list such as <see cref="DefaultList"/>, or the error that says what is wrong.</summary>
    public static (IReadOnlyList<BenchConfiguration> Configurations, string? Error) ParseList(string text)
    {
        var configurations = new List<BenchConfiguration>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Parse(name) is not { } configuration)
                return ([], $"--configs: '{name}' is neither '{EmbeddedName}' nor TRAINERSxTHREADS such as 2x1 (1 to 64 each).");
            if (configurations.Any(c => c.Name == configuration.Name))
                return ([], $"--configs: '{name}' is listed twice.");
            configurations.Add(configuration);
        }
        return configurations.Count == 0 ? ([], "--configs: name at least one configuration, e.g. embedded,1x2.") : (configurations, null);
    }

    private static BenchConfiguration? Parse(string name)
    {
        if (name == EmbeddedName)
            return new BenchConfiguration(EmbeddedName, true, 1, Environment.ProcessorCount);
        if (ClusterShape().Match(name) is not { Success: true } match)
            return null;
        var trainers = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var threads = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        return trainers is >= 1 and <= 64 && threads is >= 1 and <= 64 ? new BenchConfiguration(name, false, trainers, threads) : null;
    }

    [GeneratedRegex("^([0-9]{1,2})x([0-9]{1,2})$")]
    private static partial Regex ClusterShape();
}
