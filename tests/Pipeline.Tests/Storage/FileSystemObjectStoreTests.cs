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

    [Fact]
    public async Task Put_then_get_returns_the_bytes()
    {
        await _store.PutBytesAsync("a/b/c.bin", [1, 2, 3]);

        Assert.True(await _store.ExistsAsync("a/b/c.bin"));
        Assert.Equal([1, 2, 3], await _store.GetBytesAsync("a/b/c.bin"));
        Assert.Equal(_temp.Combine("store", "a", "b", "c.bin"), _store.PathOf("a/b/c.bin"));
    }

    [Fact]
    public async Task A_missing_object_is_ObjectNotFound()
    {
        Assert.False(await _store.ExistsAsync("nothing/here"));
        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => _store.OpenReadAsync("nothing/here"));
        Assert.Equal("nothing/here", error.Key);
    }

    [Fact]
    public async Task List_returns_keys_under_a_prefix_in_ordinal_order()
    {
        foreach (var key in new[] { "runs/b/x", "runs/abc/y", "runs/ab/z", "runs/abc/B", "other/q" })
            await _store.PutBytesAsync(key, [0]);

        Assert.Equal(["runs/ab/z", "runs/abc/B", "runs/abc/y"], await ToListAsync(_store.ListAsync("runs/ab")));
        Assert.Equal(["runs/ab/z"], await ToListAsync(_store.ListAsync("runs/ab/")));
        Assert.Equal(5, (await ToListAsync(_store.ListAsync(""))).Count);
        Assert.Empty(await ToListAsync(_store.ListAsync("missing/")));
    }

    [Fact]
    public async Task Delete_removes_and_tolerates_missing_objects()
    {
        await _store.PutBytesAsync("k/v", [9]);

        await _store.DeleteAsync("k/v");
        await _store.DeleteAsync("k/v");

        Assert.False(await _store.ExistsAsync("k/v"));
    }

    [Fact]
    public async Task Delete_tolerates_a_key_whose_folder_does_not_exist()
    {
        await _store.DeleteAsync("never/existed");
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
    public async Task A_failed_put_keeps_the_old_object_and_leaves_no_temp_file()
    {
        await _store.PutBytesAsync("obj", [1]);

        await Assert.ThrowsAsync<IOException>(() => _store.PutAsync("obj", new FailingStream()));

        Assert.Equal([1], await _store.GetBytesAsync("obj"));
        Assert.Equal(["obj"], await ToListAsync(_store.ListAsync("")));
        Assert.Single(Directory.GetFiles(_store.Root));
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
            Quarantine = [new QuarantinedFile("b/x.jpg", "the file is empty (0 bytes)")],
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

    private static async Task<List<string>> ToListAsync(IAsyncEnumerable<string> keys)
    {
        var list = new List<string>();
        await foreach (var key in keys)
            list.Add(key);
        return list;
    }

    /// <summary>Yields a few bytes, then fails like a dropped upload.</summary>
    private sealed class FailingStream : MemoryStream
    {
        public FailingStream() : base([1, 2, 3]) { }

        public override int Read(Span<byte> buffer) => Position < 2 ? base.Read(buffer[..1]) : throw new IOException("connection reset");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));
    }
}
