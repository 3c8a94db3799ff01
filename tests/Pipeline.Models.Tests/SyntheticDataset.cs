using System.Security.Cryptography;
using Pipeline.Datasets;
using Pipeline.Runs;
using Pipeline.Shards;
using Pipeline.Storage;

namespace Pipeline.Models.Tests;

/// <summary>A tiny prepared dataset of three visually distinct classes, written as shards + manifest into a temp file-system store.</summary>
internal sealed class SyntheticDataset : IDisposable
{
    public const int Size = 224;
    public static readonly string[] Classes = ["red-stripes", "green-bars", "blue-checks"];

    private SyntheticDataset(string root, FileSystemObjectStore store, DatasetManifest manifest) => (Root, Store, Manifest) = (root, store, manifest);

    public string Root { get; }
    public FileSystemObjectStore Store { get; }
    public DatasetManifest Manifest { get; }

    public static async Task<SyntheticDataset> CreateAsync(int trainPerClass, int validationPerClass, int testPerClass)
    {
        var root = Directory.CreateTempSubdirectory("pipeline-models-tests-").FullName;
        var store = new FileSystemObjectStore(root);
        const string fingerprint = "synthetic";
        var random = new Random(1234);
        var splits = new Dictionary<string, SplitManifest>();
        foreach (var (split, perClass) in new[] { (DatasetSplits.Train, trainPerClass), (DatasetSplits.Validation, validationPerClass), (DatasetSplits.Test, testPerClass) })
        {
            using var shard = new MemoryStream();
            var writer = new ShardWriter(shard, Size, Size);
            for (var i = 0; i < perClass; i++)
                for (var label = 0; label < Classes.Length; label++)
                    writer.Add(label, TestImages.OfClass(label, Size, random));
            writer.Complete();
            var bytes = shard.ToArray();
            var key = ObjectKeys.Shard(fingerprint, split, 0);
            await store.PutBytesAsync(key, bytes);
            var count = perClass * Classes.Length;
            splits[split] = new SplitManifest(count, Enumerable.Repeat(perClass, Classes.Length).ToArray(),
                [new ShardEntry(key, count, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)))],
                Enumerable.Range(0, count).Select(i => $"{Classes[i % Classes.Length]}/{split}-{i}.png").ToArray());
        }
        var manifest = new DatasetManifest
        {
            Fingerprint = fingerprint,
            Source = "synthetic",
            ImageWidth = Size,
            ImageHeight = Size,
            Classes = Classes,
            Seed = 1,
            Split = SplitRatios.Default,
            Splits = splits,
            Quarantine = [],
            Skipped = new SkippedFiles(0, 0),
        };
        await store.PutJsonAsync(ObjectKeys.Manifest(fingerprint), manifest);
        return new SyntheticDataset(root, store, manifest);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
