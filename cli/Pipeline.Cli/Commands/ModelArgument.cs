using System.Text.Json;
using Pipeline.Orchestrator.Runs;
using Pipeline.Runs;
using Pipeline.Storage;

namespace Pipeline.Cli.Commands;

/// <summary>The MODEL of `predict` and `evaluate`: a model file, or <c>run:&lt;id&gt;[/&lt;trial&gt;]</c> in the store.</summary>
internal static class ModelArgument
{
    public const string Prefix = "run:";

    public const string Description =
        "A model file (a run's model.safetensors), or run:<id>[/<trial>]: a run in --store, its best trial unless one is named.";

    /// <returns>The model file's path; or null and what the user should do instead.</returns>
    public static async Task<(string? Path, string? Problem)> ResolveAsync(string value, string storeFolder)
    {
        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
            return File.Exists(value)
                ? (Path.GetFullPath(value), null)
                : (null, $"MODEL: the model file '{value}' does not exist; give a model.safetensors file or {Prefix}<run id>.");

        var reference = value[Prefix.Length..].Split('/', 2);
        if (!Guid.TryParse(reference[0], out var runId))
            return (null, $"MODEL: '{reference[0]}' is not a run id; `pipeline run --json` prints it as runId.");
        var store = new FileSystemObjectStore(Path.Combine(storeFolder, "objects"));
        var trialId = reference.Length > 1 ? reference[1] : await BestTrialAsync(store, runId);
        if (trialId is null)
            return (null, $"MODEL: run {runId:N} has no completed trial in the store '{storeFolder}'; name one as {Prefix}{runId:N}/t1, or pass --store.");
        if (!ObjectKey.IsValid(ObjectKeys.Model(runId, trialId)))
            return (null, $"MODEL: '{trialId}' is not a trial id (such as t1).");
        var path = store.PathOf(ObjectKeys.Model(runId, trialId));
        return File.Exists(path) ? (path, null) : (null, $"MODEL: run {runId:N} has no model for trial '{trialId}' in the store '{storeFolder}' (looked for {path}).");
    }

    private static async Task<string?> BestTrialAsync(FileSystemObjectStore store, Guid runId)
    {
        var key = ObjectKeys.RunReport(runId, RunSummaryWriter.SummaryFileName);
        if (!await store.ExistsAsync(key))
            return null;
        try
        {
            return (await store.GetJsonAsync<RunSummary>(key)).BestTrialId;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
