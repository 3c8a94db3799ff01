using Pipeline.Storage;

namespace Pipeline.Tests.Storage;

public sealed class ObjectKeyTests
{
    public static TheoryData<string> InvalidKeys => new()
    {
        "", "../x", "a/../b", "a/..", "./a", "/etc/passwd", "a\\b", "a//b", "a/", "C:/windows", "a\nb", new string('k', ObjectKey.MaxLength + 1),
    };

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public void Invalid_keys_are_refused(string key)
    {
        Assert.False(ObjectKey.IsValid(key));
        var error = Assert.Throws<ArgumentException>(() => ObjectKey.Validate(key));
        Assert.StartsWith("Invalid object key", error.Message);
    }

    [Theory]
    [InlineData("prepared/0123abcd/manifest.json")]
    [InlineData("datasets/my set/raw/t-shirt_top/00001.png")]
    [InlineData("a..b/c")]
    [InlineData("x")]
    public void Valid_keys_are_accepted(string key)
    {
        Assert.Equal(key, ObjectKey.Validate(key));
    }

    [Fact]
    public void Layout_keys_are_valid()
    {
        Assert.True(ObjectKey.IsValid(ObjectKeys.Manifest("f00d")));
        Assert.Equal("prepared/f00d/train/shard-00012.bin", ObjectKeys.Shard("f00d", "train", 12));
    }

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public async Task The_file_system_store_refuses_invalid_keys_before_touching_disk(string key)
    {
        using var temp = new TempDirectory();
        var store = new FileSystemObjectStore(temp.Combine("store"));

        await Assert.ThrowsAsync<ArgumentException>(() => store.PutBytesAsync(key, [1]));
        await Assert.ThrowsAsync<ArgumentException>(() => store.OpenReadAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ExistsAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync(key));
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Root));
    }
}
