using System.Text.Json;

namespace Pipeline.Cluster.Tests;

/// <summary>One process of the deployment, as `cluster up --json` lists it.</summary>
public sealed record ClusterProcess(string Name, int Index, int Pid, string? Url, string Log)
{
    public string Id => $"{Name}-{Index}";

    public static ClusterProcess Of(JsonElement p) => new(
        p.GetProperty("name").GetString()!,
        p.GetProperty("index").GetInt32(),
        p.GetProperty("pid").GetInt32(),
        p.GetProperty("url").GetString(),
        p.GetProperty("log").GetString()!);
}
