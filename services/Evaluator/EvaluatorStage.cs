using Pipeline.Evaluator.Evaluation;
using Pipeline.Hosting;

namespace Pipeline.Evaluator;

public static class EvaluatorStage
{
    public static IHostApplicationBuilder AddEvaluatorStage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReportWriter>();
        builder.Services.AddSingleton<TrialEvaluator>();
        builder.Services.AddStageConsumer<EvaluateModelConsumer>();
        return builder;
    }
}
