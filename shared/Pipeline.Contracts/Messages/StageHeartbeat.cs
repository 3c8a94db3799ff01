namespace Pipeline.Contracts;

/// <summary>
/// A worker process says it is alive, every half minute or so, busy or idle: while some worker of a stage speaks, runs
/// waiting on that stage are queued, not stranded. <paramref name="Runs"/> are the runs it is working on now.
/// </summary>
/// <param name="Stage">preprocess, train or evaluate.</param>
/// <param name="Instance">The process, unique among the stage's workers.</param>
public sealed record StageHeartbeat(string Stage, string Instance, IReadOnlyList<Guid> Runs);
