using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Imaging;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Storage;

namespace Pipeline.Cli.Benchmarks;

/// <summary>
/// Times the preprocessor's own <see cref="DatasetPreparer"/> on an ImageFolder (list and hash, decode, orient, resize,
/// shard into a throw-away store), after a warm-up run on a few of its files, so that JIT compilation is not timed.
/// </summary>
/// <param name="chunkImages">Files per chunk; the chunks are prepared one after another, as one preprocessor would take them all.</param>
public sealed class PreprocessBenchmark(string folder, ImageDecoder decoder, int threads, PreprocessingSpec preprocessing, int chunkImages)
{
    /// <summary>Images per class in the warm-up run: the fewest the split accepts.</summary>
    private const int WarmUpImagesPerClass = StratifiedSplitter.MinImagesPerClass;

    /// <exception cref="PipelineException">The folder is no ImageFolder, or none of its images can be prepared.</exception>
    public async Task<PreprocessRun> RunAsync(CancellationToken cancellationToken)
    {
        var listing = ImageFolder.Scan(Path.GetFileName(folder), folder, cancellationToken);
        var work = Path.Combine(Path.GetTempPath(), $"pipeline-bench-{Guid.NewGuid():N}");
        try
        {
            await PrepareAsync(WriteWarmUpFolder(listing, Path.Combine(work, "warm-up")), Path.Combine(work, "warm-up-store"), cancellationToken);
            var stopwatch = Stopwatch.StartNew();
            var dataset = await PrepareAsync(folder, Path.Combine(work, "store"), cancellationToken);
            var seconds = stopwatch.Elapsed.TotalSeconds;
            var prepared = dataset.Manifest.Splits.Values.SelectMany(split => split.Files).Select(file => Path.Combine(folder, file)).ToArray();
            return new PreprocessRun(prepared, dataset.Manifest.Quarantine.Count, seconds, dataset.Times!,
                Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0));
        }
        finally
        {
            if (Directory.Exists(work))
                Directory.Delete(work, recursive: true);
        }
    }

    private async Task<PreparedDataset> PrepareAsync(string dataset, string storeFolder, CancellationToken cancellationToken)
    {
        var options = new PreprocessorOptions
        {
            Decoder = decoder, MaxDegreeOfParallelism = threads, ChunkImages = chunkImages, WorkDirectory = Path.Combine(storeFolder, "work"),
        };
        var preparer = new DatasetPreparer(new FileSystemObjectStore(storeFolder), NullLogger<DatasetPreparer>.Instance, options);
        return await preparer.PrepareAsync(new LocalImageFolder(Path.GetFileName(dataset), dataset), preprocessing, seed: 1, cancellationToken: cancellationToken);
    }

    /// <summary>Copies of the first images of two classes (copies, not links: a link out of a dataset is quarantined).</summary>
    private string WriteWarmUpFolder(DatasetListing listing, string warmUp)
    {
        foreach (var label in Enumerable.Range(0, 2))
        {
            var classFolder = Directory.CreateDirectory(Path.Combine(warmUp, $"class{label}")).FullName;
            foreach (var file in listing.Files.Where(file => file.Label == label).Take(WarmUpImagesPerClass))
                File.Copy(Path.Combine(folder, file.RelativePath), Path.Combine(classFolder, Path.GetFileName(file.RelativePath)));
        }
        return warmUp;
    }
}
