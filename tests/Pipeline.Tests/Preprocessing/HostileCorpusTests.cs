using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Datasets;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Contracts;
using Pipeline.Imaging;
using Pipeline.Storage;

namespace Pipeline.Tests.Preprocessing;

public sealed class HostileCorpusTests : IDisposable
{
    private const int Size = 64;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(ImageDecoder.ImageSharp)]
    [InlineData(ImageDecoder.Skia)]
    public async Task Every_file_of_a_hostile_folder_is_converted_correctly_or_quarantined_with_its_code_and_nothing_hangs(ImageDecoder decoder)
    {
        var data = _temp.Combine("data");
        var corpus = HostileCorpus.Write(data, _temp.Combine("outside"));
        var store = new FileSystemObjectStore(_temp.Combine("store"));
        var preparer = new DatasetPreparer(store, NullLogger<DatasetPreparer>.Instance,
            new PreprocessorOptions { WorkDirectory = _temp.Combine("work"), Decoder = decoder });

        var manifest = (await preparer.PrepareAsync(new LocalImageFolder("hostile", data), new PreprocessingSpec { ImageSize = Size }, seed: 1)
            .WaitAsync(TimeSpan.FromSeconds(60))).Manifest;

        Assert.Equal(corpus.Quarantined, manifest.Quarantine.ToDictionary(q => q.Path, q => q.Code));
        Assert.All(manifest.Quarantine, q => Assert.False(string.IsNullOrWhiteSpace(q.Message)));
        var prepared = 0;
        foreach (var split in DatasetSplits.All)
        {
            var images = await SplitImages.LoadAsync(store, manifest, split);
            for (var i = 0; i < images.Count; i++, prepared++)
            {
                var file = manifest[split].Files[i];
                if (file == HostileCorpus.Rotated)
                    PreparedPixels.AssertUpright(images.Image(i), Size);
                else
                    PreparedPixels.AssertSolid(file, images.Image(i), corpus.Colours[file]);
            }
        }
        Assert.Equal(corpus.Colours.Count + 1, prepared);
    }
}
