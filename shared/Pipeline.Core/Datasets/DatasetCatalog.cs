using Pipeline.Storage;

namespace Pipeline.Datasets;

/// <summary>
/// Datasets registered in this process (<see cref="LocalDatasets"/>, embedded mode) first, then datasets uploaded
/// to the object store under <c>datasets/&lt;name&gt;/</c>.
/// </summary>
public sealed class DatasetCatalog(IObjectStore store, LocalDatasets local) : IDatasetCatalog
{
    public IDatasetSource Open(string name) =>
        local.Find(name) is { } folder ? new LocalImageFolder(name, folder) : new StoreDataset(store, name);
}
