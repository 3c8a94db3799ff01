using System.Buffers.Binary;
using System.Text;
using Pipeline.Tensors;

namespace Pipeline.Tests.Tensors;

/// <summary>Files that break a rule of the format: each is refused with InvalidDataException naming the problem,
/// and none makes the reader allocate what the file declares.</summary>
public sealed class SafetensorsHostileFileTests
{
    private const long EightGigabytes = 8L << 30;
    private const long AllocationBudget = 1 << 20;

    private static string Open(byte[] file) => Open(new MemoryStream(file, writable: false));

    private static string Open(Stream stream) => Assert.Throws<InvalidDataException>(() => new SafetensorsReader(stream)).Message;

    private static string Tensor(string name, string dtype, string shape, string offsets) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}";

    private static string OpenHeader(string header, int dataLength = 0) => Open(RawSafetensors.Build(header, dataLength));

    /// <summary>Asserts opening is refused, and that refusing it allocated less than a megabyte.</summary>
    private static string OpenWithinBudget(Stream stream)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var message = Open(stream);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, AllocationBudget);
        return message;
    }

    [Fact]
    public void A_header_length_over_the_limit_is_refused_before_the_header_is_read()
    {
        var prefix = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)EightGigabytes);

        // The stream really is that long: the limit, not the stream's end, refuses it.
        var message = OpenWithinBudget(new SparseReadStream(prefix, EightGigabytes + 1024));

        Assert.Contains("100000000-byte limit", message);
        Assert.Contains($"{EightGigabytes}", message);
        Assert.Contains("limit", Open(RawSafetensors.Build("{}", declaredHeaderLength: ulong.MaxValue)));
        Assert.Contains("limit", Open(RawSafetensors.Build("{}", declaredHeaderLength: SafetensorsFormat.MaxHeaderLength + 1UL)));
    }

    [Fact]
    public void A_header_length_beyond_the_end_of_the_file_is_refused_before_the_header_is_read()
    {
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, SafetensorsFormat.MaxHeaderLength);

        var message = OpenWithinBudget(new SparseReadStream(prefix, 4096));

        Assert.Contains("only 4088 bytes follow", message);
        Assert.Contains("only 2 bytes follow", Open(RawSafetensors.Build("{}", declaredHeaderLength: 3)));
    }

    [Fact]
    public void A_file_shorter_than_the_header_length_is_not_a_safetensors_file()
    {
        Assert.Contains("too short", Open([]));
        Assert.Contains("too short", Open([2, 0, 0]));
    }

    [Fact]
    public void A_declared_shape_whose_size_overflows_is_refused()
    {
        Assert.Contains("overflows", OpenHeader("{" + Tensor("w", "F32", "[4611686018427387904, 4]", "[0, 16]") + "}", 16));
        Assert.Contains("overflows", OpenHeader("{" + Tensor("w", "I32", "[3037000500, 3037000500]", "[0, 16]") + "}", 16));
        // From the reference's test_validation_overflow: a dimension past 2^63 is not a 64-bit signed integer.
        Assert.Contains("shape[1] = 18446744073709551614", OpenHeader("{" + Tensor("w", "I32", "[2, 18446744073709551614]", "[0, 16]") + "}", 16));
    }

    [Fact]
    public void A_tensor_of_8_GB_past_the_end_of_a_small_file_is_refused_without_allocating_it()
    {
        var file = RawSafetensors.Build("{" + Tensor("huge", "U8", $"[{EightGigabytes}]", $"[0, {EightGigabytes}]") + "}", 64);

        var message = OpenWithinBudget(new MemoryStream(file, writable: false));

        Assert.Contains("'huge'", message);
        Assert.Contains("past the end of the data buffer (64 bytes)", message);
    }

    [Fact]
    public void A_file_that_really_holds_8_GB_opens_without_allocating_them_and_refuses_one_array_for_them()
    {
        var header = Encoding.UTF8.GetBytes("{" + Tensor("huge", "U8", $"[{EightGigabytes}]", $"[0, {EightGigabytes}]") + "}");
        var stream = new SparseReadStream(RawSafetensors.Build(header, []), 8 + header.Length + EightGigabytes);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var reader = new SafetensorsReader(stream);
        Assert.Throws<NotSupportedException>(() => reader.ReadTensorBytes("huge"));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, AllocationBudget);
        Assert.Equal(EightGigabytes, reader.Header.GetTensor("huge").ByteLength);
    }

    [Fact]
    public void Offsets_out_of_range_or_backwards_are_refused()
    {
        Assert.Contains("past the end of the data buffer (8 bytes)", OpenHeader("{" + Tensor("w", "F32", "[4]", "[0, 16]") + "}", 8));
        Assert.Contains("end before they begin", OpenHeader("{" + Tensor("w", "U8", "[0]", "[8, 4]") + "}", 8));
        Assert.Contains("non-negative", OpenHeader("{" + Tensor("w", "U8", "[4]", "[-4, 0]") + "}", 8));
        Assert.Contains("[begin, end]", OpenHeader("{" + Tensor("w", "U8", "[4]", "[0, 4, 8]") + "}", 4));
        Assert.Contains("[begin, end]", OpenHeader("{" + Tensor("w", "U8", "[4]", "{\"begin\": 0}") + "}", 4));
    }

    [Fact]
    public void Overlapping_offsets_are_refused()
    {
        var message = OpenHeader("{" + Tensor("a", "U8", "[8]", "[0, 8]") + "," + Tensor("b", "U8", "[8]", "[4, 12]") + "}", 12);

        Assert.Contains("Tensor 'b'", message);
        Assert.Contains("overlap tensor 'a'", message);
        Assert.Contains("overlap", OpenHeader("{" + Tensor("a", "U8", "[4]", "[0, 4]") + "," + Tensor("b", "U8", "[4]", "[0, 4]") + "}", 4));
    }

    [Fact]
    public void Holes_in_the_data_buffer_are_refused()
    {
        var message = OpenHeader("{" + Tensor("a", "U8", "[4]", "[0, 4]") + "," + Tensor("b", "U8", "[4]", "[8, 12]") + "}", 12);

        Assert.Contains("Tensor 'b'", message);
        Assert.Contains("bytes [4, 8) belong to no tensor", message);
        Assert.Contains("bytes [0, 4) belong to no tensor", OpenHeader("{" + Tensor("a", "U8", "[4]", "[4, 8]") + "}", 8));
    }

    [Fact]
    public void Trailing_bytes_after_the_last_tensor_are_refused()
    {
        // The reference's test_metadata_incomplete_buffer: data appended to make a polyglot file.
        var file = RawSafetensors.Build(Encoding.UTF8.GetBytes("{" + Tensor("test", "I32", "[2,2]", "[0,16]") + "}"),
            [.. new byte[16], .. "extra_bogus_data_for_polyglot_file"u8]);

        Assert.Contains("trailing bytes", Open(file));
        Assert.Contains("cover 0", OpenHeader("{}", 1));
    }

    [Fact]
    public void A_size_that_does_not_match_shape_and_dtype_is_refused()
    {
        // The reference's test_invalid_info.
        var message = OpenHeader("{" + Tensor("test", "I32", "[2,2]", "[0, 4]") + "}", 4);

        Assert.Contains("Tensor 'test'", message);
        Assert.Contains("needs 16 bytes", message);
        Assert.Contains("span 4", message);
    }

    [Theory]
    [InlineData("F4")]
    [InlineData("F8_E4M3")]
    [InlineData("C64")]
    [InlineData("f32")]
    [InlineData("float32")]
    [InlineData("")]
    public void An_unknown_or_unsupported_dtype_is_refused(string dtype)
    {
        var message = OpenHeader("{" + Tensor("w", dtype, "[1]", "[0, 1]") + "}", 1);

        Assert.Contains($"Tensor 'w' has dtype '{dtype}'", message);
        Assert.Contains("BF16", message);
    }

    [Fact]
    public void Bad_shapes_are_refused()
    {
        Assert.Contains("shape[0] = -1", OpenHeader("{" + Tensor("w", "U8", "[-1]", "[0, 0]") + "}"));
        Assert.Contains("shape[1] = 2.5", OpenHeader("{" + Tensor("w", "U8", "[1, 2.5]", "[0, 0]") + "}"));
        Assert.Contains("shape[0] = 1e3", OpenHeader("{" + Tensor("w", "U8", "[1e3]", "[0, 1000]") + "}", 1000));
        Assert.Contains("shape[0] = \"4\"", OpenHeader("{" + Tensor("w", "U8", "[\"4\"]", "[0, 4]") + "}", 4));
        Assert.Contains("shape that is a number", OpenHeader("{" + Tensor("w", "U8", "4", "[0, 4]") + "}", 4));
    }

    [Fact]
    public void Non_string_metadata_is_refused()
    {
        Assert.Contains("entry 'epoch' is a number", OpenHeader("{\"__metadata__\":{\"ok\":\"yes\",\"epoch\":3}}"));
        Assert.Contains("entry 'nested' is an object", OpenHeader("{\"__metadata__\":{\"nested\":{\"a\":\"b\"}}}"));
        Assert.Contains("entry 'none' is null", OpenHeader("{\"__metadata__\":{\"none\":null}}"));
        Assert.Contains("__metadata__ is an array", OpenHeader("{\"__metadata__\":[\"a\"]}"));
    }

    [Fact]
    public void Duplicate_keys_are_refused()
    {
        Assert.Contains("key 'w' twice", OpenHeader("{" + Tensor("w", "U8", "[0]", "[0, 0]") + "," + Tensor("w", "U8", "[0]", "[0, 0]") + "}"));
        Assert.Contains("key 'a' twice", OpenHeader("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}"));
        Assert.Contains("key '__metadata__' twice", OpenHeader("{\"__metadata__\":{},\"__metadata__\":{}}"));
        Assert.Contains("field \"dtype\" twice", OpenHeader("{\"w\":{\"dtype\":\"U8\",\"dtype\":\"F64\",\"shape\":[0],\"data_offsets\":[0,0]}}"));
    }

    [Fact]
    public void Tensor_entries_must_be_complete_objects()
    {
        Assert.Contains("Tensor 'w' is an array", OpenHeader("{\"w\":[1]}"));
        Assert.Contains("Tensor 'w' has no dtype", OpenHeader("{\"w\":{\"shape\":[0],\"data_offsets\":[0,0]}}"));
        Assert.Contains("Tensor 'w' has no shape", OpenHeader("{\"w\":{\"dtype\":\"U8\",\"data_offsets\":[0,0]}}"));
        Assert.Contains("Tensor 'w' has no data_offsets", OpenHeader("{\"w\":{\"dtype\":\"U8\",\"shape\":[0]}}"));
        Assert.Contains("dtype that is a number", OpenHeader("{\"w\":{\"dtype\":4,\"shape\":[0],\"data_offsets\":[0,0]}}"));
    }

    [Fact]
    public void A_header_that_is_not_a_UTF8_JSON_object_is_refused()
    {
        Assert.Contains("not valid UTF-8", Open(RawSafetensors.Build([(byte)'{', 0xff, (byte)'}'], [])));
        Assert.Contains("not valid JSON", OpenHeader("{"));
        Assert.Contains("not valid JSON", OpenHeader("{} {}"));
        Assert.Contains("not valid JSON", OpenHeader("{\"a\":1,}"));
        Assert.Contains("not valid JSON", OpenHeader("{/* comment */}"));
        Assert.Contains("must start with '{'", OpenHeader("[]"));
        Assert.Contains("must start with '{'", OpenHeader(""));
        Assert.Contains("must start with '{'", Open(RawSafetensors.Build([0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}'], [])));
    }

    [Fact]
    public void Escaped_lone_surrogates_are_refused()
    {
        Assert.Contains("not valid Unicode", OpenHeader("{" + Tensor("\\ud800", "U8", "[0]", "[0, 0]") + "}"));
        Assert.Contains("not valid Unicode", OpenHeader("{\"__metadata__\":{\"k\":\"\\udc00\"}}"));
    }

    [Fact]
    public void Hostile_names_are_cut_short_in_messages()
    {
        var name = new string('x', 100_000);

        var message = OpenHeader("{" + Tensor(name, "U8", "[4]", "[0, 4]") + "}");

        Assert.True(message.Length < 400, message);
        Assert.Contains("(100000 characters)", message);
    }

    [Fact]
    public void Data_cut_short_is_refused_when_opening_and_when_reading()
    {
        var file = new SafetensorsWriter().Add("w", SafetensorsDType.F32, [4], new byte[16]).ToArray();

        Assert.Contains("past the end of the data buffer", Open(file[..^2]));

        var stream = new MemoryStream();
        stream.Write(file);
        stream.Position = 0;
        var reader = new SafetensorsReader(stream);
        stream.SetLength(file.Length - 2);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => reader.ReadTensorBytes("w")).Message);
    }
}
