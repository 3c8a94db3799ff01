using Pipeline.Hosting;
using Pipeline.Models.Backbones;
using Pipeline.Trainer.Training;

namespace Pipeline.Trainer;

public static class TrainerStage
{
    /// <summary>The trainer and its backbones; <c>Pipeline:Models:CacheDirectory</c> overrides where converted weights are cached.</summary>
    public static IHostApplicationBuilder AddTrainerStage(this IHostApplicationBuilder builder)
    {
        var cacheDirectory = builder.Configuration["Pipeline:Models:CacheDirectory"];
        builder.Services.AddSingleton(_ => new BackboneRegistry(cacheDirectory));
        builder.Services.AddSingleton<ClassifierTrainer>();
        builder.Services.AddStageConsumer<TrainModelConsumer, TrainModelConsumerDefinition>();
        return builder;
    }
}
