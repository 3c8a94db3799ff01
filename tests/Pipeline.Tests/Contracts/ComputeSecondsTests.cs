using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Tests.Contracts;

public sealed class ComputeSecondsTests
{
    private static readonly IReadOnlyDictionary<string, string> NoVersions = new Dictionary<string, string>();

    public static TheoryData<object> StageEvents() => new()
    {
        new DatasetPrepared(Guid.NewGuid(), "m", "f", 2, 10, 2, 2, 0, false, NoVersions, null, 12.5),
        new ModelTrained(Guid.NewGuid(), "t1", "model", "history", 3, 0.8, NoVersions, 61.25),
        new ModelEvaluated(Guid.NewGuid(), "t1", "metrics", "report", 0.75, 4.5),
    };

    [Theory]
    [MemberData(nameof(StageEvents))]
    public void A_stage_event_carries_its_compute_seconds_through_json(object message)
    {
        var json = JsonSerializer.Serialize(message, message.GetType(), PipelineJson.Options);

        Assert.Equal(message.GetType().GetProperty("ComputeSeconds")!.GetValue(message),
            JsonDocument.Parse(json).RootElement.GetProperty("computeSeconds").GetDouble());
        var back = JsonSerializer.Deserialize(json, message.GetType(), PipelineJson.Options)!;
        Assert.Equal(JsonSerializer.Serialize(message, message.GetType(), PipelineJson.Options), JsonSerializer.Serialize(back, back.GetType(), PipelineJson.Options));
    }

    [Theory]
    [MemberData(nameof(StageEvents))]
    public void An_event_from_a_sender_without_the_field_reads_as_no_compute_seconds(object message)
    {
        var json = JsonSerializer.SerializeToNode(message, message.GetType(), PipelineJson.Options)!.AsObject();
        json.Remove("computeSeconds");

        var old = JsonSerializer.Deserialize(json.ToJsonString(), message.GetType(), PipelineJson.Options)!;

        Assert.Null(old.GetType().GetProperty("ComputeSeconds")!.GetValue(old));
    }

    [Fact]
    public void A_completed_run_carries_the_seconds_of_each_stage_by_name()
    {
        var seconds = new Dictionary<string, double> { [Stages.Preprocess] = 1.5, [Stages.Train] = 60, [Stages.Evaluate] = 2.25 };
        var completed = new RunCompleted(Guid.NewGuid(), RunState.Completed, 0.9, "report", null, [], "summary", "t1", seconds);

        var json = JsonSerializer.Serialize(completed, PipelineJson.Options);

        Assert.Equal(seconds, JsonSerializer.Deserialize<RunCompleted>(json, PipelineJson.Options)!.ComputeSeconds);
        Assert.Equal(60, JsonDocument.Parse(json).RootElement.GetProperty("computeSeconds").GetProperty("train").GetDouble());
    }
}
