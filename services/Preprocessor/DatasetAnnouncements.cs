using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Runs;

namespace Pipeline.Preprocessor;

/// <summary>The event that says a run's dataset is ready, made the same way whether one process prepared it or many chunks did.</summary>
public static class DatasetAnnouncements
{
    private static readonly IReadOnlyDictionary<string, string> Versions = ComponentVersions.Of(typeof(SixLabors.ImageSharp.Image), typeof(DatasetPreparer));

    public static DatasetPrepared Prepared(Guid runId, PreparedDataset prepared, TimeSpan computed)
    {
        var manifest = prepared.Manifest;
        return new DatasetPrepared(runId, prepared.ManifestKey, manifest.Fingerprint, manifest.Classes.Count,
            manifest[DatasetSplits.Train].Count, manifest[DatasetSplits.Validation].Count, manifest[DatasetSplits.Test].Count,
            manifest.Quarantine.Count, prepared.FromCache, Versions, manifest.Skipped.Folders, computed.TotalSeconds);
    }
}
