using System.Buffers.Binary;
using System.Text;
using Pipeline.Evaluator.Evaluation;
using Pipeline.Contracts;
using Pipeline.Runs;
using Pipeline.Storage;
using SkiaSharp;

namespace Pipeline.Tests.Evaluation;

public sealed class ReportWriterTests : IDisposable
{
    // A folder name may hold markup characters; the report must show them, not run them.
    private const string MarkupClass = "a<b&c";
    private const string LongClass = "a rather long class name for rotation";

    private static readonly string[] Classes = [MarkupClass, "dog", LongClass];

    private readonly TempDirectory _root = new();
    private readonly FileSystemObjectStore _store;
    private const string TrialId = "t1";
    private readonly Guid _runId = Guid.NewGuid();

    public ReportWriterTests() => _store = new FileSystemObjectStore(_root.Path);

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Writes_metrics_plots_and_page_under_the_trial_report_folder()
    {
        var files = await WriteAsync(Input());

        var keys = await _store.ListAsync(ObjectKeys.TrialReport(_runId, TrialId, "")).ToListAsync();
        Assert.Equal(new[] { files.ConfusionKey, files.CurvesKey, files.F1Key, files.MetricsKey, files.ReliabilityKey, files.HtmlKey }.Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public async Task Plots_are_png_images_of_a_sensible_size()
    {
        var files = await WriteAsync(Input());

        var (curvesWidth, curvesHeight) = PngSize(await _store.GetBytesAsync(files.CurvesKey));
        Assert.InRange(curvesWidth, 800, 2000);
        Assert.InRange(curvesHeight, 300, 1000);
        var (confusionWidth, confusionHeight) = PngSize(await _store.GetBytesAsync(files.ConfusionKey));
        Assert.InRange(confusionWidth, 300, 2000);
        Assert.InRange(confusionHeight, 300, 2000);
    }

    [Fact]
    public async Task Html_is_self_contained_and_encodes_user_strings()
    {
        var files = await WriteAsync(Input());

        var html = Encoding.UTF8.GetString(await _store.GetBytesAsync(files.HtmlKey));
        Assert.Contains("a&lt;b&amp;c", html);
        Assert.DoesNotContain(MarkupClass, html);
        Assert.Contains("imgs/x&lt;1&gt;.png", html);
        Assert.Contains(_runId.ToString(), html);
        Assert.Contains("66.7 %", html); // accuracy headline: 4 of 6
        Assert.Contains("resnet50", html);
        Assert.Contains("0.0003", html); // learning rate
        // Four plots and two thumbnails, all inline; nothing fetched from anywhere.
        Assert.Equal(6, CountOf(html, "src=\"data:image/png;base64,"));
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<link", html);
    }

    [Fact]
    public async Task Html_leaves_out_the_gallery_when_there_are_no_mistakes()
    {
        var files = await WriteAsync(Input() with { Mistakes = [] });

        var html = Encoding.UTF8.GetString(await _store.GetBytesAsync(files.HtmlKey));
        Assert.DoesNotContain("Mistakes", html);
        Assert.Equal(4, CountOf(html, "src=\"data:image/png;base64,"));
    }

    [Theory]
    [InlineData(1, 0)]  // one class, no epochs recorded
    [InlineData(40, 1)] // too many classes for counts in the cells, a single epoch
    public async Task Renders_unusual_shapes(int classCount, int epochCount)
    {
        var classes = Enumerable.Range(0, classCount).Select(i => $"class {i}").ToArray();
        var labels = Enumerable.Range(0, classCount * 3).Select(i => i % classCount).ToArray();
        var input = Input() with
        {
            Metrics = ClassificationMetrics.Compute(classes, labels, labels),
            History = History(epochCount, bestEpoch: epochCount),
            Mistakes = [],
        };

        var files = await WriteAsync(input);

        var (width, height) = PngSize(await _store.GetBytesAsync(files.ConfusionKey));
        Assert.InRange(width, 300, 4000);
        Assert.InRange(height, 300, 4000);
        Assert.True(await _store.ExistsAsync(files.HtmlKey));
    }

    [Fact]
    public async Task Without_a_training_history_the_report_has_no_curves_and_no_training_settings()
    {
        var files = await WriteAsync(Input() with { History = null, Subject = "model.safetensors on /data/new" });

        var html = Encoding.UTF8.GetString(await _store.GetBytesAsync(files.HtmlKey));
        Assert.False(await _store.ExistsAsync(files.CurvesKey));
        Assert.DoesNotContain("Training curves", html);
        Assert.DoesNotContain("Learning rate", html);
        Assert.Contains("model.safetensors on /data/new", html);
        Assert.Equal(5, CountOf(html, "src=\"data:image/png;base64,")); // three plots and two thumbnails
    }

    [Fact]
    public async Task Metrics_json_round_trips()
    {
        var input = Input();
        var files = await WriteAsync(input);

        var read = await _store.GetJsonAsync<ClassificationMetrics>(files.MetricsKey);

        var written = input.Metrics;
        Assert.Equal(written.SchemaVersion, read.SchemaVersion);
        Assert.Equal(written.Count, read.Count);
        Assert.Equal(written.Accuracy, read.Accuracy);
        Assert.Equal(written.Top3Accuracy, read.Top3Accuracy);
        Assert.Equal(written.Top5Accuracy, read.Top5Accuracy);
        Assert.Equal(written.Classes, read.Classes);
        Assert.Equal(written.ConfusionMatrix, read.ConfusionMatrix);
        Assert.Equal(written.NormalizedConfusionMatrix, read.NormalizedConfusionMatrix);
        Assert.Equal(written.NegativeLogLikelihood, read.NegativeLogLikelihood);
        Assert.Equal(written.ExpectedCalibrationError, read.ExpectedCalibrationError);
        Assert.Equal(written.CalibrationBins, read.CalibrationBins);
        Assert.Equal(written.PerClass, read.PerClass);
        Assert.Equal(written.MacroAverage, read.MacroAverage);
        Assert.Equal(written.WeightedAverage, read.WeightedAverage);
    }

    [Fact]
    public async Task Metrics_json_matches_its_published_schema()
    {
        var files = await WriteAsync(Input());

        DocumentSchemas.AssertValid(DocumentSchemas.Metrics, Encoding.UTF8.GetString(await _store.GetBytesAsync(files.MetricsKey)));
    }

    [Fact]
    public void The_schema_refuses_metrics_with_a_field_it_does_not_describe()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(Input().Metrics, PipelineJson.Options).Replace("\"count\"", "\"surprise\": 1, \"count\"");

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => DocumentSchemas.AssertValid(DocumentSchemas.Metrics, json));
    }

    [Fact]
    public async Task Rejects_a_thumbnail_that_is_not_a_png()
    {
        var input = Input() with { Mistakes = [new MisclassifiedExample("dog/1.jpg", "dog", MarkupClass, 0.9, [0xFF, 0xD8, 0xFF, 0xE0])] };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => WriteAsync(input));

        Assert.Contains("dog/1.jpg", error.Message);
        Assert.False(await _store.ExistsAsync(ReportFiles.For(_runId, TrialId).HtmlKey));
    }

    private async Task<ReportFiles> WriteAsync(ReportInput input)
    {
        var files = ReportFiles.For(_runId, TrialId);
        await new ReportWriter().WriteAsync(_store, files, input, CancellationToken.None);
        return files;
    }

    private ReportInput Input()
    {
        int[] truth = [0, 0, 1, 1, 2, 2];
        int[] predicted = [0, 1, 1, 1, 2, 0];
        float[] probabilities = [0.7f, 0.2f, 0.1f, 0.3f, 0.6f, 0.1f, 0.1f, 0.8f, 0.1f, 0.2f, 0.5f, 0.3f, 0.1f, 0.1f, 0.8f, 0.5f, 0.1f, 0.4f];
        var thumbnail = SolidPng(32, 32);
        return new ReportInput
        {
            Subject = $"Run {_runId}, trial {TrialId}",
            Metrics = ClassificationMetrics.Compute(Classes, truth, predicted, probabilities),
            History = History(6, bestEpoch: 4),
            Dataset = new DatasetSummary("pets", new Dictionary<string, int> { ["train"] = 42, ["val"] = 9, ["test"] = 6 }, QuarantinedCount: 2),
            Mistakes =
            [
                new MisclassifiedExample($"{MarkupClass}/1.jpg", MarkupClass, "dog", 0.81, thumbnail),
                new MisclassifiedExample("imgs/x<1>.png", LongClass, MarkupClass, 0.55, thumbnail),
            ],
        };
    }

    /// <summary>Falling loss and rising accuracy; validation accuracy stops improving after <paramref name="bestEpoch"/>.</summary>
    private static TrainingHistory History(int epochCount, int bestEpoch) => new()
    {
        Training = new TrainingSpec { Backbone = BackboneNames.ResNet50, Weights = WeightsReference.ResNet50V1, LearningRate = 3e-4, Epochs = 6 },
        Seed = 42,
        BestEpoch = bestEpoch,
        Epochs = Enumerable.Range(1, epochCount)
            .Select(epoch => new EpochRecord(epoch, 1.5 / epoch, 0.5 + 0.07 * epoch, 1.6 / epoch + 0.02 * epoch, 0.45 + 0.06 * Math.Min(epoch, bestEpoch), 120, 30))
            .ToList(),
    };

    private static byte[] SolidPng(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.OrangeRed);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Width and height from the IHDR chunk, after checking the PNG signature.</summary>
    private static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.True(png.AsSpan().StartsWith((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG signature");
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
