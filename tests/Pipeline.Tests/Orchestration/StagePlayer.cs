using System.Net.Http.Json;
using System.Text;
using MassTransit;
using Pipeline.Contracts;
using Pipeline.Evaluator.Evaluation;
using Pipeline.Orchestrator.Api;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;

namespace Pipeline.Tests.Orchestration;

/// <summary>
/// Plays the preprocessor's, trainer's and evaluator's part of a one-trial run on the orchestrator's bus: the events they
/// publish, and the report objects an evaluator writes (its metrics computed from a few labels).
/// </summary>
public sealed class StagePlayer(OrchestratorApi api)
{
    public static readonly IReadOnlyList<string> Classes = ["cat", "dog"];

    /// <summary>What the evaluator scores: five test images, three of them right.</summary>
    public static readonly ClassificationMetrics Metrics = ClassificationMetrics.Compute(Classes, [0, 0, 1, 1, 1], [0, 1, 1, 1, 0]);
    private static readonly Dictionary<string, string> Versions = [];

    public async Task<Guid> SubmitAsync(int epochs)
    {
        var response = await api.Client.PostAsync("/runs", new StringContent(
            $$"""{ "dataset": "pets", "training": { "backbone": "mlnet-resnet18", "epochs": {{epochs}} } }""", Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RunView>(PipelineJson.Options))!.RunId;
    }

    public async Task PrepareAsync(Guid runId)
    {
        await PublishAsync(runId, new PreprocessingProgressed(runId, 10, 20));
        await PublishAsync(runId, new DatasetPrepared(runId, "prepared/f/manifest.json", "f", Classes.Count, 14, 3, 3, 0, false, Versions));
    }

    /// <summary>Epoch <paramref name="epoch"/> of trial t1, its loss falling and its accuracy rising with the epoch.</summary>
    public Task EpochAsync(Guid runId, int epoch, int epochs) =>
        PublishAsync(runId, new EpochCompleted(runId, "t1", epoch, epochs, 1.0 / epoch, 1 - 0.5 / epoch, 1.2 / epoch, 1 - 0.6 / epoch, 30, TimeSpan.FromSeconds(3)));

    public async Task FinishAsync(Guid runId)
    {
        await PublishAsync(runId, new ModelTrained(runId, "t1", "model", "history", 1, 0.6, Versions));
        var metricsKey = ObjectKeys.TrialReport(runId, "t1", "metrics.json");
        await api.Store.PutJsonAsync(metricsKey, Metrics);
        await api.Store.PutBytesAsync(ObjectKeys.TrialReport(runId, "t1", "report.html"), "<html>t1</html>"u8.ToArray());
        await PublishAsync(runId, new ModelEvaluated(runId, "t1", metricsKey, ObjectKeys.TrialReport(runId, "t1", "report.html"), Metrics.Accuracy));
    }

    /// <summary>
    /// Publishes a stage's event and waits until the orchestrator has applied it and put it in the run's journal, as real
    /// stages, seconds apart, would find it: the journal keeps the order in which the orchestrator finished applying events.
    /// </summary>
    private async Task PublishAsync(Guid runId, object message)
    {
        var runs = api.Service<RunStore>();
        var journaled = runs.Events(runId, 0, int.MaxValue).Count;
        await Bus.Publish(message);
        for (var attempt = 0; runs.Events(runId, 0, int.MaxValue).Count == journaled; attempt++)
        {
            Assert.True(attempt < 200, $"the orchestrator never journaled {message.GetType().Name} of run {runId}");
            await Task.Delay(50);
        }
    }

    private IBus Bus => api.Service<IBus>();
}
