namespace Pipeline.Datasets;

/// <summary>Resolves a dataset name to its files: the one way every process finds a dataset.</summary>
public interface IDatasetCatalog
{
    IDatasetSource Open(string name);
}
