namespace Pipeline.ModelZoo.Classification;

/// <summary>For image i of a split: the predicted label and the softmax probability of every class.</summary>
public sealed record Predictions(IReadOnlyList<string> Classes, int[] Labels, float[][] Probabilities)
{
    public int Count => Labels.Length;

    /// <summary>
    /// The <paramref name="k"/> most probable labels of image <paramref name="index"/> (fewer when there are fewer classes),
    /// most probable first; ties rank the lower label first, as argmax does, so the first is always <see cref="Labels"/>[index].
    /// </summary>
    public IReadOnlyList<int> Top(int index, int k)
    {
        var row = Probabilities[index];
        return Enumerable.Range(0, row.Length).OrderByDescending(label => row[label]).ThenBy(label => label).Take(k).ToList();
    }
}
