using Pipeline.Contracts;
using Pipeline.Datasets;

namespace Pipeline.Tests.Datasets;

public sealed class ImageFolderTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void A_hidden_folder_and_a_store_inside_the_data_are_named_not_taken_for_classes()
    {
        foreach (var folder in new[] { "cats", "dogs", ".git", "my-store" })
            TestImageFiles.Bytes(_data.Combine(folder, "1.png"), [1]);
        TestImageFiles.Bytes(_data.Combine("my-store", ImageFolder.StoreMarker), [1]);
        TestImageFiles.Bytes(_data.Combine("my-store", "objects", "runs", "x.png"), [1]);

        var listing = ImageFolder.Scan("pets", _data.Path);

        Assert.Equal(["cats", "dogs"], listing.Classes);
        Assert.Equal(["cats/1.png", "dogs/1.png"], listing.Files.Select(f => f.RelativePath));
        Assert.Equal([".git", "my-store"], listing.Skipped.Folders.Select(f => f.Name));
        Assert.Contains("hidden", listing.Skipped.Folders[0].Reason);
        Assert.Contains("pipeline store", listing.Skipped.Folders[1].Reason);
        Assert.Equal(1, listing.Skipped.Hidden);
    }

    [Fact]
    public void Ignored_folders_travel_in_the_manifest_json()
    {
        var skipped = new SkippedFiles(1, 2) { Folders = [new IgnoredFolder(".git", "hidden")] };

        var json = System.Text.Json.JsonSerializer.Serialize(skipped, PipelineJson.Options);
        var read = System.Text.Json.JsonSerializer.Deserialize<SkippedFiles>(json, PipelineJson.Options);

        Assert.Contains("\"folders\"", json);
        Assert.Equal(skipped, read);
    }

    [Fact]
    public void Listing_a_folder_stops_between_files_when_cancelled()
    {
        foreach (var folder in new[] { "cats", "dogs" })
            TestImageFiles.Bytes(_data.Combine(folder, "1.png"), [1]);

        Assert.Throws<OperationCanceledException>(() => ImageFolder.Scan("pets", _data.Path, new CancellationToken(canceled: true)));
    }
}
