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
    public void A_class_spelled_composed_in_one_folder_and_decomposed_in_another_is_one_class_named_in_nfc()
    {
        const string composed = "caf\u00e9", decomposed = "cafe\u0301";
        TestImageFiles.Bytes(_data.Combine(composed, "1.png"), [1]);
        TestImageFiles.Bytes(_data.Combine(decomposed, "2.png"), [1]);
        TestImageFiles.Bytes(_data.Combine("tea", "1.png"), [1]);

        var listing = ImageFolder.Scan("drinks", _data.Path);

        Assert.Equal([composed, "tea"], listing.Classes);
        var cafe = listing.Files.Where(f => f.RelativePath != "tea/1.png").ToList();
        Assert.Equal(2, cafe.Count);
        Assert.All(cafe, file => Assert.Equal(0, file.Label));
        // The files keep their own spelling: it is what opens them.
        Assert.Contains(cafe, file => file.RelativePath == $"{decomposed}/2.png");
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
