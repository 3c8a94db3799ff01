using System.Globalization;

namespace Pipeline.Storage;

/// <summary>The object layout of the pipeline's one bucket (see DESIGN.md), in one place.</summary>
public static class ObjectKeys
{
    public static string Manifest(string fingerprint) => $"prepared/{fingerprint}/manifest.json";
    public static string Shard(string fingerprint, string split, int index) =>
        $"prepared/{fingerprint}/{split}/shard-{index.ToString("D5", CultureInfo.InvariantCulture)}.bin";

    public static string RunRecord(Guid runId) => $"runs/{runId:N}/run.json";
    public static string Checkpoint(Guid runId, string trialId, string name) => $"runs/{runId:N}/trials/{trialId}/checkpoints/{name}";
    public static string Model(Guid runId, string trialId) => $"runs/{runId:N}/trials/{trialId}/model.bin";
    public static string History(Guid runId, string trialId) => $"runs/{runId:N}/trials/{trialId}/history.json";
    public static string Report(Guid runId) => $"runs/{runId:N}/report/";
    public static string ReportFile(Guid runId, string file) => $"runs/{runId:N}/report/{file}";
}
