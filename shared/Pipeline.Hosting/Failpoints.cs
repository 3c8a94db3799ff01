using System.Diagnostics;

namespace Pipeline.Hosting;

/// <summary>
/// Named places where a test can make the process die at the worst moment, as a SIGKILL would: off unless the
/// environment variable <c>PIPELINE_FAILPOINTS</c> lists the name (comma-separated). The names are in docs/architecture.md.
/// </summary>
public static class Failpoints
{
    public const string Variable = "PIPELINE_FAILPOINTS";

    /// <summary>The orchestrator saved a state change and its messages, and has not sent them yet.</summary>
    public const string OrchestratorAfterStateSaved = "orchestrator.afterStateSaved";

    private static readonly HashSet<string> Enabled =
        (Environment.GetEnvironmentVariable(Variable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();

    /// <summary>A stage's work throws at once, every time: <c>&lt;stage&gt;.throw</c> (e.g. <c>evaluate.throw</c>), a poison message.</summary>
    public static void ThrowIf(string name)
    {
        if (Enabled.Contains(name))
            throw new InvalidOperationException($"Failpoint {name} is on ({Variable}).");
    }

    /// <summary>Kills this process at once (no cleanup, no flush) when <paramref name="name"/> is enabled.</summary>
    public static void Hit(string name)
    {
        if (Enabled.Contains(name))
            Process.GetCurrentProcess().Kill();
    }
}
