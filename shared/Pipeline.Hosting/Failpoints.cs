using System.Diagnostics;

namespace Pipeline.Hosting;

/// <summary>
/// Named places where a test can make the process die at the worst moment, as a SIGKILL would, or misbehave as a
/// network would (duplicates): off unless the
/// environment variable <c>PIPELINE_FAILPOINTS</c> lists the name (comma-separated). The names are in docs/architecture.md.
/// </summary>
public static class Failpoints
{
    public const string Variable = "PIPELINE_FAILPOINTS";

    /// <summary>The orchestrator saved a state change and its messages, and has not sent them yet.</summary>
    public const string OrchestratorAfterStateSaved = "orchestrator.afterStateSaved";

    /// <summary>The preprocessor has decoded half of a dataset's images and written nothing yet.</summary>
    public const string PreprocessorMidDataset = "preprocess.midDataset";

    /// <summary>A trainer has run its backbone over half of a split's images to cache their features, and stored nothing yet.</summary>
    public const string TrainerMidFeatures = "train.midFeatures";

    /// <summary>Every consumer of this process handles each message it receives twice, as a redelivery would make it.</summary>
    public const string DeliverTwice = "deliver.twice";

    /// <summary>The orchestrator's outbox sends every message twice, as a crash between sending and deleting would.</summary>
    public const string OutboxSendTwice = "outbox.sendTwice";

    private static readonly HashSet<string> Enabled =
        (Environment.GetEnvironmentVariable(Variable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();

    public static bool IsOn(string name) => Enabled.Contains(name);

    /// <summary>A stage's work throws at once, every time: <c>&lt;stage&gt;.throw</c> (e.g. <c>evaluate.throw</c>), a poison message.</summary>
    public static void ThrowIf(string name)
    {
        if (IsOn(name))
            throw new InvalidOperationException($"Failpoint {name} is on ({Variable}).");
    }

    /// <summary>Kills this process at once (no cleanup, no flush) when <paramref name="name"/> is enabled.</summary>
    public static void Hit(string name)
    {
        if (IsOn(name))
            Process.GetCurrentProcess().Kill();
    }
}
