using MassTransit;
using Pipeline.Contracts;
using Pipeline.Evaluator.Evaluation;
using Pipeline.Hosting;

namespace Pipeline.Evaluator;

public sealed class EvaluateModelConsumer(TrialEvaluator evaluator, RunCancellations cancellations, ILogger<EvaluateModelConsumer> logger)
    : IConsumer<EvaluateModel>
{
    public Task Consume(ConsumeContext<EvaluateModel> context) =>
        context.RunStageAsync("evaluate", context.Message.RunId, cancellations, logger, async cancellationToken =>
            await context.Publish(await evaluator.EvaluateAsync(context.Message, cancellationToken), cancellationToken));
}
