using System.Diagnostics;
using MassTransit;
using Pipeline.Contracts;
using Pipeline.Evaluator.Evaluation;
using Pipeline.Hosting;

namespace Pipeline.Evaluator;

/// <summary>Scores one trial and writes its report; a redelivered command re-announces a finished report.</summary>
public sealed class EvaluateModelConsumer(TrialEvaluator evaluator, RunCancellations cancellations, ILogger<EvaluateModelConsumer> logger)
    : IConsumer<EvaluateModel>
{
    public Task Consume(ConsumeContext<EvaluateModel> context) =>
        context.RunStageAsync(Stages.Evaluate, context.Message.RunId, context.Message.TrialId, cancellations, logger, async cancellationToken =>
        {
            var (runId, trialId, evaluation, _, manifestKey, modelKey, historyKey) = context.Message;
            var computing = Stopwatch.StartNew();
            var result = await evaluator.EvaluateAsync(new EvaluationRequest(runId, trialId, evaluation, manifestKey, modelKey, historyKey), cancellationToken);
            await context.Publish(new ModelEvaluated(runId, trialId, result.MetricsKey, result.ReportKey, result.TestAccuracy,
                computing.Elapsed.TotalSeconds), cancellationToken);
        });
}
