using System.Security.Cryptography;
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
        if (!Contracts.DatasetNames.IsValid(name))
            throw new PipelineException($"'{name}' is not a dataset name: use lower-case letters, digits, '.', '_' and '-'.");
        var listing = ImageFolder.Scan(name, folder);
        var unusable = listing.Files.FirstOrDefault(file => !ObjectKey.IsValid(ObjectKeys.DatasetFile(name, file.RelativePath)));
        if (unusable is not null)
            throw new PipelineException($"'{unusable.RelativePath}' cannot be stored under that name (':' and '\\' are not allowed in object names); rename it.");
        var known = await KnownHashesAsync(name, cancellationToken);

        var indexed = new List<IndexedFile>(listing.Files.Count);
        int uploaded = 0, done = 0;
        long bytes = 0;
        foreach (var file in listing.Files)
        {
            var path = Path.Combine(folder, file.RelativePath);
            var sha256 = await Sha256Async(path, cancellationToken);
            var key = ObjectKeys.DatasetFile(name, file.RelativePath);
            if (known.GetValueOrDefault(file.RelativePath) != sha256 || !await store.ExistsAsync(key, cancellationToken))
            {
                await store.PutFileAsync(key, path, cancellationToken);
                uploaded++;
                bytes += file.Size;
            }
            indexed.Add(new IndexedFile(file.RelativePath, file.Size, sha256));
            progress?.Report((++done, listing.Files.Count));
        }
        await store.PutJsonAsync(ObjectKeys.DatasetIndex(name), new DatasetIndex { Name = name, Classes = listing.Classes, Files = indexed, Skipped = listing.Skipped }, cancellationToken);
        return new DatasetUpload(name, listing.Files.Count, uploaded, listing.Files.Count - uploaded, bytes);
    }

    private async Task<Dictionary<string, string>> KnownHashesAsync(string name, CancellationToken cancellationToken)
    {
        if (!await store.ExistsAsync(ObjectKeys.DatasetIndex(name), cancellationToken))
            return [];
        var index = await store.GetJsonAsync<DatasetIndex>(ObjectKeys.DatasetIndex(name), cancellationToken);
        return index.Files.ToDictionary(file => file.Path, file => file.Sha256, StringComparer.Ordinal);
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }
}
