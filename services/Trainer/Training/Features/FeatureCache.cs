using Microsoft.Extensions.Logging;
using Pipeline.Storage;
using Pipeline.Telemetry;

namespace Pipeline.Trainer.Training.Features;

/// <summary>
/// Backbone features in the object store, beside the shards they were computed from (<see cref="FeatureKey.ObjectKey"/>).
/// The first trial that needs them computes and stores them; every later one (a second run, a resumed trial, another
/// trainer) reads them. Two trials computing the same features at once are safe: the first complete write wins and the
/// other trial uses the stored object, so every trial trains on the same numbers.
/// </summary>
public sealed class FeatureCache(IObjectStore store, ILogger logger)
{
    /// <param name="compute">Computes the features (it may load the split first) when the store has none for <paramref name="key"/>.</param>
    public async Task<FeatureSet> GetOrComputeAsync(FeatureKey key, Func<Task<FeatureSet>> compute, CancellationToken cancellationToken)
    {
        var objectKey = key.ObjectKey;
        using var span = PipelineTelemetry.StartSpan("feature cache")?.SetTag("pipeline.split", key.Split).SetTag("pipeline.views", key.Views);
        if (await TryReadAsync(key, cancellationToken) is { } cached)
        {
            logger.LogInformation("Reusing cached features of the {Split} split from {Key}: {Views} view(s) of {Count} images", key.Split, objectKey, cached.Views, cached.Count);
            return cached;
        }
        logger.LogInformation("Computing features of the {Split} split for {Key}: {Views} view(s) per image", key.Split, objectKey, key.Views);
        var computed = await compute();
        using (var content = new MemoryStream(computed.ToBytes(key), writable: false))
            if (await store.PutIfAbsentAsync(objectKey, content, cancellationToken))
                return computed;
        if (await TryReadAsync(key, cancellationToken) is not { } stored)
            return computed;
        logger.LogInformation("Another trial stored the features of the {Split} split first; using {Key}", key.Split, objectKey);
        computed.Dispose();
        return stored;
    }

    /// <summary>The stored features, or null when there are none; a damaged or mismatched object is removed (with a warning) to be computed again.</summary>
    private async Task<FeatureSet?> TryReadAsync(FeatureKey key, CancellationToken cancellationToken)
    {
        var objectKey = key.ObjectKey;
        if (!await store.ExistsAsync(objectKey, cancellationToken))
            return null;
        try
        {
            await using var file = await store.OpenSeekableAsync(objectKey, cancellationToken);
            return FeatureSet.Read(file, key);
        }
        catch (Exception e) when (e is InvalidDataException or ObjectNotFoundException)
        {
            logger.LogWarning("The cached features at {Key} cannot be used ({Problem}); computing them again", objectKey, e.Message);
            await store.DeleteAsync(objectKey, cancellationToken);
            return null;
        }
    }
}
