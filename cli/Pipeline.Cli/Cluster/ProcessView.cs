namespace Pipeline.Cli.Cluster;

/// <summary>A process as `up --json` shows it.</summary>
public sealed record ProcessView(string Name, int Index, int Pid, string? Url, string Log)
{
    public static ProcessView Of(ProcessRecord p) => new(p.Name, p.Index, p.Pid, p.Url, p.Log);
}
