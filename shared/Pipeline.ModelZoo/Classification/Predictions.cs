namespace Pipeline.ModelZoo.Classification;

/// <summary>For image i of a split: the predicted label and the softmax probability of every class.</summary>
public sealed record Predictions(IReadOnlyList<string> Classes, int[] Labels, float[][] Probabilities)
{
    public int Count => Labels.Length;
}
