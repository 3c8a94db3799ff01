using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Storage;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Tests.Preprocessing;

/// <summary>Datasets that come split: train/, val/ and test/ folders, each an ImageFolder.</summary>
public sealed class PreSplitDatasetTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _data;
    private readonly FileSystemObjectStore _store;

    public PreSplitDatasetTests()
    {
        _data = _temp.Combine("data");
        _store = new FileSystemObjectStore(_temp.Combine("store"));
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>Per split, per class, that many images, each distinct (its size encodes split, class and index).</summary>
    private void Write(params (string Split, string Class, int Count)[] folders)
    {
        foreach (var (split, className, count) in folders)
            for (var i = 0; i < count; i++)
                TestImageFiles.Solid(Path.Combine(_data, split, className, $"{i}.png"), 10 + i, 10 + Array.IndexOf(DatasetSplits.All.ToArray(), split), new Rgb24(9, 9, (byte)className[0]));
    }

    private Task<PreparedDataset> PrepareAsync(IDatasetSource source) =>
        new DatasetPreparer(_store, NullLogger<DatasetPreparer>.Instance, new PreprocessorOptions { WorkDirectory = _temp.Combine("work") })
            .PrepareAsync(source, new PreprocessingSpec(), seed: 1);

    [Fact]
    public async Task A_dataset_that_comes_split_keeps_its_split_from_a_folder_and_from_the_store()
    {
        Write(("train", "cat", 6), ("train", "dog", 5), ("val", "cat", 2), ("val", "dog", 1), ("test", "cat", 3), ("test", "dog", 2), ("test", "eel", 1));
        TestImageFiles.Bytes(Path.Combine(_data, "train", "README.txt"), "notes"u8.ToArray());

        var local = await PrepareAsync(new LocalImageFolder("split", _data));
        await new DatasetUploader(_store).UploadAsync("split", _data);
        var fromStore = await PrepareAsync(new StoreDataset(_store, "split"));

        var manifest = local.Manifest;
        Assert.True(manifest.PreSplit);
        Assert.Equal(["cat", "dog", "eel"], manifest.Classes);
        Assert.Equal([6, 5, 0], manifest[DatasetSplits.Train].ClassCounts);
        Assert.Equal([2, 1, 0], manifest[DatasetSplits.Validation].ClassCounts);
        Assert.Equal([3, 2, 1], manifest[DatasetSplits.Test].ClassCounts);
        Assert.All(DatasetSplits.All, split => Assert.All(manifest[split].Files, file => Assert.StartsWith($"{split}/", file)));
        Assert.Equal(1, manifest.Skipped.NotImages);
        // The uploaded copy has the same content hashes, so it names the same prepared dataset without a byte downloaded.
        Assert.True(fromStore.FromCache);
        Assert.Equal(local.ManifestKey, fromStore.ManifestKey);
    }

    [Fact]
    public async Task A_split_dataset_without_its_val_folder_is_refused_with_what_to_do()
    {
        Write(("train", "cat", 6), ("train", "dog", 5), ("test", "cat", 3), ("test", "dog", 2));

        var error = await Assert.ThrowsAsync<PipelineException>(() => PrepareAsync(new LocalImageFolder("split", _data)));

        Assert.Contains("no val/ folder", error.Message);
        Assert.Contains("add the missing folder", error.Message);
    }
}
