using System.Text;
using Pipeline.Tensors;

namespace Pipeline.Tests.Tensors;

public sealed class SafetensorsRoundTripTests
{
    private static byte[] Bytes(int count, byte seed) => Enumerable.Range(0, count).Select(i => (byte)(seed + 7 * i)).ToArray();

    private static SafetensorsReader Read(byte[] file) => new(new MemoryStream(file, writable: false));

    [Fact]
    public void Tensors_of_every_dtype_round_trip_with_their_shape_and_bytes()
    {
        var writer = new SafetensorsWriter();
        var expected = new Dictionary<string, (SafetensorsDType DType, long[] Shape, byte[] Bytes)>();
        var seed = (byte)1;
        foreach (var dtype in Enum.GetValues<SafetensorsDType>())
        {
            long[] shape = [2, 3];
            var bytes = Bytes(6 * dtype.ElementSize(), seed++);
            var name = $"layer.{dtype.Name().ToLowerInvariant()}";
            writer.Add(name, dtype, shape, bytes);
            expected[name] = (dtype, shape, bytes);
        }

        var reader = Read(writer.ToArray());

        Assert.Equal(expected.Count, reader.Tensors.Count);
        foreach (var (name, (dtype, shape, bytes)) in expected)
        {
            var tensor = reader.Header.GetTensor(name);
            Assert.Equal(dtype, tensor.DType);
            Assert.Equal(shape, tensor.Shape);
            Assert.Equal(6, tensor.ElementCount);
            Assert.Equal(bytes, reader.ReadTensorBytes(name));
        }
        Assert.Empty(reader.Metadata);
    }

    [Fact]
    public void A_scalar_and_empty_tensors_round_trip()
    {
        var scalar = BitConverter.GetBytes(2.5f);
        var file = new SafetensorsWriter()
            .Add("scalar", SafetensorsDType.F32, [], scalar)
            .Add("empty", SafetensorsDType.F32, [0], ReadOnlyMemory<byte>.Empty)
            .Add("empty.matrix", SafetensorsDType.I64, [2, 0, 3], ReadOnlyMemory<byte>.Empty)
            .ToArray();

        var reader = Read(file);

        Assert.Empty(reader.Header.GetTensor("scalar").Shape);
        Assert.Equal(1, reader.Header.GetTensor("scalar").ElementCount);
        Assert.Equal(scalar, reader.ReadTensorBytes("scalar"));
        Assert.Equal([0L], reader.Header.GetTensor("empty").Shape);
        Assert.Empty(reader.ReadTensorBytes("empty"));
        Assert.Equal([2L, 0, 3], reader.Header.GetTensor("empty.matrix").Shape);
        reader.ReadTensor("empty.matrix", Span<byte>.Empty);
        Assert.Equal(4, reader.Header.DataLength);
    }

    [Fact]
    public void Metadata_with_unicode_quotes_and_control_characters_round_trips()
    {
        var metadata = new Dictionary<string, string>
        {
            ["classes"] = "chat,chien,café,日本語,🐈",
            ["quote\"and\\backslash"] = "line one\nline two\ttabbed\r\u0001\u001f\u007f",
            ["empty"] = "",
            ["Ω"] = "{\"json\": [\"inside\", 1]}",
        };
        var writer = new SafetensorsWriter();
        foreach (var (key, value) in metadata)
            writer.Metadata[key] = value;
        writer.Add("w", SafetensorsDType.U8, [1], new byte[] { 9 });

        var reader = Read(writer.ToArray());

        Assert.Equal(metadata.OrderBy(item => item.Key), reader.Metadata.OrderBy(item => item.Key));
        Assert.Equal([9], reader.ReadTensorBytes("w"));
    }

    [Fact]
    public void Output_matches_the_reference_implementation_byte_for_byte()
    {
        // The expected bytes of test_serialization and test_serialization_forced_alignement in
        // huggingface/safetensors, safetensors/src/tensor.rs.
        var floats = new[] { 0f, 1, 2, 3, 4, 5 }.SelectMany(BitConverter.GetBytes).ToArray();
        byte[] attnDot0 =
        [
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        ];
        byte[] attn0 =
        [
            72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
            121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
            91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
            115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
            32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
            160, 64,
        ];

        Assert.Equal(attnDot0, new SafetensorsWriter().Add("attn.0", SafetensorsDType.F32, [1, 2, 3], floats).ToArray());
        Assert.Equal(attn0, new SafetensorsWriter().Add("attn0", SafetensorsDType.F32, [1, 1, 2, 3], floats).ToArray());
    }

    [Fact]
    public void Tensors_are_laid_out_by_descending_alignment_then_name_so_each_is_aligned()
    {
        var file = new SafetensorsWriter()
            .Add("b.mask", SafetensorsDType.Bool, [3], new byte[3])
            .Add("z.f64", SafetensorsDType.F64, [1], new byte[8])
            .Add("b.weight", SafetensorsDType.F32, [1], new byte[4])
            .Add("a.weight", SafetensorsDType.F32, [1], new byte[4])
            .Add("a.half", SafetensorsDType.F16, [1], new byte[2])
            .Add("m.steps", SafetensorsDType.I64, [], new byte[8])
            .ToArray();

        var header = Read(file).Header;

        Assert.Equal(["m.steps", "z.f64", "a.weight", "b.weight", "a.half", "b.mask"], header.Tensors.Select(t => t.Name));
        Assert.Equal(0, header.DataStart % SafetensorsFormat.HeaderAlignment);
        Assert.All(header.Tensors, t => Assert.Equal(0, t.Begin % t.DType.ElementSize()));
        Assert.Equal((byte)'{', file[8]);
        Assert.Equal((byte)' ', file[(int)header.DataStart - 1]);
    }

    [Fact]
    public void Names_are_ordered_by_their_UTF8_bytes_as_the_reference_orders_them()
    {
        // By UTF-16 code units (string.CompareOrdinal) U+1F408, a surrogate pair from 0xD83D, sorts before U+FF5E;
        // by UTF-8 bytes (F0 9F.. against EF BD..), as Rust orders Strings, it sorts after.
        var file = new SafetensorsWriter()
            .Add("\uFF5E", SafetensorsDType.U8, [1], new byte[1])
            .Add("🐈", SafetensorsDType.U8, [1], new byte[1])
            .Add("a", SafetensorsDType.U8, [1], new byte[1])
            .ToArray();

        Assert.Equal(["a", "\uFF5E", "🐈"], Read(file).Tensors.Select(t => t.Name));
    }

    [Fact]
    public void Output_does_not_depend_on_the_order_tensors_and_metadata_were_added()
    {
        var first = new SafetensorsWriter();
        first.Metadata["b"] = "2";
        first.Metadata["a"] = "1";
        first.Add("x", SafetensorsDType.F32, [2], Bytes(8, 1)).Add("y", SafetensorsDType.I8, [3], Bytes(3, 2));
        var second = new SafetensorsWriter();
        second.Metadata["a"] = "1";
        second.Metadata["b"] = "2";
        second.Add("y", SafetensorsDType.I8, [3], Bytes(3, 2)).Add("x", SafetensorsDType.F32, [2], Bytes(8, 1));

        Assert.Equal(first.ToArray(), second.ToArray());
        Assert.StartsWith("{\"__metadata__\":{\"a\":\"1\",\"b\":\"2\"},\"x\":", Encoding.UTF8.GetString(first.ToArray(), 8, 40));
    }

    [Fact]
    public void A_data_callback_streams_a_tensor_in_pieces()
    {
        var weights = Bytes(1000, 3);
        var file = new SafetensorsWriter()
            .Add("streamed", SafetensorsDType.F32, [10, 25], stream =>
            {
                for (var i = 0; i < weights.Length; i += 64)
                    stream.Write(weights, i, Math.Min(64, weights.Length - i));
            })
            .Add("inline", SafetensorsDType.U8, [2], new byte[] { 1, 2 })
            .ToArray();

        var reader = Read(file);

        Assert.Equal(weights, reader.ReadTensorBytes("streamed"));
        Assert.Equal([1, 2], reader.ReadTensorBytes("inline"));
    }

    [Fact]
    public void A_data_callback_that_writes_too_few_or_too_many_bytes_fails_the_write()
    {
        var tooFew = new SafetensorsWriter().Add("t", SafetensorsDType.F32, [4], stream => stream.Write(new byte[15]));
        var tooMany = new SafetensorsWriter().Add("t", SafetensorsDType.F32, [4], stream => stream.Write(new byte[17]));

        Assert.Contains("wrote 15 bytes", Assert.Throws<InvalidOperationException>(() => tooFew.ToArray()).Message);
        Assert.Contains("more than the 16 bytes", Assert.Throws<InvalidOperationException>(() => tooMany.ToArray()).Message);
    }

    [Fact]
    public void Writer_refuses_wrong_sized_data_duplicate_names_the_metadata_key_and_bad_shapes()
    {
        var writer = new SafetensorsWriter().Add("w", SafetensorsDType.F32, [2], new byte[8]);

        Assert.Throws<ArgumentException>(() => writer.Add("x", SafetensorsDType.F32, [2], new byte[7]));
        Assert.Throws<ArgumentException>(() => writer.Add("w", SafetensorsDType.F32, [2], new byte[8]));
        Assert.Throws<ArgumentException>(() => writer.Add(SafetensorsFormat.MetadataKey, SafetensorsDType.U8, [0], ReadOnlyMemory<byte>.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Add("n", SafetensorsDType.U8, [-1], ReadOnlyMemory<byte>.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Add("o", SafetensorsDType.F64, [long.MaxValue / 4, 2], ReadOnlyMemory<byte>.Empty));
        Assert.Throws<ArgumentException>(() => writer.Add("\ud800", SafetensorsDType.U8, [0], ReadOnlyMemory<byte>.Empty));
        Assert.Equal(1, writer.Count);
    }

    [Fact]
    public void Reader_accepts_the_reference_implementations_own_test_files()
    {
        // From huggingface/safetensors tensor.rs: whitespace around the JSON, a zero-sized tensor, a scalar.
        Assert.Empty(Read(RawSafetensors.Build("\t\n{}\r ")).Tensors);
        var zeroSized = Read(RawSafetensors.Build("{\"test\":{\"dtype\":\"I32\",\"shape\":[2,0],\"data_offsets\":[0, 0]}}"));
        Assert.Equal([2L, 0], zeroSized.Header.GetTensor("test").Shape);
        var scalar = Read(RawSafetensors.Build("{\"test\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[0,4]}}", dataLength: 4));
        Assert.Equal(4, scalar.ReadTensorBytes("test").Length);
    }

    [Fact]
    public void Reader_takes_tensors_in_any_header_order_ignores_unknown_fields_and_allows_null_metadata()
    {
        var file = RawSafetensors.Build(
            "{\"b\":{\"data_offsets\":[2,6],\"shape\":[1],\"dtype\":\"F32\",\"extra\":[1]},\"__metadata__\":null,\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}",
            dataLength: 6);

        var reader = Read(file);

        Assert.Equal(["a", "b"], reader.Tensors.Select(t => t.Name));
        Assert.Empty(reader.Metadata);
    }

    [Fact]
    public void Reading_starts_at_the_streams_position()
    {
        var file = new SafetensorsWriter().Add("w", SafetensorsDType.I16, [2], new byte[] { 1, 0, 2, 0 }).ToArray();
        var stream = new MemoryStream();
        stream.Write("junk!"u8);
        stream.Write(file);
        stream.Position = 5;

        Assert.Equal([1, 0, 2, 0], new SafetensorsReader(stream).ReadTensorBytes("w"));
    }

    [Fact]
    public void Reading_into_a_span_needs_the_exact_length_and_a_known_name()
    {
        var reader = Read(new SafetensorsWriter().Add("w", SafetensorsDType.F32, [2], Bytes(8, 5)).ToArray());
        var destination = new byte[8];

        reader.ReadTensor("w", destination);

        Assert.Equal(Bytes(8, 5), destination);
        Assert.Throws<ArgumentException>(() => reader.ReadTensor("w", new byte[9]));
        Assert.Contains("'nope'", Assert.Throws<KeyNotFoundException>(() => reader.ReadTensorBytes("nope")).Message);
    }

    [Fact]
    public void LooksLikeSafetensors_tells_a_safetensors_file_from_the_previous_formats()
    {
        var file = new MemoryStream(new SafetensorsWriter().Add("w", SafetensorsDType.U8, [1], new byte[1]).ToArray());
        file.Position = 0;

        Assert.True(SafetensorsFormat.LooksLikeSafetensors(file));
        Assert.Equal(0, file.Position);
        Assert.True(SafetensorsFormat.LooksLikeSafetensors(new MemoryStream(RawSafetensors.Build("  {}  "))));
        foreach (var magic in new[] { "PMDL", "PCKP", "PSHD" })
            Assert.False(SafetensorsFormat.LooksLikeSafetensors(new MemoryStream([.. Encoding.ASCII.GetBytes(magic), 1, 0, 0, 0, .. new byte[100]])));
        Assert.False(SafetensorsFormat.LooksLikeSafetensors(new MemoryStream()));
        Assert.False(SafetensorsFormat.LooksLikeSafetensors(new MemoryStream(RawSafetensors.Build("[1, 2]"))));
        Assert.False(SafetensorsFormat.LooksLikeSafetensors(new MemoryStream(RawSafetensors.Build("{}", declaredHeaderLength: 3))));
    }
}
