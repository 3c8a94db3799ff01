using Pipeline.Evaluator.Evaluation;
using Pipeline.Hosting;
using Pipeline.Models.Backbones;

namespace Pipeline.Evaluator;

public static class EvaluatorStage
{
    public static IHostApplicationBuilder AddEvaluatorStage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddModelZoo();
        builder.Services.AddSingleton<ReportWriter>();
        builder.Services.AddSingleton<TrialEvaluator>();
        builder.Services.AddStageConsumer<EvaluateModelConsumer>();
        return builder;
    }
}
