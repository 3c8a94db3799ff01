using System.Text.Json;
using MassTransit.Testing;
using Pipeline.Contracts;
using Pipeline.Orchestrator;
using Pipeline.Orchestrator.Api.Limits;
using Pipeline.Orchestrator.Runs;

namespace Pipeline.Tests.Orchestration;

/// <summary>A <see cref="SubmitRun"/> message is held to the server's bounds exactly as <c>POST /runs</c> is (see <see cref="ApiLimitsTests"/>).</summary>
public sealed class SubmitRunLimitsTests() : ConsumerHarness<RunEventsConsumer>(
    (services, folder) => services.AddOrchestrator(folder, new OrchestratorOptions(), limits: new ApiLimits { MaxEpochs = 5, MaxBatchSize = 32 }))
{
    private static readonly RunSpec Spec = new() { Dataset = "flowers", Training = new TrainingSpec { Backbone = BackboneNames.MlNetResNet18, Epochs = 2 } };

    [Fact]
    public async Task A_message_over_the_server_s_bounds_is_rejected_by_field_like_the_api_and_makes_no_run()
    {
        var overBounds = Guid.NewGuid();
        var swept = Guid.NewGuid();
        var within = Guid.NewGuid();

        await Harness.Bus.Publish(new SubmitRun(overBounds, Spec with { Training = Spec.Training with { Epochs = 6, BatchSize = 64 } }));
        await Harness.Bus.Publish(new SubmitRun(swept, Spec with { Sweep = new Dictionary<string, JsonElement[]>
        {
            ["training.epochs"] = [JsonSerializer.SerializeToElement(2), JsonSerializer.SerializeToElement(9)],
        } }));
        await Harness.Bus.Publish(new SubmitRun(within, Spec));

        Assert.True(await Harness.Sent.Any<PreprocessDataset>(m => m.Context.Message.RunId == within));
        var rejected = (await PublishedAsync<RunRejected>(2)).ToDictionary(message => message.RunId, message => message.Errors);
        Assert.Equal(["at most 5 on this server (got 6)"], rejected[overBounds]["training.epochs"]);
        Assert.Equal(["at most 32 on this server (got 64)"], rejected[overBounds]["training.batchSize"]);
        Assert.Equal(["at most 5 on this server (got 9)"], rejected[swept]["sweep.training.epochs"]);
        Assert.False(rejected.ContainsKey(within));
        var runs = Service<RunStore>();
        Assert.Null(runs.Find(overBounds));
        Assert.Null(runs.Find(swept));
        Assert.NotNull(runs.Find(within));
    }
}
