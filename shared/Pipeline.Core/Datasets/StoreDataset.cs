using Pipeline.Storage;

namespace Pipeline.Datasets;

/// <summary>A dataset uploaded to the object store: <c>datasets/&lt;name&gt;/index.json</c> lists it, its files are under <c>raw/</c>.</summary>
public sealed class StoreDataset(IObjectStore store, string name) : IDatasetSource
{
    public string Name => name;

    public async Task<DatasetListing> ListAsync(CancellationToken cancellationToken = default)
    {
        DatasetIndex index;
        try
        {
            index = await store.GetJsonAsync<DatasetIndex>(ObjectKeys.DatasetIndex(name), cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            throw new PipelineException($"There is no dataset named '{name}' in the object store: upload it first (./pipeline datasets upload DIR {name}).");
        }
        var labels = index.Classes.Select((c, label) => (c, label)).ToDictionary(p => p.c, p => p.label, StringComparer.Ordinal);
        var files = index.Files
            .Select(file => (file, place: ImageFolder.Locate(file.Path, index.PreSplit)))
            .Where(f => f.place is not null) // a file loose in a split folder of an uploaded archive is in no class
            .Select(f => new DatasetFile(f.file.Path, labels[f.place!.Value.Class], f.file.Size, f.file.Sha256, f.place.Value.Split))
            .ToList();
        return new DatasetListing(name, index.Classes, files, index.Skipped) { Quarantine = index.Quarantine };
    }

    public async Task<byte[]> ReadAsync(DatasetFile file, long maxBytes, CancellationToken cancellationToken = default)
    {
        await using var stream = await store.OpenReadAsync(ObjectKeys.DatasetFile(name, file.RelativePath), cancellationToken);
        return await BoundedRead.AllBytesAsync(stream, maxBytes, file.RelativePath, cancellationToken);
    }
}
