using System.Text;
using Pipeline.Datasets;
using Pipeline.Contracts;
using Pipeline.Runs;
using Pipeline.Storage;

namespace Pipeline.Tests.Storage;

public sealed class FileSystemObjectStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FileSystemObjectStore _store;

    public FileSystemObjectStoreTests() => _store = new FileSystemObjectStore(_temp.Combine("store"));

    public void Dispose() => _temp.Dispose();

    // What every store does is in ObjectStoreContract (FileSystemStoreContractTests); what is left here is the file system's own.

    [Fact]
    public async Task An_object_is_a_file_under_the_root()
    {
        await _store.PutBytesAsync("a/b/c.bin", [1, 2, 3]);

        Assert.Equal(_temp.Combine("store", "a", "b", "c.bin"), _store.PathOf("a/b/c.bin"));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(_temp.Combine("store", "a", "b", "c.bin")));
    }

    [Fact]
    public async Task Of_racing_put_if_absent_writers_exactly_one_wins_and_no_temp_file_stays()
    {
        var contents = Enumerable.Range(1, 8).Select(i => Enumerable.Repeat((byte)i, 100_000).ToArray()).ToArray();

        // Many rounds: a check-then-rename lets two writers win now and then, not every time.
        for (var round = 0; round < 25; round++)
        {
            var key = $"race{round}/obj";
            var won = await Task.WhenAll(contents.Select(bytes => Task.Run(() => _store.PutIfAbsentAsync(key, new MemoryStream(bytes)))));

            var winner = Assert.Single(Enumerable.Range(0, won.Length), i => won[i]);
            Assert.Equal(contents[winner], await _store.GetBytesAsync(key));
            Assert.Equal([_store.PathOf(key)], Directory.GetFiles(_temp.Combine("store", $"race{round}")));
        }
    }

    [Fact]
    public async Task Replacing_is_atomic_for_readers()
    {
        await _store.PutBytesAsync("obj", Encoding.UTF8.GetBytes("old contents"));
        await using var oldReader = await _store.OpenReadAsync("obj");

        await _store.PutBytesAsync("obj", Encoding.UTF8.GetBytes("new"));

        using var text = new StreamReader(oldReader);
        Assert.Equal("old contents", await text.ReadToEndAsync());
        Assert.Equal("new", Encoding.UTF8.GetString(await _store.GetBytesAsync("obj")));
    }

    [Fact]
    public async Task A_failed_put_leaves_no_temp_file()
    {
        await _store.PutBytesAsync("obj", [1]);

        await Assert.ThrowsAsync<IOException>(() => _store.PutAsync("obj", new FailingStream()));

        Assert.Equal([_store.PathOf("obj")], Directory.GetFiles(_store.Root));
    }

    [Fact]
    public async Task A_failed_put_reports_its_own_error_even_when_its_temp_file_cannot_be_removed()
    {
        // The upload fails after its folder vanished: removing the temp file fails too, and must not hide why the put failed.
        var folder = _temp.Combine("store", "gone");
        var stream = new FailingStream(onFailure: () => Directory.Delete(folder, recursive: true));

        var error = await Assert.ThrowsAsync<IOException>(() => _store.PutAsync("gone/obj", stream));

        Assert.Equal("connection reset", error.Message);
    }

    [Fact]
    public async Task Links_inside_the_store_are_neither_followed_nor_listed()
    {
        var outside = _temp.Combine("outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "not the store's");
        Directory.CreateSymbolicLink(_temp.Combine("store", "linked"), outside);
        File.CreateSymbolicLink(_temp.Combine("store", "file-link"), Path.Combine(outside, "secret.txt"));
        await _store.PutBytesAsync("real/object", [1]);

        Assert.Equal(["real/object"], await _store.ListAsync("").ToListAsync());
        foreach (var key in new[] { "linked/secret.txt", "file-link" })
        {
            Assert.Contains("is a link", (await Assert.ThrowsAsync<ArgumentException>(() => _store.OpenReadAsync(key))).Message);
            await Assert.ThrowsAsync<ArgumentException>(() => _store.PutBytesAsync(key, [2]));
        }
        Assert.Equal("not the store's", await File.ReadAllTextAsync(Path.Combine(outside, "secret.txt")));
    }

    [Fact]
    public async Task A_manifest_round_trips_as_json()
    {
        var manifest = new DatasetManifest
        {
            Fingerprint = "f",
            Source = "/data",
            ImageWidth = 224,
            ImageHeight = 224,
            Classes = ["a", "b"],
            Seed = 7,
            Preprocessing = new PreprocessingSpec { Split = new SplitRatios(80, 10, 10), Resize = ResizeMode.Stretch },
            Splits = new Dictionary<string, SplitManifest>
            {
                [DatasetSplits.Train] = new(1, [1, 0], [new ShardEntry("prepared/f/train/shard-00000.bin", 1, 150_544, "ab")], ["a/1.png"]),
            },
            Quarantine = [new QuarantinedFile("b/x.jpg", QuarantineCodes.Truncated, "the file is empty (0 bytes)")],
            Skipped = new SkippedFiles(1, 2),
        };

        await _store.PutJsonAsync("m.json", manifest);
        var read = await _store.GetJsonAsync<DatasetManifest>("m.json");

        Assert.Equal(manifest.Preprocessing, read.Preprocessing);
        Assert.Equal(manifest.Classes, read.Classes);
        Assert.Equal(manifest.Quarantine, read.Quarantine);
        Assert.Equal(manifest.Skipped, read.Skipped);
        Assert.Equal(manifest[DatasetSplits.Train].Shards, read[DatasetSplits.Train].Shards);
        var json = Encoding.UTF8.GetString(await _store.GetBytesAsync("m.json"));
        Assert.Contains("\"split\": \"80/10/10\"", json);
        Assert.Contains("\"resize\": \"stretch\"", json);
    }
}
