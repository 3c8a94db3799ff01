using Pipeline.Evaluator.Evaluation;

namespace Pipeline.Tests.Evaluation;

public sealed class AxisLabelLayoutTests
{
    private const double LineHeight = 14;

    [Fact]
    public void Ten_short_labels_stay_level_and_all_drawn_under_a_wide_axis()
    {
        var layout = AxisLabelLayout.ForHorizontalAxis(10, axisPixels: 560, LineHeight, widestLabel: 40);

        Assert.Equal(new AxisLabelLayout(1, Upright: false), layout);
    }

    [Fact]
    public void Labels_too_wide_to_stand_side_by_side_are_turned_upright_and_all_drawn_when_their_line_heights_fit()
    {
        // 10 x 90 px of text would need 900 px; upright they need 10 x 14 = 140.
        var layout = AxisLabelLayout.ForHorizontalAxis(10, axisPixels: 560, LineHeight, widestLabel: 90);

        Assert.Equal(new AxisLabelLayout(1, Upright: true), layout);
    }

    [Theory]
    [InlineData(10, 100)]
    [InlineData(200, 1600)]
    [InlineData(200, 400)]
    [InlineData(1000, 1600)]
    public void Upright_labels_are_thinned_to_the_fewest_steps_that_keep_drawn_labels_times_line_height_within_the_axis(int count, double axisPixels)
    {
        var layout = AxisLabelLayout.ForHorizontalAxis(count, axisPixels, LineHeight, widestLabel: 120);

        Assert.True(layout.Upright);
        Assert.True(layout.Shown(count) * LineHeight <= axisPixels, $"{layout.Shown(count)} labels x {LineHeight} px > {axisPixels} px");
        var denser = layout with { Step = layout.Step - 1 };
        Assert.True(layout.Step == 1 || denser.Shown(count) * LineHeight > axisPixels, $"step {denser.Step} would have fitted too");
    }

    [Theory]
    [InlineData(10, 560, 1)]
    [InlineData(200, 1600, 2)]  // 100 labels x 14 px = 1400 px
    [InlineData(200, 700, 4)]   // 50 labels x 14 px = 700 px: exactly the axis
    public void Labels_beside_a_vertical_axis_stay_level_and_thin_out_when_they_do_not_fit(int count, double axisPixels, int expectedStep)
    {
        var layout = AxisLabelLayout.ForVerticalAxis(count, axisPixels, LineHeight);

        Assert.False(layout.Upright);
        Assert.True(layout.Shown(count) * LineHeight <= axisPixels);
        Assert.Equal(expectedStep, layout.Step);
    }

    [Fact]
    public void An_axis_shorter_than_one_line_still_draws_one_label()
    {
        var layout = AxisLabelLayout.ForVerticalAxis(50, axisPixels: 5, LineHeight);

        Assert.Equal(1, layout.Shown(50));
    }
}
