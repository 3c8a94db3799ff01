using Pipeline.Datasets;
using Pipeline.Contracts;
using Pipeline.Runs;
using Pipeline.Shards;
using Pipeline.Storage;

namespace Pipeline.ModelZoo.Tests;

/// <summary>A tiny prepared dataset of three visually distinct classes, written as shards + manifest into a temp file-system store.</summary>
internal sealed class SyntheticDataset : IDisposable
{
    public const int Size = 224;
    private const string Fingerprint = "synthetic";
    public static readonly string ManifestKey = ObjectKeys.Manifest(Fingerprint);
    public static readonly string[] Classes = ["red-stripes", "green-bars", "blue-checks"];

    /// <summary>Transfer training that learns these few images in an epoch or two: small batches, a large step, two threads.</summary>
    public static readonly TrainingSpec Training = new()
    {
        Backbone = BackboneNames.MlNetResNet18,
        Mode = TrainingMode.Transfer,
        Epochs = 1,
        BatchSize = 4,
        LearningRate = 1e-2,
        Threads = 2,
    };

    private SyntheticDataset(string root, FileSystemObjectStore store, DatasetManifest manifest) => (Root, Store, Manifest) = (root, store, manifest);

    public string Root { get; }
    public FileSystemObjectStore Store { get; }
    public DatasetManifest Manifest { get; }

    public static async Task<SyntheticDataset> CreateAsync(int trainPerClass, int validationPerClass, int testPerClass)
    {
        var root = Directory.CreateTempSubdirectory("pipeline-models-tests-").FullName;
        var store = new FileSystemObjectStore(root);
        var manifest = await WriteAsync(store, trainPerClass, validationPerClass, testPerClass);
        return new SyntheticDataset(root, store, manifest);
    }

    /// <summary>Writes the shards and the manifest into <paramref name="store"/>; the manifest is at <see cref="ManifestKey"/>.</summary>
    public static async Task<DatasetManifest> WriteAsync(IObjectStore store, int trainPerClass, int validationPerClass, int testPerClass)
    {
        var random = new Random(1234);
        var splits = new Dictionary<string, SplitManifest>();
        foreach (var (split, perClass) in new[] { (DatasetSplits.Train, trainPerClass), (DatasetSplits.Validation, validationPerClass), (DatasetSplits.Test, testPerClass) })
        {
            var count = perClass * Classes.Length;
            var labels = Enumerable.Range(0, count).Select(i => i % Classes.Length).ToArray();
            var pixels = labels.Select(label => TestPixels.OfClass(label, Size, random)).ToArray();
            await using var shard = new HashingReadStream(new ShardContent(Size, Size, labels, (i, target) => pixels[i].CopyTo(target)));
            var key = ObjectKeys.Shard(Fingerprint, split, 0);
            await store.PutAsync(key, shard);
            splits[split] = new SplitManifest(count, Enumerable.Repeat(perClass, Classes.Length).ToArray(),
                [new ShardEntry(key, count, shard.BytesRead, shard.Sha256())],
                Enumerable.Range(0, count).Select(i => $"{Classes[i % Classes.Length]}/{split}-{i}.png").ToArray());
        }
        var manifest = new DatasetManifest
        {
            Fingerprint = Fingerprint,
            Source = "synthetic",
            ImageWidth = Size,
            ImageHeight = Size,
            Classes = Classes,
            Seed = 1,
            Preprocessing = new PreprocessingSpec(),
            Splits = splits,
            Quarantine = [],
            Skipped = new SkippedFiles(0, 0),
        };
        await store.PutJsonAsync(ManifestKey, manifest);
        return manifest;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
