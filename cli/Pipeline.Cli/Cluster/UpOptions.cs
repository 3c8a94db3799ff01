namespace Pipeline.Cli.Cluster;

/// <param name="Timeout">How long the services may take to become ready once started.</param>
/// <param name="StopWithPid">A process (a test run, a script) whose end stops the deployment, even when it dies without calling `down`.</param>
public sealed record UpOptions(int Trainers, TimeSpan Timeout, int? StopWithPid);
