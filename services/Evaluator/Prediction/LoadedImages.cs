using Pipeline.Datasets;

namespace Pipeline.Evaluator.Prediction;

/// <summary>The files that decoded, as model input (image i came from <c>Paths[i]</c>), and those that did not.</summary>
public sealed record LoadedImages(SplitImages Images, IReadOnlyList<string> Paths, IReadOnlyList<ImageFileError> Errors);
