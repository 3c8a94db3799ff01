using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

/// <summary>Reads and writes <see cref="SplitRatios"/> as the string "70/15/15".</summary>
public sealed class SplitRatiosJsonConverter : JsonConverter<SplitRatios>
{
    public override SplitRatios Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && SplitRatios.TryParse(reader.GetString(), out var split)
            ? split
            : throw new JsonException("split must be a string like \"70/15/15\".");

    public override void Write(Utf8JsonWriter writer, SplitRatios value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
