namespace Pipeline.Cli.Commands;

/// <summary>Which training paths `bench train` runs: both, or one of them (the exact path does not depend on --views, so a views curve needs it once).</summary>
public enum TrainBenchPaths
{
    Both,
    Cached,
    Exact,
}
