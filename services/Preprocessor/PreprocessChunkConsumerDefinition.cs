using MassTransit;
using Pipeline.Contracts;
using Pipeline.Preprocessor.Preprocessing;

namespace Pipeline.Preprocessor;

/// <summary>
/// <see cref="PreprocessorOptions.ChunksAtOnce"/> chunks at a time per process, and no more fetched ahead: a chunk
/// waiting in one preprocessor's buffer is a chunk an idle preprocessor cannot take.
/// </summary>
public sealed class PreprocessChunkConsumerDefinition : ConsumerDefinition<PreprocessChunkConsumer>
{
    private readonly int _atOnce;

    public PreprocessChunkConsumerDefinition(PreprocessorOptions options)
    {
        _atOnce = Math.Max(1, options.ChunksAtOnce);
        EndpointName = StageQueues.PreprocessorChunks;
        ConcurrentMessageLimit = _atOnce;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<PreprocessChunkConsumer> consumer, IRegistrationContext context) =>
        endpoint.PrefetchCount = _atOnce;
}
