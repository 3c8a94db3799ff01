namespace Pipeline.Datasets;

/// <summary>An ImageFolder on this machine's disk, known under <paramref name="name"/>.</summary>
public sealed class LocalImageFolder(string name, string folder) : IDatasetSource
{
    public string Name => name;

    public Task<DatasetListing> ListAsync(CancellationToken cancellationToken = default) =>
        Task.Run(() => ImageFolder.Scan(name, folder, cancellationToken), cancellationToken);

    public async Task<byte[]> ReadAsync(DatasetFile file, long maxBytes, CancellationToken cancellationToken = default)
    {
        await using var stream = ImageFolder.OpenFile(folder, file);
        return await BoundedRead.AllBytesAsync(stream, maxBytes, file.RelativePath, cancellationToken);
    }
}
