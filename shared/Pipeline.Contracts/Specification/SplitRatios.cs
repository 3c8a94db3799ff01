using System.Globalization;
using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

/// <summary>Train/validation/test percentages, written "70/15/15".</summary>
[JsonConverter(typeof(SplitRatiosJsonConverter))]
public sealed record SplitRatios(int Train, int Validation, int Test)
{
    public static readonly SplitRatios Default = new(70, 15, 15);

    public string? Error =>
        Train <= 0 || Validation <= 0 || Test <= 0 || Train + Validation + Test != 100
            ? $"must be three positive percentages that add up to 100, like 70/15/15 (got {this})"
            : null;

    public override string ToString() => $"{Train}/{Validation}/{Test}";

    public static bool TryParse(string? text, out SplitRatios split)
    {
        split = Default;
        var parts = (text ?? "").Split('/');
        if (parts.Length != 3)
            return false;
        var numbers = new int[3];
        for (var i = 0; i < 3; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
                return false;
        split = new SplitRatios(numbers[0], numbers[1], numbers[2]);
        return true;
    }
}
