using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Storage;
using Pipeline.Telemetry;

namespace Pipeline.Trainer.Training.Features;

/// <summary>
/// Backbone features in the object store, beside the shards they were computed from: one chunk per shard, then an index
/// (<see cref="FeatureKey.ObjectKey"/>) that lists them. The first trial that needs them computes and stores them; every
/// later one (a second run, a resumed trial, another trainer) reads them. Each computing trial writes its chunks under a
/// folder of its own and publishes the index with put-if-absent: the first complete set wins, a half-written one (no
/// index) is never read, and the losing trial removes its chunks and uses the winner's, so every trial trains on the same numbers.
/// </summary>
public sealed class FeatureCache(IObjectStore store, ILogger logger)
{
    /// <param name="compute">The features, one chunk per shard in shard order, computed lazily (it may read the split) when the store has none for <paramref name="key"/>.</param>
    public async Task<StoredFeatures> GetOrComputeAsync(FeatureKey key, Func<IEnumerable<FeatureChunk>> compute, CancellationToken cancellationToken)
    {
        var objectKey = key.ObjectKey;
        using var span = PipelineTelemetry.StartSpan("feature cache")?.SetTag("pipeline.split", key.Split).SetTag("pipeline.views", key.Views);
        if (await TryReadAsync(key, cancellationToken) is { } cached)
        {
            logger.LogInformation("Reusing cached features of the {Split} split from {Key}: {Views} view(s) of {Count} images", key.Split, objectKey, cached.Views, cached.Count);
            return cached;
        }
        logger.LogInformation("Computing features of the {Split} split for {Key}: {Views} view(s) per image", key.Split, objectKey, key.Views);
        var index = await StoreChunksAsync(key, compute, cancellationToken);
        if (await PublishAsync(key, index, cancellationToken))
            return new StoredFeatures(store, key, index);
        if (await TryReadAsync(key, cancellationToken) is { } stored)
        {
            logger.LogInformation("Another trial stored the features of the {Split} split first; using {Key}", key.Split, objectKey);
            await DeleteChunksAsync(index);
            return stored;
        }
        // The winner's set was unusable (and removed): ours takes its place.
        await PublishAsync(key, index, cancellationToken);
        return new StoredFeatures(store, key, index);
    }

    private async Task<FeatureIndex> StoreChunksAsync(FeatureKey key, Func<IEnumerable<FeatureChunk>> compute, CancellationToken cancellationToken)
    {
        var writer = Guid.NewGuid().ToString("N");
        var chunks = new List<ShardEntry>();
        try
        {
            foreach (var chunk in compute())
            {
                var bytes = chunk.ToBytes(key);
                var chunkKey = key.ChunkKey(writer, chunks.Count);
                await store.PutBytesAsync(chunkKey, bytes, cancellationToken);
                chunks.Add(new ShardEntry(chunkKey, chunk.Count, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))));
            }
        }
        catch
        {
            await DeleteChunksAsync(new FeatureIndex(key.Describe(), key.Views, chunks));
            throw;
        }
        return new FeatureIndex(key.Describe(), key.Views, chunks);
    }

    private async Task<bool> PublishAsync(FeatureKey key, FeatureIndex index, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(index, PipelineJson.Compact), writable: false);
        return await store.PutIfAbsentAsync(key.ObjectKey, content, cancellationToken);
    }

    /// <summary>The stored features, or null when there are none; a damaged or mismatched set is removed (with a warning) to be computed again.</summary>
    private async Task<StoredFeatures?> TryReadAsync(FeatureKey key, CancellationToken cancellationToken)
    {
        var objectKey = key.ObjectKey;
        if (!await store.ExistsAsync(objectKey, cancellationToken))
            return null;
        FeatureIndex? index = null;
        try
        {
            index = await store.GetJsonAsync<FeatureIndex>(objectKey, cancellationToken);
            if (index.Key != key.Describe() || index.Views != key.Views)
                throw new InvalidDataException($"it was computed for {index.Key}, not for {key.Describe()}");
            foreach (var chunk in index.Chunks)
                await CheckAsync(chunk, cancellationToken);
            return new StoredFeatures(store, key, index);
        }
        catch (Exception e) when (e is InvalidDataException or ObjectNotFoundException or JsonException)
        {
            logger.LogWarning("The cached features at {Key} cannot be used ({Problem}); computing them again", objectKey, e.Message);
            await store.DeleteAsync(objectKey, cancellationToken);
            if (index is not null)
                await DeleteChunksAsync(index);
            return null;
        }
    }

    /// <summary>Hashes a chunk as it streams by: a set is checked whole before a trial relies on it, in bounded memory.</summary>
    private async Task CheckAsync(ShardEntry chunk, CancellationToken cancellationToken)
    {
        await using var content = await store.OpenReadAsync(chunk.Key, cancellationToken);
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
        if (sha != chunk.Sha256)
            throw new InvalidDataException($"its chunk '{chunk.Key}' has the sha256 {sha}, the index says {chunk.Sha256}");
    }

    /// <summary>Best effort, and never cancelled: what a trial leaves behind is only wasted space.</summary>
    private async Task DeleteChunksAsync(FeatureIndex index)
    {
        foreach (var chunk in index.Chunks)
            await store.DeleteAsync(chunk.Key, CancellationToken.None);
    }
}
