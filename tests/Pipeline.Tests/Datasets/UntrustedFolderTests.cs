using Pipeline.Contracts;
using Pipeline.Datasets;

namespace Pipeline.Tests.Datasets;

/// <summary>What a local dataset folder may hold besides images, made for real: links, loops, devices, FIFOs.</summary>
public sealed class UntrustedFolderTests : IDisposable
{
    /// <summary>Listing must finish well within this even when an entry would block or stream for ever.</summary>
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _temp = new();
    private readonly string _data;

    public UntrustedFolderTests() => _data = _temp.Combine("data");

    public void Dispose() => _temp.Dispose();

    private void Images(string className, int count)
    {
        for (var i = 0; i < count; i++)
            TestImageFiles.Solid(Path.Combine(_data, className, $"{i}.png"), 8, 8, TestImageFiles.Red);
    }

    private Task<DatasetListing> ListAsync() => new LocalImageFolder("untrusted", _data).ListAsync().WaitAsync(NoHang);

    private static string CodeOf(DatasetListing listing, string path) => listing.Quarantine.Single(q => q.Path == path).Code;

    [Fact]
    public async Task A_symlink_loop_inside_a_class_is_reported_and_never_followed()
    {
        Images("church", 6);
        Images("dog", 6);
        SpecialFiles.SymbolicLink(Path.Combine(_data, "church", "loop"), "..");

        var listing = await ListAsync();

        Assert.Equal(12, listing.Files.Count);
        Assert.All(listing.Files, file => Assert.Equal(file.RelativePath.StartsWith("church/") ? 0 : 1, file.Label));
        Assert.Equal(QuarantineCodes.NotRegularFile, CodeOf(listing, "church/loop"));
        Assert.Contains("never followed", listing.Quarantine.Single().Message);
    }

    [Fact]
    public async Task A_link_to_dev_zero_and_a_FIFO_are_quarantined_without_being_read()
    {
        Images("a", 5);
        Images("b", 5);
        SpecialFiles.SymbolicLink(Path.Combine(_data, "a", "zero.jpg"), "/dev/zero");
        SpecialFiles.Fifo(Path.Combine(_data, "b", "pipe.png"));
        SpecialFiles.SymbolicLink(Path.Combine(_data, "b", "to-pipe.png"), "pipe.png");

        var listing = await ListAsync();

        Assert.Equal(10, listing.Files.Count);
        Assert.Equal(QuarantineCodes.NotRegularFile, CodeOf(listing, "a/zero.jpg"));
        Assert.Contains("character device", listing.Quarantine.Single(q => q.Path == "a/zero.jpg").Message);
        Assert.Equal(QuarantineCodes.NotRegularFile, CodeOf(listing, "b/pipe.png"));
        Assert.Equal(QuarantineCodes.NotRegularFile, CodeOf(listing, "b/to-pipe.png"));
        Assert.Contains("FIFO", listing.Quarantine.Single(q => q.Path == "b/pipe.png").Message);
    }

    [Fact]
    public async Task A_file_swapped_for_a_FIFO_after_listing_is_refused_not_waited_on()
    {
        Images("a", 5);
        Images("b", 5);
        var listing = await ListAsync();
        var swapped = listing.Files[0];
        File.Delete(Path.Combine(_data, swapped.RelativePath));
        SpecialFiles.Fifo(Path.Combine(_data, swapped.RelativePath));

        var error = await Assert.ThrowsAsync<IOException>(() => new LocalImageFolder("untrusted", _data).ReadAsync(swapped, 1 << 20).WaitAsync(NoHang));

        Assert.Contains("FIFO", error.Message);
    }

    [Fact]
    public async Task A_link_out_of_the_folder_is_quarantined_and_links_inside_are_read_once()
    {
        Images("a", 5);
        Images("b", 5);
        var outside = TestImageFiles.Solid(_temp.Combine("elsewhere", "secret.png"), 8, 8, TestImageFiles.Blue);
        SpecialFiles.SymbolicLink(Path.Combine(_data, "a", "outside.png"), outside);
        SpecialFiles.SymbolicLink(Path.Combine(_data, "a", "again.png"), "0.png");
        SpecialFiles.HardLink(Path.Combine(_data, "a", "hard.png"), Path.Combine(_data, "a", "1.png"));
        SpecialFiles.SymbolicLink(Path.Combine(_data, "a", "from-b.png"), "../b/0.png");
        SpecialFiles.SymbolicLink(Path.Combine(_data, "a", "broken.png"), "missing.png");

        var listing = await ListAsync();

        Assert.Equal(QuarantineCodes.LinkOutsideRoot, CodeOf(listing, "a/outside.png"));
        Assert.Equal(QuarantineCodes.NotRegularFile, CodeOf(listing, "a/broken.png"));
        // again.png and hard.png are a second path to a file of class a: listed once.
        Assert.Equal(2, listing.Skipped.Aliases);
        // A link to another class's file is kept, for the preprocessor to see the label conflict.
        Assert.Contains(listing.Files, file => file.RelativePath == "a/from-b.png");
        Assert.Equal(11, listing.Files.Count);
        Assert.Equal(listing.Files.Single(f => f.RelativePath == "b/0.png").Sha256, listing.Files.Single(f => f.RelativePath == "a/from-b.png").Sha256);
    }

    [Fact]
    public async Task A_class_folder_that_is_a_link_is_named_and_not_followed()
    {
        Images("a", 5);
        Images("b", 5);
        TestImageFiles.Solid(_temp.Combine("elsewhere", "0.png"), 8, 8, TestImageFiles.Blue);
        SpecialFiles.SymbolicLink(Path.Combine(_data, "c"), _temp.Combine("elsewhere"));

        var listing = await ListAsync();

        Assert.Equal(["a", "b"], listing.Classes);
        var ignored = Assert.Single(listing.Skipped.Folders);
        Assert.Equal("c", ignored.Name);
        Assert.Contains("link to a folder", ignored.Reason);
    }
}
