namespace Pipeline.Cli.Cluster;

public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => (Stdout + "\n" + Stderr).Trim();
}
