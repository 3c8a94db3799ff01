using MassTransit;
using Pipeline.Hosting;
using Pipeline.Contracts;
using Pipeline.Evaluator.Evaluation;

namespace Pipeline.Evaluator;

public static class EvaluatorStage
{
    public static IHostApplicationBuilder AddEvaluatorStage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReportWriter>();
        builder.Services.AddSingleton<TrialEvaluator>();
        builder.AddStageHeartbeat(Stages.Evaluate);
        return builder;
    }

    public static IBusRegistrationConfigurator AddEvaluatorConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<EvaluateModelConsumer>().Endpoint(endpoint => endpoint.Name = StageQueues.Evaluator);
        return bus;
    }
}
