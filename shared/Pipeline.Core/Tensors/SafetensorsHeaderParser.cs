using System.Text.Json;
using System.Text.Unicode;

namespace Pipeline.Tensors;

/// <summary>Parses and validates a safetensors JSON header against the data buffer length it describes.</summary>
internal static class SafetensorsHeaderParser
{
    private const int MaxNameInMessage = 80;

    public static SafetensorsHeader Parse(ReadOnlyMemory<byte> json, long dataLength)
    {
        var bytes = json.Span;
        if (!Utf8.IsValid(bytes))
            throw new InvalidDataException("The safetensors header is not valid UTF-8.");
        var first = bytes.IndexOfAnyExcept(" \t\r\n"u8);
        if (first < 0 || bytes[first] != (byte)'{')
            throw new InvalidDataException("The safetensors header is not a JSON object: it must start with '{'.");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The safetensors header is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var tensors = new List<SafetensorsTensorInfo>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                foreach (var entry in document.RootElement.EnumerateObject())
                {
                    if (!keys.Add(entry.Name))
                        throw new InvalidDataException($"The safetensors header has the key {Quote(entry.Name)} twice; duplicate keys are not allowed.");
                    if (entry.Name == SafetensorsFormat.MetadataKey)
                        ReadMetadata(entry.Value, metadata);
                    else
                        tensors.Add(ReadTensor(entry.Name, entry.Value, dataLength));
                }
            }
            catch (InvalidOperationException e)
            {
                // System.Text.Json refuses to turn an escaped lone surrogate ("\ud800") into a string; serde_json refuses it too.
                throw new InvalidDataException($"The safetensors header has a string that is not valid Unicode: {e.Message}", e);
            }
            tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            CheckCoverage(tensors, dataLength);
            return new SafetensorsHeader(json.Length, dataLength, metadata, tensors);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind == JsonValueKind.Null)
            return;
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"The safetensors {SafetensorsFormat.MetadataKey} is {Kind(value)}; it must be an object of strings.");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"The safetensors {SafetensorsFormat.MetadataKey} entry {Quote(item.Name)} is {Kind(item.Value)}; metadata values must be strings.");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new InvalidDataException($"The safetensors {SafetensorsFormat.MetadataKey} has the key {Quote(item.Name)} twice; duplicate keys are not allowed.");
        }
    }

    private static SafetensorsTensorInfo ReadTensor(string name, JsonElement value, long dataLength)
    {
        var tensor = $"Tensor {Quote(name)}";
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{tensor} is {Kind(value)}; it must be an object with dtype, shape and data_offsets.");
        JsonElement? dtypeValue = null, shapeValue = null, offsetsValue = null;
        foreach (var field in value.EnumerateObject())
        {
            // Unknown fields are ignored, as the reference implementation ignores them.
            switch (field.Name)
            {
                case "dtype": dtypeValue = Once(dtypeValue, field, tensor); break;
                case "shape": shapeValue = Once(shapeValue, field, tensor); break;
                case "data_offsets": offsetsValue = Once(offsetsValue, field, tensor); break;
            }
        }

        if (dtypeValue is not { } dtypeElement)
            throw new InvalidDataException($"{tensor} has no dtype.");
        if (dtypeElement.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{tensor} has a dtype that is {Kind(dtypeElement)}; it must be a string such as \"F32\".");
        var dtypeName = dtypeElement.GetString();
        if (!SafetensorsDTypes.TryParse(dtypeName, out var dtype))
            throw new InvalidDataException($"{tensor} has dtype {Quote(dtypeName ?? "")}, which this reader does not support (supported: {SafetensorsDTypes.SupportedNames}).");

        if (shapeValue is not { } shapeElement)
            throw new InvalidDataException($"{tensor} has no shape.");
        if (shapeElement.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{tensor} has a shape that is {Kind(shapeElement)}; it must be an array of non-negative integers.");
        var shape = new long[shapeElement.GetArrayLength()];
        var index = 0;
        foreach (var dimension in shapeElement.EnumerateArray())
        {
            if (!TryNonNegative(dimension, out shape[index]))
                throw new InvalidDataException($"{tensor} has shape[{index}] = {Raw(dimension)}; dimensions must be non-negative 64-bit integers.");
            index++;
        }
        if (!SafetensorsFormat.TryByteLength(dtype, shape, out var byteLength))
            throw new InvalidDataException($"{tensor} has shape {SafetensorsFormat.ShapeText(shape)} of {dtype.Name()}, whose byte count overflows a 64-bit integer.");

        if (offsetsValue is not { } offsetsElement)
            throw new InvalidDataException($"{tensor} has no data_offsets.");
        if (offsetsElement.ValueKind != JsonValueKind.Array || offsetsElement.GetArrayLength() != 2)
            throw new InvalidDataException($"{tensor} has data_offsets {Raw(offsetsElement)}; it must be [begin, end].");
        if (!TryNonNegative(offsetsElement[0], out var begin) || !TryNonNegative(offsetsElement[1], out var end))
            throw new InvalidDataException($"{tensor} has data_offsets {Raw(offsetsElement)}; offsets must be non-negative 64-bit integers.");
        if (end < begin)
            throw new InvalidDataException($"{tensor} has data_offsets [{begin}, {end}], which end before they begin.");
        if (end > dataLength)
            throw new InvalidDataException($"{tensor} has data_offsets [{begin}, {end}], past the end of the data buffer ({dataLength} bytes).");
        if (end - begin != byteLength)
            throw new InvalidDataException($"{tensor} has shape {SafetensorsFormat.ShapeText(shape)} of {dtype.Name()}, which needs {byteLength} bytes, but data_offsets [{begin}, {end}] span {end - begin}.");
        return new SafetensorsTensorInfo(name, dtype, shape, begin, end);
    }

    /// <summary>The tensors, by offset, must tile the data buffer: no hole, no overlap, no trailing bytes.</summary>
    private static void CheckCoverage(List<SafetensorsTensorInfo> tensors, long dataLength)
    {
        long covered = 0;
        SafetensorsTensorInfo? previous = null;
        foreach (var tensor in tensors)
        {
            if (tensor.Begin > covered)
                throw new InvalidDataException($"Tensor {Quote(tensor.Name)} starts at byte {tensor.Begin} of the data buffer, but bytes [{covered}, {tensor.Begin}) belong to no tensor; holes are not allowed.");
            if (tensor.Begin < covered)
                throw new InvalidDataException($"Tensor {Quote(tensor.Name)} has data_offsets [{tensor.Begin}, {tensor.End}], which overlap tensor {Quote(previous!.Name)} at [{previous.Begin}, {previous.End}).");
            covered = tensor.End;
            previous = tensor;
        }
        if (covered != dataLength)
            throw new InvalidDataException($"The safetensors data buffer holds {dataLength} bytes but its tensors cover {covered}; trailing bytes are not allowed.");
    }

    private static JsonElement Once(JsonElement? existing, JsonProperty field, string tensor) =>
        existing is null ? field.Value : throw new InvalidDataException($"{tensor} has the field \"{field.Name}\" twice; duplicate keys are not allowed.");

    private static bool TryNonNegative(JsonElement value, out long number)
    {
        number = 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetUInt64(out var unsigned) || unsigned > long.MaxValue)
            return false;
        number = (long)unsigned;
        return true;
    }

    /// <summary>A JSON value for an error message, cut short when a hostile file makes it huge.</summary>
    private static string Raw(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= MaxNameInMessage ? text : text[..MaxNameInMessage] + "...";
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => value.ValueKind.ToString(),
    };

    /// <summary>A name for an error message: quoted, and cut short when a hostile file makes it huge.</summary>
    internal static string Quote(string name) =>
        name.Length <= MaxNameInMessage ? $"'{name}'" : $"'{name[..MaxNameInMessage]}...' ({name.Length} characters)";
}
