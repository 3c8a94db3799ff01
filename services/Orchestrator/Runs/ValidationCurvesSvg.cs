using System.Globalization;
using System.Net;
using System.Text;
using Pipeline.Runs;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// One plot of every trial's validation accuracy per epoch, as inline SVG: the run-level report stays one offline file
/// (its content policy loads nothing), and the orchestrator needs no plotting library.
/// </summary>
internal static class ValidationCurvesSvg
{
    private const int Width = 720, Height = 360, Left = 50, Right = 160, Top = 15, Bottom = 40;

    // Distinct on white and for the common colour-vision deficiencies (Okabe and Ito's palette), repeated past eight trials.
    private static readonly string[] Colours = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"];

    public static string Render(IReadOnlyList<TrialSummary> trials)
    {
        var curves = trials.Where(t => t.ValidationAccuracies is { Count: > 0 }).ToList();
        if (curves.Count == 0)
            return "<p>No trial finished an epoch.</p>";
        var epochs = Math.Max(2, curves.Max(t => t.ValidationAccuracies!.Count));
        double X(int epoch) => Left + (epoch - 1) * (Width - Left - Right) / (double)(epochs - 1);
        double Y(double accuracy) => Top + (1 - accuracy) * (Height - Top - Bottom);

        var svg = new StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"validation accuracy per epoch\" font-size=\"12\">\n");
        for (var tick = 0; tick <= 4; tick++)
            svg.Append($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Y(tick / 4.0))}\" y2=\"{F(Y(tick / 4.0))}\" stroke=\"#ddd\"/>" +
                       $"<text x=\"{Left - 6}\" y=\"{F(Y(tick / 4.0) + 4)}\" text-anchor=\"end\">{tick * 25}%</text>\n");
        svg.Append($"<text x=\"{F(X(1))}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">1</text>" +
                   $"<text x=\"{F(X(epochs))}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{epochs}</text>" +
                   $"<text x=\"{F((Left + Width - Right) / 2.0)}\" y=\"{Height - 8}\" text-anchor=\"middle\">epoch</text>\n");
        foreach (var (trial, index) in curves.Select((trial, index) => (trial, index)))
        {
            var colour = Colours[index % Colours.Length];
            var points = string.Join(' ', trial.ValidationAccuracies!.Select((accuracy, i) => $"{F(X(i + 1))},{F(Y(accuracy))}"));
            svg.Append($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{points}\"><title>{WebUtility.HtmlEncode(trial.TrialId)}</title></polyline>" +
                       $"<text x=\"{Width - Right + 10}\" y=\"{Top + 14 + index * 16}\" fill=\"{colour}\">{WebUtility.HtmlEncode(Label(trial))}</text>\n");
        }
        return svg.Append("</svg>").ToString();
    }

    private static string Label(TrialSummary trial) =>
        $"{trial.TrialId} {trial.Training.Mode.ToString().ToLowerInvariant()} lr {trial.Training.LearningRate.ToString("G3", CultureInfo.InvariantCulture)}";

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
