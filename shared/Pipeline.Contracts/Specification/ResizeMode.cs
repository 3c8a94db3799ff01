using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

/// <summary>How an image of any shape becomes the square the backbone takes.</summary>
[JsonConverter(typeof(StrictEnumConverter<ResizeMode>))]
public enum ResizeMode
{
    /// <summary>Scale the shorter side to the target, then cut the overhang equally from both sides (what ImageNet models saw).</summary>
    Crop,

    /// <summary>Scale each side to the target independently, changing the aspect ratio.</summary>
    Stretch,
}
