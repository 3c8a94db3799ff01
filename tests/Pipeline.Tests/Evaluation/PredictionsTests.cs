using Pipeline.ModelZoo.Classification;

namespace Pipeline.Tests.Evaluation;

public sealed class PredictionsTests
{
    [Fact]
    public void Top_classes_rank_by_probability_and_break_ties_by_the_lower_label_as_the_prediction_does()
    {
        var predictions = new Predictions(["a", "b", "c", "d"], [1, 0], [[0.1f, 0.4f, 0.4f, 0.1f], [0.25f, 0.25f, 0.25f, 0.25f]]);

        Assert.Equal([1, 2, 0], predictions.Top(0, 3));
        Assert.Equal([0, 1, 2, 3], predictions.Top(1, 10));
    }
}
