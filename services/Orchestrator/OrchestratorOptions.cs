namespace Pipeline.Orchestrator;

/// <summary><c>Pipeline:Orchestrator</c>: where run state lives, and whether this process also does the runs' work.</summary>
public sealed class OrchestratorOptions
{
    public const string Section = "Pipeline:Orchestrator";

    /// <summary>A SQLite connection string for the run database (its own file, not an object of the store).</summary>
    public string Database { get; set; } = $"Data Source={Path.Combine(".pipeline", "runs.db")}";

    /// <summary>
    /// True when every stage runs in this process (embedded mode): a run's work then dies with its process, so runs
    /// record this process as their owner and runs of owners found dead are <c>Interrupted</c>.
    /// </summary>
    public bool InProcessWorkers { get; set; }

    /// <summary>
    /// How long a trainer holds a trial without renewing its lease. A trainer renews four times per period; one that
    /// dies loses the trial after at most this long, and the trial is sent again.
    /// </summary>
    public TimeSpan TrialLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a run may wait on a stage while no worker of that stage says it is alive. Then its commands are sent
    /// again, <see cref="StageResends"/> times at most, and then the run fails saying which stage never answered.
    /// </summary>
    public TimeSpan StageDeadline { get; set; } = TimeSpan.FromMinutes(10);

    public int StageResends { get; set; } = 2;
}
