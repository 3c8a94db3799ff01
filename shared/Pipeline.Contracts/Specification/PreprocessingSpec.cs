using System.Text.RegularExpressions;

namespace Pipeline.Contracts;

/// <summary>How images become the training set. Every field changes the prepared data, so every field is part of its fingerprint.</summary>
public sealed partial record PreprocessingSpec
{
    public const int MinImageSize = 32;
    public const int MaxImageSize = 1024;

    /// <summary>Train/validation/test percentages, stratified per class.</summary>
    public SplitRatios Split { get; init; } = SplitRatios.Default;

    public ResizeMode Resize { get; init; } = ResizeMode.Crop;

    /// <summary>The colour transparent pixels are composited on, as <c>#rrggbb</c>.</summary>
    public string Background { get; init; } = "#ffffff";

    /// <summary>Side of the square images, in pixels.</summary>
    public int ImageSize { get; init; } = 224;

    internal void Validate(ValidationErrors errors)
    {
        if (Split.Error is { } split)
            errors.Add("preprocessing.split", split);
        errors.AddIfUndefined(Resize, "preprocessing.resize");
        errors.AddIf(Background is null || !HexColour().IsMatch(Background), "preprocessing.background", $"must be a colour like #ffffff (got {ValidationErrors.Quote(Background)})");
        errors.AddIf(ImageSize is < MinImageSize or > MaxImageSize, "preprocessing.imageSize",
            $"must be between {MinImageSize} and {MaxImageSize} pixels (got {ImageSize})");
    }

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex HexColour();
}
