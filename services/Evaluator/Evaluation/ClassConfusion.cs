namespace Pipeline.Evaluator.Evaluation;

/// <summary>The wrong class that a class's samples were most often predicted as.</summary>
/// <param name="Count">Samples of the class predicted as <paramref name="PredictedClass"/>.</param>
/// <param name="Rate">That count over the class's support (0..1): the cell of the row-normalised confusion matrix.</param>
public sealed record ClassConfusion(string PredictedClass, int Count, double Rate);
