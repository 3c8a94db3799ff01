namespace Pipeline.Datasets;

/// <summary>One named dataset, wherever its files live (a local folder, or the object store).</summary>
public interface IDatasetSource
{
    string Name { get; }

    /// <exception cref="PipelineException">The dataset does not exist or is not an ImageFolder.</exception>
    Task<DatasetListing> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The file's bytes, refusing (with <see cref="InvalidDataException"/>) to read more than <paramref name="maxBytes"/>.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    Task<byte[]> ReadAsync(DatasetFile file, long maxBytes, CancellationToken cancellationToken = default);
}
