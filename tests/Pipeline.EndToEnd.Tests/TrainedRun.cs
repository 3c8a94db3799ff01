using Pipeline.Testing;

namespace Pipeline.EndToEnd.Tests;

/// <summary>A completed run of the shared dataset: its store, id, the report folder of its (only) trial and what the command printed.</summary>
public sealed record TrainedRun(string Store, string RunId, string ReportDir, CliResult Result)
{
    public string RunFolder => Path.GetFullPath(Path.Combine(ReportDir, "..", "..", ".."));
}
