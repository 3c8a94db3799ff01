using System.Globalization;

namespace Pipeline.Storage;

/// <summary>The object layout of the pipeline's one bucket (docs/architecture.md), in one place.</summary>
public static class ObjectKeys
{
    public const string DatasetsFolder = "datasets/";
    public static string DatasetFolder(string dataset) => $"{DatasetsFolder}{dataset}/";
    public static string DatasetIndex(string dataset) => $"{DatasetFolder(dataset)}index.json";

    /// <summary>The dataset whose index <paramref name="key"/> is; null for any other key.</summary>
    public static string? DatasetOfIndex(string key) =>
        key.StartsWith(DatasetsFolder, StringComparison.Ordinal) && key.EndsWith("/index.json", StringComparison.Ordinal)
        && key[DatasetsFolder.Length..^"/index.json".Length] is { } name && !name.Contains('/') ? name : null;

    /// <param name="relativePath">The file's path inside the ImageFolder, starting with its class folder.</param>
    public static string DatasetFile(string dataset, string relativePath) => $"datasets/{dataset}/raw/{relativePath}";

    /// <summary>A weights file copied into the store, named by its content.</summary>
    public static string Weights(string sha256) => $"{WeightsFolder}{sha256}{WeightsExtension}";
    public const string WeightsFolder = "weights/";
    private const string WeightsExtension = ".pth";

    /// <summary>The name (content hash) of the weights file <paramref name="key"/> is; null for any other key.</summary>
    public static string? WeightsName(string key) =>
        key.StartsWith(WeightsFolder, StringComparison.Ordinal) && key.EndsWith(WeightsExtension, StringComparison.Ordinal)
        && key[WeightsFolder.Length..^WeightsExtension.Length] is { } name && !name.Contains('/') ? name : null;

    public const string PreparedRoot = "prepared/";

    /// <summary>Everything prepared from one dataset fingerprint: manifest, shards and cached features.</summary>
    public static string PreparedFolder(string fingerprint) => $"{PreparedRoot}{fingerprint}/";

    public static string Manifest(string fingerprint) => $"{PreparedFolder(fingerprint)}manifest.json";
    public static string Shard(string fingerprint, string split, int index) =>
        $"{PreparedFolder(fingerprint)}{split}/shard-{index.ToString("D5", CultureInfo.InvariantCulture)}.bin";

    public static string FeaturesFolder(string fingerprint) => $"{PreparedFolder(fingerprint)}features/";

    /// <summary>A dataset cut into chunks: the listing, its split and the chunk size, decided once before any chunk is prepared.</summary>
    public static string ChunkPlan(string fingerprint) => $"prepared/{fingerprint}/chunks/plan.json";

    /// <summary>What one chunk produced (its shards, files and quarantine), written after its shards.</summary>
    public static string ChunkResult(string fingerprint, int chunk) =>
        $"prepared/{fingerprint}/chunks/chunk-{chunk.ToString("D5", CultureInfo.InvariantCulture)}.json";

    /// <summary>The index of a split's cached backbone features, beside its shards; <paramref name="id"/> is a hash of everything they depend on.</summary>
    public static string Features(string fingerprint, string split, string id) => $"{FeaturesFolder(fingerprint)}{split}-{id}.json";

    /// <summary>One chunk of cached features (one shard's images), under the folder of the trial that computed it (<paramref name="writer"/>).</summary>
    public static string FeatureChunk(string fingerprint, string split, string id, string writer, int index) =>
        $"{FeaturesFolder(fingerprint)}{split}-{id}/{writer}/chunk-{index.ToString("D5", CultureInfo.InvariantCulture)}.safetensors";

    public static string RunFile(Guid runId) => $"{RunFolder(runId)}run.json";

    /// <summary>Present once the run was cancelled: every stage checks it, so a redelivered command never works for a cancelled run.</summary>
    public static string CancelMarker(Guid runId) => $"{RunFolder(runId)}cancelled";
    /// <summary>Embedded mode only: the local folder a run's dataset was read from, so that <c>run --resume</c> finds it again.</summary>
    public static string LocalDataFolder(Guid runId) => $"{RunFolder(runId)}local-data.json";

    public static string RunReport(Guid runId, string file) => $"{RunFolder(runId)}report/{file}";

    public static string Checkpoint(Guid runId, string trialId, string name) => $"{Trial(runId, trialId)}{CheckpointsFolderName}/{name}.safetensors";
    public const string CheckpointsFolderName = "checkpoints";
    public static string Model(Guid runId, string trialId) => $"{Trial(runId, trialId)}model.safetensors";
    public const string HistoryFileName = "history.json";
    public static string History(Guid runId, string trialId) => $"{Trial(runId, trialId)}{HistoryFileName}";
    public static string TrialReport(Guid runId, string trialId, string file) => $"{Trial(runId, trialId)}report/{file}";

    /// <summary>A key of the run's folder as a path relative to that folder (<c>trials/t1/report/report.html</c>); null for other keys.</summary>
    public static string? InRunFolder(Guid runId, string? key) =>
        key is not null && key.StartsWith(RunFolder(runId), StringComparison.Ordinal) ? key[RunFolder(runId).Length..] : null;

    /// <summary>The folder of everything a run writes, with its trailing '/'.</summary>
    public static string RunFolder(Guid runId) => $"runs/{runId:N}/";
    private static string Trial(Guid runId, string trialId) => $"{RunFolder(runId)}trials/{trialId}/";
}
