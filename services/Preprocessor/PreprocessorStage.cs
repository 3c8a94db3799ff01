using MassTransit;
using Pipeline.Hosting;
using Pipeline.Contracts;
using Microsoft.Extensions.Options;
using Pipeline.Preprocessor.Preprocessing;

namespace Pipeline.Preprocessor;

public static class PreprocessorStage
{
    /// <summary>The dataset preparer, with its limits from <c>Pipeline:Preprocessor</c>.</summary>
    public static IHostApplicationBuilder AddPreprocessorStage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PreprocessorOptions>().Bind(builder.Configuration.GetSection(PreprocessorOptions.Section));
        builder.Services.AddSingleton(provider => provider.GetRequiredService<IOptions<PreprocessorOptions>>().Value);
        builder.Services.AddSingleton<DatasetPreparer>();
        builder.Services.AddSingleton<ChunkDocuments>();
        builder.AddStageHeartbeat(Stages.Preprocess);
        return builder;
    }

    public static IBusRegistrationConfigurator AddPreprocessorConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<PreprocessDatasetConsumer>().Endpoint(endpoint => endpoint.Name = StageQueues.Preprocessor);
        bus.AddConsumer<AssembleDatasetConsumer>().Endpoint(endpoint => endpoint.Name = StageQueues.Preprocessor);
        bus.AddConsumer<PreprocessChunkConsumer, PreprocessChunkConsumerDefinition>();
        return bus;
    }
}
