using Pipeline.Shards;

namespace Pipeline.Tests.Shards;

public sealed class ShardFormatTests
{
    private const int Width = 4, Height = 3;
    private static readonly int PixelBytes = ShardFormat.PixelCount(Width, Height);

    private static byte[] Pixels(byte seed) => Enumerable.Range(0, PixelBytes).Select(i => (byte)(seed + i)).ToArray();

    private static ShardContent Content(params (int Label, byte Seed)[] records) =>
        new(Width, Height, records.Select(r => r.Label).ToArray(), (i, pixels) => Pixels(records[i].Seed).CopyTo(pixels));

    private static MemoryStream WriteShard(params (int Label, byte Seed)[] records)
    {
        var stream = new MemoryStream();
        Content(records).CopyTo(stream);
        stream.Position = 0;
        return stream;
    }

    [Fact]
    public void Records_round_trip_in_order()
    {
        var stream = WriteShard((2, 10), (0, 20), (7, 30));
        Assert.Equal(ShardFormat.HeaderSize + 3 * ShardFormat.RecordSize(Width, Height), stream.Length);

        var reader = new ShardReader(stream);
        Assert.Equal(new ShardHeader(Width, Height, 3), reader.Header);
        var buffer = new byte[PixelBytes];
        foreach (var (label, seed) in new[] { (2, 10), (0, 20), (7, 30) })
        {
            Assert.True(reader.TryRead(buffer, out var read));
            Assert.Equal(label, read);
            Assert.Equal(Pixels((byte)seed), buffer);
        }
        Assert.False(reader.TryRead(buffer, out _));
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void ReadBatch_fills_contiguous_buffers()
    {
        var reader = new ShardReader(WriteShard((1, 1), (2, 2), (3, 3)));
        var pixels = new byte[4 * PixelBytes];
        var labels = new int[4];

        Assert.Equal(3, reader.ReadBatch(pixels, labels));
        Assert.Equal([1, 2, 3], labels[..3]);
        Assert.Equal(Pixels(3), pixels[(2 * PixelBytes)..(3 * PixelBytes)]);
    }

    [Fact]
    public void A_truncated_shard_is_invalid_data()
    {
        var stream = WriteShard((0, 1), (1, 2));
        stream.SetLength(stream.Length - 5);
        var reader = new ShardReader(stream);
        var buffer = new byte[PixelBytes];

        Assert.True(reader.TryRead(buffer, out _));
        var error = Assert.Throws<InvalidDataException>(() => reader.TryRead(buffer, out _));
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_header_cut_short_cannot_be_opened()
    {
        Assert.Throws<EndOfStreamException>(() => new ShardReader(new MemoryStream(new byte[ShardFormat.HeaderSize - 1])));
    }

    [Fact]
    public void Bad_magic_is_invalid_data()
    {
        var bytes = WriteShard((0, 1)).ToArray();
        bytes[0] = (byte)'X';

        var error = Assert.Throws<InvalidDataException>(() => new ShardReader(new MemoryStream(bytes)));
        Assert.Contains("magic", error.Message);
    }

    [Fact]
    public void An_unknown_version_is_invalid_data()
    {
        var bytes = WriteShard((0, 1)).ToArray();
        bytes[4] = 99;

        Assert.Throws<InvalidDataException>(() => new ShardReader(new MemoryStream(bytes)));
    }

    [Fact]
    public void Content_refuses_negative_labels()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Content((0, 1), (-1, 2)));
    }

    [Fact]
    public void Content_read_in_small_pieces_is_the_same_shard_of_the_length_it_announces()
    {
        var whole = WriteShard((2, 10), (0, 20), (7, 30)).ToArray();
        using var content = Content((2, 10), (0, 20), (7, 30));
        var pieces = new MemoryStream();
        var buffer = new byte[7];

        for (int read; (read = content.Read(buffer)) > 0;)
            pieces.Write(buffer, 0, read);

        Assert.Equal(whole, pieces.ToArray());
        Assert.Equal(whole.Length, content.Length);
    }

    [Fact]
    public void An_empty_shard_is_valid()
    {
        var reader = new ShardReader(WriteShard());

        Assert.Equal(0, reader.Header.Count);
        Assert.False(reader.TryRead(new byte[PixelBytes], out _));
    }
}
