using System.Text.Json;
using Pipeline.Tensors;

namespace Pipeline.Tests.Tensors;

/// <summary>
/// Files written here are read by PyTorch, and files PyTorch writes are read here, with Debian's python3-torch and
/// no safetensors package: the scripts under Tensors/Python implement the format with json and torch alone.
/// </summary>
public sealed class SafetensorsPyTorchInteropTests
{
    private static readonly Dictionary<SafetensorsDType, string> TorchNames = new()
    {
        [SafetensorsDType.F64] = "torch.float64",
        [SafetensorsDType.F32] = "torch.float32",
        [SafetensorsDType.F16] = "torch.float16",
        [SafetensorsDType.BF16] = "torch.bfloat16",
        [SafetensorsDType.I64] = "torch.int64",
        [SafetensorsDType.I32] = "torch.int32",
        [SafetensorsDType.I16] = "torch.int16",
        [SafetensorsDType.I8] = "torch.int8",
        [SafetensorsDType.U8] = "torch.uint8",
        [SafetensorsDType.Bool] = "torch.bool",
    };

    private static readonly Dictionary<string, string> Metadata = new()
    {
        ["format"] = "pt",
        ["classes"] = "chat,chien,café,日本語,🐈",
        ["note"] = "a \"quoted\" line\nand a\ttab \\ backslash",
    };

    [Fact]
    public void PyTorch_reads_what_the_writer_wrote()
    {
        using var folder = new TempDirectory();
        var path = folder.Combine("model.safetensors");
        var tensors = new (string Name, SafetensorsDType DType, long[] Shape, double[] Values)[]
        {
            ("fc.weight", SafetensorsDType.F32, [2, 3], [-1.5, 0, 0.25, 3.5, 1e-3, -7]),
            ("fc.bias", SafetensorsDType.F64, [3], [0.1, -2.75, 1e300]),
            ("half", SafetensorsDType.F16, [2], [0.5, 65504]),
            ("brain", SafetensorsDType.BF16, [2, 1], [-2.5, 3.140625]),
            ("step", SafetensorsDType.I64, [], [123456789012]),
            ("ids", SafetensorsDType.I32, [3], [-1, 0, int.MaxValue]),
            ("short", SafetensorsDType.I16, [2], [short.MinValue, short.MaxValue]),
            ("tiny", SafetensorsDType.I8, [3], [-128, 0, 127]),
            ("pixels", SafetensorsDType.U8, [2, 2], [0, 1, 254, 255]),
            ("mask", SafetensorsDType.Bool, [4], [1, 0, 0, 1]),
            ("empty", SafetensorsDType.F32, [0, 3], []),
        };
        var writer = new SafetensorsWriter();
        foreach (var (key, value) in Metadata)
            writer.Metadata[key] = value;
        foreach (var (name, dtype, shape, values) in tensors)
            writer.Add(name, dtype, shape, TensorValues.Encode(dtype, values));
        var streamed = TensorValues.Encode(SafetensorsDType.F32, [.. Enumerable.Range(0, 64).Select(i => i / 4.0)]);
        writer.Add("streamed", SafetensorsDType.F32, [4, 4, 4], stream => stream.Write(streamed));
        using (var file = File.Create(path))
            writer.WriteTo(file);

        using var result = JsonDocument.Parse(SystemPython.RunScript("Tensors/Python/read_safetensors.py", path));

        var root = result.RootElement;
        Assert.Equal(0, root.GetProperty("header_length").GetInt64() % 8);
        Assert.Equal(Metadata.OrderBy(item => item.Key),
            root.GetProperty("metadata").EnumerateObject().Select(item => KeyValuePair.Create(item.Name, item.Value.GetString()!)).OrderBy(item => item.Key));
        var read = root.GetProperty("tensors");
        Assert.Equal(tensors.Length + 1, read.EnumerateObject().Count());
        foreach (var (name, dtype, shape, values) in tensors.Append(("streamed", SafetensorsDType.F32, [4, 4, 4], TensorValues.Decode(SafetensorsDType.F32, streamed))))
        {
            var tensor = read.GetProperty(name);
            Assert.Equal(TorchNames[dtype], tensor.GetProperty("dtype").GetString());
            Assert.Equal(shape, tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
            Assert.Equal(TensorValues.Decode(dtype, TensorValues.Encode(dtype, values)), TensorValues.FromJson(tensor.GetProperty("values")));
            Assert.Equal(0, tensor.GetProperty("begin").GetInt64() % dtype.ElementSize());
        }
        Assert.Equal([-1.5, 0, 0.25, 3.5, (float)1e-3, -7], TensorValues.FromJson(read.GetProperty("fc.weight").GetProperty("values")));
        Assert.Equal([123456789012.0], TensorValues.FromJson(read.GetProperty("step").GetProperty("values")));
    }

    [Fact]
    public void The_reader_reads_what_PyTorch_wrote()
    {
        using var folder = new TempDirectory();
        var path = folder.Combine("from-torch.safetensors");

        using var expected = JsonDocument.Parse(SystemPython.RunScript("Tensors/Python/write_safetensors.py", path));

        using var file = File.OpenRead(path);
        var reader = new SafetensorsReader(file);
        var root = expected.RootElement;
        Assert.Equal(root.GetProperty("metadata").EnumerateObject().Select(item => KeyValuePair.Create(item.Name, item.Value.GetString()!)).OrderBy(item => item.Key),
            reader.Metadata.OrderBy(item => item.Key));
        var tensors = root.GetProperty("tensors").EnumerateObject().ToList();
        Assert.Equal(tensors.Select(t => t.Name).Order(StringComparer.Ordinal), reader.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var tensor in tensors)
        {
            var info = reader.Header.GetTensor(tensor.Name);
            Assert.Equal(tensor.Value.GetProperty("dtype").GetString(), info.DType.Name());
            Assert.Equal(tensor.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()), info.Shape);
            Assert.Equal(TensorValues.FromJson(tensor.Value.GetProperty("values")), TensorValues.Decode(info.DType, reader.ReadTensorBytes(tensor.Name)));
        }
        Assert.Equal("chat,chien,café", reader.Metadata["classes"]);
        Assert.Equal([123456789012.0], TensorValues.Decode(SafetensorsDType.I64, reader.ReadTensorBytes("steps")));
        Assert.Equal([1.0, 0, 1], TensorValues.Decode(SafetensorsDType.Bool, reader.ReadTensorBytes("mask")));
        Assert.Empty(reader.Header.GetTensor("steps").Shape);
        Assert.Equal([0L, 4], reader.Header.GetTensor("empty").Shape);
    }
}
