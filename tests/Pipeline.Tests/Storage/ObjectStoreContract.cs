using System.Text;
using Pipeline.Storage;

namespace Pipeline.Tests.Storage;

/// <summary>
/// What every <see cref="IObjectStore"/> does, whatever it keeps objects in. A subclass per store runs all of it:
/// <see cref="FileSystemStoreContractTests"/>, <see cref="S3StoreContractTests"/>.
/// </summary>
public abstract class ObjectStoreContract : IAsyncLifetime
{
    /// <summary>Keys that are valid but easy to get wrong on the way to a server and back.</summary>
    public static readonly string[] OddKeys =
    [
        "with space/file name.bin",
        "plus+sign/a+b=c.bin",
        "percent/100%.bin",
        "percent/already%2Fescaped%20.bin",
        "query?and#hash/x&y=z.bin",
        "punctuation/it's (1) [a] {b} !*@$,;.bin",
        "unicode/äöü ß é/日本語/ファイル.bin",
        "unicode/emoji 🙂 and Ω.bin",
        "deep/a/b/c/d/e/f/g/h/i/j/k/leaf.bin",
        "tilde~/dash-underscore_dot.x",
    ];

    protected IObjectStore Store { get; private set; } = null!;

    protected abstract Task<IObjectStore> CreateStoreAsync();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Put_then_get_returns_the_bytes()
    {
        await Store.PutBytesAsync("a/b/c.bin", [1, 2, 3]);

        Assert.True(await Store.ExistsAsync("a/b/c.bin"));
        Assert.Equal([1, 2, 3], await Store.GetBytesAsync("a/b/c.bin"));
    }

    [Fact]
    public async Task An_empty_object_round_trips()
    {
        await Store.PutBytesAsync("empty", []);

        Assert.True(await Store.ExistsAsync("empty"));
        Assert.Empty(await Store.GetBytesAsync("empty"));
    }

    [Fact]
    public async Task Putting_again_replaces_the_object()
    {
        await Store.PutBytesAsync("obj", Encoding.UTF8.GetBytes("old contents"));

        await Store.PutBytesAsync("obj", Encoding.UTF8.GetBytes("new"));

        Assert.Equal("new", Encoding.UTF8.GetString(await Store.GetBytesAsync("obj")));
        Assert.Equal(["obj"], await Store.ListAsync("").ToListAsync());
    }

    [Fact]
    public async Task A_missing_object_is_ObjectNotFound_when_opened()
    {
        Assert.False(await Store.ExistsAsync("nothing/here"));

        // The open itself throws, not a later read.
        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync("nothing/here"));
        Assert.Equal("nothing/here", error.Key);
    }

    [Fact]
    public async Task Size_is_the_object_s_length_and_a_missing_object_is_ObjectNotFound()
    {
        await Store.PutBytesAsync("sized/seven.bin", [1, 2, 3, 4, 5, 6, 7]);
        await Store.PutBytesAsync("sized/empty.bin", []);

        Assert.Equal(7, await Store.SizeAsync("sized/seven.bin"));
        Assert.Equal(0, await Store.SizeAsync("sized/empty.bin"));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.SizeAsync("sized/missing.bin"));
    }

    [Fact]
    public async Task Exists_follows_put_and_delete()
    {
        Assert.False(await Store.ExistsAsync("k/v"));
        await Store.PutBytesAsync("k/v", [9]);
        Assert.True(await Store.ExistsAsync("k/v"));
        Assert.False(await Store.ExistsAsync("k")); // a folder is not an object
        await Store.DeleteAsync("k/v");
        Assert.False(await Store.ExistsAsync("k/v"));
    }

    [Fact]
    public async Task List_returns_keys_under_a_prefix_in_ordinal_order()
    {
        foreach (var key in new[] { "runs/b/x", "runs/abc/y", "runs/ab/z", "runs/abc/B", "other/q" })
            await Store.PutBytesAsync(key, [0]);

        // "runs/ab" is not a folder boundary: it matches runs/ab/ and runs/abc/ alike.
        Assert.Equal(["runs/ab/z", "runs/abc/B", "runs/abc/y"], await Store.ListAsync("runs/ab").ToListAsync());
        Assert.Equal(["runs/ab/z"], await Store.ListAsync("runs/ab/").ToListAsync());
        Assert.Equal(["other/q", "runs/ab/z", "runs/abc/B", "runs/abc/y", "runs/b/x"], await Store.ListAsync("").ToListAsync());
        Assert.Empty(await Store.ListAsync("missing/").ToListAsync());
        Assert.Empty(await Store.ListAsync("runs/abd").ToListAsync());
    }

    [Fact]
    public async Task List_order_is_ordinal_not_folder_walk_or_utf8_order()
    {
        // Folder-walk order would put "a/b" before "a-b/x" and "a.b"; UTF-8 byte order would put U+FF01 before U+1F600.
        string[] keys = ["b", "a0", "a/b", "a.b", "a-b/x", "A", "x/\uFF01", "x/\U0001F600"];
        foreach (var key in keys)
            await Store.PutBytesAsync(key, [1]);

        Assert.Equal(keys.Order(StringComparer.Ordinal), await Store.ListAsync("").ToListAsync());
        Assert.Equal(["x/\U0001F600", "x/\uFF01"], await Store.ListAsync("x/").ToListAsync());
    }

    [Fact]
    public async Task Delete_removes_and_tolerates_missing_objects()
    {
        await Store.PutBytesAsync("k/v", [9]);

        await Store.DeleteAsync("k/v");
        await Store.DeleteAsync("k/v");

        Assert.False(await Store.ExistsAsync("k/v"));
        Assert.Empty(await Store.ListAsync("k/").ToListAsync());
    }

    [Fact]
    public async Task Delete_tolerates_a_key_whose_folder_does_not_exist()
    {
        await Store.DeleteAsync("never/existed");
    }

    [Fact]
    public async Task A_failed_put_keeps_the_old_object()
    {
        await Store.PutBytesAsync("obj", [1]);

        await Assert.ThrowsAnyAsync<IOException>(() => Store.PutAsync("obj", new FailingStream()));

        Assert.Equal([1], await Store.GetBytesAsync("obj"));
        Assert.Equal(["obj"], await Store.ListAsync("").ToListAsync());
    }

    [Fact]
    public async Task Odd_keys_round_trip_and_list()
    {
        foreach (var key in OddKeys)
            await Store.PutBytesAsync(key, Encoding.UTF8.GetBytes(key));

        foreach (var key in OddKeys)
        {
            Assert.True(await Store.ExistsAsync(key), key);
            Assert.Equal(key, Encoding.UTF8.GetString(await Store.GetBytesAsync(key)));
        }
        Assert.Equal(OddKeys.Order(StringComparer.Ordinal), await Store.ListAsync("").ToListAsync());
        Assert.Equal(["unicode/emoji 🙂 and Ω.bin", "unicode/äöü ß é/日本語/ファイル.bin"], await Store.ListAsync("unicode/").ToListAsync());
        Assert.Equal(["plus+sign/a+b=c.bin"], await Store.ListAsync("plus+").ToListAsync());
        Assert.Equal(["percent/100%.bin", "percent/already%2Fescaped%20.bin"], await Store.ListAsync("percent/").ToListAsync());
        Assert.Equal(["with space/file name.bin"], await Store.ListAsync("with sp").ToListAsync());

        foreach (var key in OddKeys)
            await Store.DeleteAsync(key);
        Assert.Empty(await Store.ListAsync("").ToListAsync());
    }

    [Fact]
    public async Task Put_if_absent_keeps_the_first_object()
    {
        Assert.True(await Store.PutIfAbsentAsync("first", new MemoryStream(Encoding.UTF8.GetBytes("first contents"))));

        Assert.False(await Store.PutIfAbsentAsync("first", new MemoryStream(Encoding.UTF8.GetBytes("second"))));

        Assert.Equal("first contents", Encoding.UTF8.GetString(await Store.GetBytesAsync("first")));
        Assert.Equal(["first"], await Store.ListAsync("").ToListAsync());
    }

    [Fact]
    public async Task Concurrent_puts_of_different_keys_all_land()
    {
        var keys = Enumerable.Range(0, 24).Select(i => $"concurrent/{i:D2}.bin").ToArray();

        await Task.WhenAll(keys.Select((key, i) => Task.Run(() => Store.PutBytesAsync(key, Enumerable.Repeat((byte)i, 1000 + i).ToArray()))));

        Assert.Equal(keys, await Store.ListAsync("concurrent/").ToListAsync());
        for (var i = 0; i < keys.Length; i++)
            Assert.Equal(Enumerable.Repeat((byte)i, 1000 + i).ToArray(), await Store.GetBytesAsync(keys[i]));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a//b")]
    [InlineData("/abs")]
    [InlineData("a\\b")]
    public async Task Invalid_keys_are_refused(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutBytesAsync(key, [1]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ExistsAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(key));
    }
}
