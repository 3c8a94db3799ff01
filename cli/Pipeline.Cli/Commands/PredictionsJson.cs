using Pipeline.Evaluator.Prediction;

namespace Pipeline.Cli.Commands;

/// <summary>`predict --json`: one object on stdout. Fields are only ever added.</summary>
/// <param name="Error">Why nothing was attempted (a usage error); null otherwise.</param>
public sealed record PredictionsJson(int SchemaVersion, IReadOnlyList<ImagePrediction> Predictions, IReadOnlyList<ImageFileError> Errors, string? Error)
{
    public static PredictionsJson Rejected(string error) => new(1, [], [], error);
}
