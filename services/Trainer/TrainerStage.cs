using MassTransit;
using Pipeline.ModelZoo.Backbones;
using Pipeline.Storage;
using Pipeline.Trainer.Training;

namespace Pipeline.Trainer;

public static class TrainerStage
{
    /// <summary>The trainer and its backbones; <c>Pipeline:Trainer:WeightsCache</c> overrides where converted weights are cached.</summary>
    public static IHostApplicationBuilder AddTrainerStage(this IHostApplicationBuilder builder)
    {
        var cacheDirectory = builder.Configuration["Pipeline:Trainer:WeightsCache"];
        builder.Services.AddSingleton(provider => new BackboneRegistry(provider.GetRequiredService<IObjectStore>(), cacheDirectory));
        builder.Services.AddSingleton<ClassifierTrainer>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddTrainerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<TrainModelConsumer, TrainModelConsumerDefinition>();
        return bus;
    }
}
