using System.Text.Json;
using Pipeline.Storage;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>The plan and chunk results of a dataset cut into chunks, in the object store, where every preprocessor finds them.</summary>
public sealed class ChunkDocuments(IObjectStore store)
{
    public Task SavePlanAsync(DatasetPlan plan, CancellationToken cancellationToken = default) =>
        store.PutJsonAsync(ObjectKeys.ChunkPlan(plan.Fingerprint), plan, cancellationToken);

    /// <exception cref="PipelineException">The plan is missing or was written by another version.</exception>
    public async Task<DatasetPlan> LoadPlanAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        var key = ObjectKeys.ChunkPlan(fingerprint);
        if (await TryLoadAsync<DatasetPlan>(key, cancellationToken) is { SchemaVersion: DatasetPlan.CurrentSchemaVersion } plan)
            return plan;
        throw new PipelineException($"The chunk plan of dataset {fingerprint} ({key}) is missing or unreadable; submit the run again to plan the dataset anew.");
    }

    /// <summary>Saved after the chunk's shards: its presence says the chunk is done.</summary>
    public Task SaveResultAsync(ChunkResult result, CancellationToken cancellationToken = default) =>
        store.PutJsonAsync(ObjectKeys.ChunkResult(result.Fingerprint, result.Chunk), result, cancellationToken);

    /// <summary>The chunk's result, or null when the chunk is not done (or its result is from another version).</summary>
    public async Task<ChunkResult?> TryLoadResultAsync(string fingerprint, int chunk, CancellationToken cancellationToken = default) =>
        await TryLoadAsync<ChunkResult>(ObjectKeys.ChunkResult(fingerprint, chunk), cancellationToken) is { SchemaVersion: ChunkResult.CurrentSchemaVersion } result
            ? result
            : null;

    private async Task<T?> TryLoadAsync<T>(string key, CancellationToken cancellationToken) where T : class
    {
        if (!await store.ExistsAsync(key, cancellationToken))
            return null;
        try
        {
            return await store.GetJsonAsync<T>(key, cancellationToken);
        }
        catch (JsonException)
        {
            return null; // written by an incompatible build: the work is done again
        }
    }
}
