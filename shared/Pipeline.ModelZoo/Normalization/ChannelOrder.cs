using System.Text.Json.Serialization;
using Pipeline.Contracts;

namespace Pipeline.ModelZoo.Normalization;

[JsonConverter(typeof(StrictEnumConverter<ChannelOrder>))]
public enum ChannelOrder
{
    Rgb,
    Bgr,
}
