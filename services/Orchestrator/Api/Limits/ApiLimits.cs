using Pipeline.Contracts;

namespace Pipeline.Orchestrator.Api.Limits;

/// <summary>
/// <c>Pipeline:Api:Limits</c>: what one request (or <see cref="SubmitRun"/> message) may ask of a shared service. The defaults are the specification's own
/// bounds; an operator lowers them so that no submission holds the trainers for days.
/// </summary>
public sealed class ApiLimits
{
    public const string Section = "Pipeline:Api:Limits";

    /// <summary>Request bodies of every endpoint without a cap of its own (all but the dataset and weights uploads).</summary>
    public long MaxJsonBodyBytes { get; set; } = 1024 * 1024;

    public int MaxEpochs { get; set; } = 10_000;

    /// <summary>Training and evaluation batch sizes.</summary>
    public int MaxBatchSize { get; set; } = 4096;

    public int MaxThreads { get; set; } = 1024;

    /// <summary>The specification's fields over these limits, every trial of a sweep checked, keyed by field path.</summary>
    public IReadOnlyDictionary<string, string[]> Check(RunSpec spec)
    {
        var errors = new ValidationErrors();
        void Bound(string field, int? value, int max)
        {
            // A swept field is reported where the user wrote its values.
            var path = spec.Sweep?.ContainsKey(field) == true ? $"sweep.{field}" : field;
            var message = $"at most {max} on this server (got {value})";
            errors.AddIf(value > max && !errors.Contains(path, message), path, message);
        }
        foreach (var trial in spec.Trials())
        {
            Bound("training.epochs", trial.Training.Epochs, MaxEpochs);
            Bound("training.batchSize", trial.Training.BatchSize, MaxBatchSize);
            Bound("training.threads", trial.Training.Threads, MaxThreads);
        }
        Bound("evaluation.batchSize", spec.Evaluation.BatchSize, MaxBatchSize);
        return errors.ToDictionary();
    }
}
