namespace Pipeline.EndToEnd.Tests;

/// <summary>A completed run of the shared dataset: its store, id and the report folder of its (only) trial.</summary>
public sealed record TrainedRun(string Store, string RunId, string ReportDir)
{
    public string RunFolder => Path.GetFullPath(Path.Combine(ReportDir, "..", "..", ".."));
}
