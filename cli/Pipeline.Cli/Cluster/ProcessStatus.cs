namespace Pipeline.Cli.Cluster;

/// <summary>A process as `status` shows it: alive means pid and start time still match; ready as <see cref="Readiness"/> says.</summary>
public sealed record ProcessStatus(string Name, int Index, int Pid, string? Url, string Log, bool Alive, bool Ready, string Detail);
