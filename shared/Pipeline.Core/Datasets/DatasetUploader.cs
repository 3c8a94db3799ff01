using Pipeline.Storage;

namespace Pipeline.Datasets;

/// <summary>
/// Copies a local ImageFolder into the object store as a named dataset. Files already there with the same content
/// hash are not sent again; the index is written last, so a dataset is usable only once every file is in.
/// </summary>
public sealed class DatasetUploader(IObjectStore store)
{
    public async Task<DatasetUpload> UploadAsync(string name, string folder, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        var writer = new DatasetWriter(store, name);
        var listing = ImageFolder.Scan(name, folder, cancellationToken);
        var known = await KnownHashesAsync(name, cancellationToken);
        var done = 0;
        foreach (var file in listing.Files)
        {
            if (known.GetValueOrDefault(file.RelativePath) == file.Sha256 && await store.ExistsAsync(ObjectKeys.DatasetFile(name, file.RelativePath), cancellationToken))
                writer.AddUnchanged(new IndexedFile(file.RelativePath, file.Size, file.Sha256));
            else
                await using (var content = ImageFolder.OpenFile(folder, file))
                    await writer.AddAsync(file.RelativePath, content, cancellationToken);
            progress?.Report((++done, listing.Files.Count));
        }
        return await writer.CompleteAsync(listing.Classes, listing.Skipped, listing.Quarantine, listing.PreSplit, cancellationToken);
    }

    private async Task<Dictionary<string, string>> KnownHashesAsync(string name, CancellationToken cancellationToken)
    {
        if (!await store.ExistsAsync(ObjectKeys.DatasetIndex(name), cancellationToken))
            return [];
        var index = await store.GetJsonAsync<DatasetIndex>(ObjectKeys.DatasetIndex(name), cancellationToken);
        return index.Files.ToDictionary(file => file.Path, file => file.Sha256, StringComparer.Ordinal);
    }
}
