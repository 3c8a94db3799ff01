using MassTransit;
using Pipeline.Hosting;
using Pipeline.Contracts;
using Pipeline.ModelZoo.Backbones;
using Pipeline.Storage;
using Pipeline.Trainer.Training;

namespace Pipeline.Trainer;

public static class TrainerStage
{
    /// <summary>The trainer and its backbones, with this worker's resources from <c>Pipeline:Trainer</c> and where it may
    /// download weights from <c>Pipeline:Weights</c>.</summary>
    public static IHostApplicationBuilder AddTrainerStage(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TrainerOptions.Section).Get<TrainerOptions>() ?? new TrainerOptions();
        var weights = builder.Configuration.GetSection(WeightsOptions.Section).Get<WeightsOptions>() ?? new WeightsOptions();
        builder.Services.AddSingleton(provider => new BackboneRegistry(provider.GetRequiredService<IObjectStore>(), options.WeightsCache,
            logger: provider.GetRequiredService<ILogger<BackboneRegistry>>(), weightsOptions: weights));
        builder.Services.AddSingleton(provider => new ClassifierTrainer(provider.GetRequiredService<IObjectStore>(), provider.GetRequiredService<BackboneRegistry>(),
            provider.GetRequiredService<ILogger<ClassifierTrainer>>(), options.Threads));
        builder.Services.AddSingleton<TrainerIntake>();
        builder.Services.AddSingleton<TrialRunner>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<TrialRunner>());
        builder.AddStageHeartbeat(Stages.Train);
        return builder;
    }

    public static IBusRegistrationConfigurator AddTrainerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<TrainModelConsumer, TrainModelConsumerDefinition>();
        var orchestrator = new Uri($"queue:{StageQueues.Orchestrator}");
        bus.AddRequestClient<AcquireTrialLease>(orchestrator);
        bus.AddRequestClient<RenewTrialLease>(orchestrator);
        return bus;
    }
}
