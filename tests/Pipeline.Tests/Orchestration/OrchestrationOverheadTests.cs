using Pipeline.Contracts;
using Pipeline.Runs;

namespace Pipeline.Tests.Orchestration;

public sealed class OrchestrationOverheadTests
{
    [Theory]
    [InlineData(105, 100, 0.05)]
    [InlineData(100, 100, 0)]
    [InlineData(90, 100, -0.1)]
    [InlineData(3, 1, 2)]
    public void A_runs_overhead_is_its_wall_time_beyond_its_compute_relative_to_the_compute(double wall, double compute, double expected)
    {
        Assert.Equal(expected, OrchestrationOverhead.Of(wall, compute)!.Value, precision: 12);
    }

    [Fact]
    public void Without_compute_there_is_no_overhead_to_state()
    {
        Assert.Null(OrchestrationOverhead.Of(10, 0));
    }

    [Fact]
    public void A_batch_shares_its_compute_among_the_trainers_that_ran_side_by_side()
    {
        // Four runs of 100 s compute on two trainers would ideally take 200 s; 210 s is 5 % over.
        Assert.Equal(0.05, OrchestrationOverhead.OfBatch(210, 400, trainers: 2)!.Value, precision: 12);
        Assert.Equal(OrchestrationOverhead.Of(420, 400), OrchestrationOverhead.OfBatch(420, 400, trainers: 1));
    }

    [Fact]
    public void A_batch_needs_at_least_one_trainer()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OrchestrationOverhead.OfBatch(10, 10, trainers: 0));
    }

    [Fact]
    public void The_critical_path_is_the_longest_preparation_the_trainings_spread_over_the_trainers_and_the_last_evaluation()
    {
        // The first run prepares the dataset (20 s), the second finds it prepared (1 s); the run that completed last
        // was evaluated in 7 s, the other's 5 s evaluation overlapped a training.
        IReadOnlyDictionary<string, double>[] runs =
        [
            new Dictionary<string, double> { [Stages.Preprocess] = 20, [Stages.Train] = 100, [Stages.Evaluate] = 5 },
            new Dictionary<string, double> { [Stages.Preprocess] = 1, [Stages.Train] = 80, [Stages.Evaluate] = 7 },
        ];
        Assert.Equal(20 + 180 + 7, OrchestrationOverhead.CriticalPathSeconds(runs, trainers: 1), precision: 12);
        Assert.Equal(20 + 90 + 7, OrchestrationOverhead.CriticalPathSeconds(runs, trainers: 2), precision: 12);
    }

    [Fact]
    public void A_stage_a_run_did_not_report_counts_as_no_time_on_the_critical_path()
    {
        IReadOnlyDictionary<string, double>[] runs = [new Dictionary<string, double> { [Stages.Train] = 50 }];
        Assert.Equal(50, OrchestrationOverhead.CriticalPathSeconds(runs, trainers: 1), precision: 12);
        Assert.Equal(0, OrchestrationOverhead.CriticalPathSeconds([], trainers: 3));
    }
}
