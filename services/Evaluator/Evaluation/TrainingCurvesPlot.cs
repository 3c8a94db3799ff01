using Pipeline.Runs;
using ScottPlot;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Side-by-side train vs validation loss and accuracy per epoch, with the kept (best) epoch marked.</summary>
internal static class TrainingCurvesPlot
{
    private const int Width = 1200;
    private const int Height = 450;

    public static byte[] Render(TrainingHistory history)
    {
        var epochs = history.Epochs.Select(record => (double)record.Epoch).ToArray();
        // Legends go where curves usually are not: loss falls away from the top right, accuracy rises away from the bottom right.
        var loss = Panel("Loss", "loss", Alignment.UpperRight, epochs, history,
            history.Epochs.Select(record => record.TrainLoss), history.Epochs.Select(record => record.ValidationLoss));
        var accuracy = Panel("Accuracy", "accuracy", Alignment.LowerRight, epochs, history,
            history.Epochs.Select(record => record.TrainAccuracy), history.Epochs.Select(record => record.ValidationAccuracy));
        var multiplot = new Multiplot { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        multiplot.Reset(loss);
        multiplot.AddPlot(accuracy);
        return PlotImage.ToPng(multiplot, Width, Height);
    }

    private static Plot Panel(string title, string yLabel, Alignment legendAlignment, double[] epochs, TrainingHistory history, IEnumerable<double> train, IEnumerable<double> validation)
    {
        var plot = PlotImage.NewPlot();
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        AddSeries(plot, epochs, train.ToArray(), "train", Colors.C0);
        AddSeries(plot, epochs, validation.ToArray(), "validation", Colors.C1);
        if (history.BestEpoch > 0)
        {
            var best = plot.Add.VerticalLine(history.BestEpoch, 1.5f, Colors.Gray, LinePattern.Dashed);
            best.LegendText = $"best epoch ({history.BestEpoch})";
        }
        // Epochs are whole numbers: no tick at 2.5.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(legendAlignment);
        return plot;
    }

    private static void AddSeries(Plot plot, double[] epochs, double[] values, string label, Color color)
    {
        var series = plot.Add.Scatter(epochs, values, color);
        series.LegendText = label;
        series.LineWidth = 2;
        series.MarkerSize = 6;
    }
}
