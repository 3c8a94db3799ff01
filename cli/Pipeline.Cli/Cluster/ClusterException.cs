namespace Pipeline.Cli.Cluster;

/// <summary>A problem the user can act on: the message says what happened and what to do.</summary>
public sealed class ClusterException(string message, int exitCode = ClusterException.Failed) : Exception(message)
{
    /// <summary>Something did not come up, or is not running.</summary>
    public const int Failed = 1;

    /// <summary>The command cannot be carried out as asked (bad option, deployment already up, missing tool).</summary>
    public const int Refused = 2;

    public int ExitCode { get; } = exitCode;
}
