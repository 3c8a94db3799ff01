using Pipeline.Evaluator.Prediction;

namespace Pipeline.Cli.Commands;

/// <summary>`evaluate --json`: one object on stdout. Fields are only ever added.</summary>
/// <param name="ReportDir">The folder holding metrics.json, the plots and report.html.</param>
/// <param name="Count">Images scored; <paramref name="Errors"/> lists those that could not be read.</param>
/// <param name="Error">Why there is no report; null when there is one.</param>
public sealed record EvaluationJson(int SchemaVersion, string? ReportDir, double? Accuracy, int Count, IReadOnlyList<ImageFileError> Errors, string? Error)
{
    public static EvaluationJson Rejected(string error, IReadOnlyList<ImageFileError>? errors = null) => new(1, null, null, 0, errors ?? [], error);
}
