using Pipeline.Contracts;
using Pipeline.Storage;

namespace Pipeline.Datasets;

/// <summary>
/// Writes one named dataset into the store: each file under <c>raw/</c>, hashed on the way, then the index. The index
/// comes last, so a dataset is usable only once every file is in.
/// </summary>
internal sealed class DatasetWriter
{
    private readonly IObjectStore _store;
    private readonly string _name;
    private readonly List<IndexedFile> _files = [];

    public DatasetWriter(IObjectStore store, string name)
    {
        if (!DatasetNames.IsValid(name))
            throw new PipelineException($"'{name}' is not a dataset name: use lower-case letters, digits, '.', '_' and '-', at most {DatasetNames.MaxLength}.");
        _store = store;
        _name = name;
    }

    public int Uploaded { get; private set; }
    public long UploadedBytes { get; private set; }

    /// <summary>Stores one file; its path must be a candidate image of the ImageFolder (<see cref="ImageFolder.Classify"/>).</summary>
    public async Task AddAsync(string relativePath, Stream content, CancellationToken cancellationToken)
    {
        var key = ObjectKeys.DatasetFile(_name, relativePath);
        if (!ObjectKey.IsValid(key))
            throw new PipelineException($"'{relativePath}' cannot be stored under that name (':' and '\\' are not allowed in object names, nor '.' or '..' folders); rename it.");
        await using var hashing = new HashingReadStream(content);
        await _store.PutAsync(key, hashing, cancellationToken);
        _files.Add(new IndexedFile(relativePath, hashing.BytesRead, hashing.Sha256()));
        Uploaded++;
        UploadedBytes += hashing.BytesRead;
    }

    /// <summary>Keeps a file that is already in the store with this content.</summary>
    public void AddUnchanged(IndexedFile file) => _files.Add(file);

    public async Task<DatasetUpload> CompleteAsync(IReadOnlyList<string> classes, SkippedFiles skipped, IReadOnlyList<QuarantinedFile> quarantine, bool preSplit,
        CancellationToken cancellationToken)
    {
        var index = new DatasetIndex { Name = _name, Classes = classes, Files = _files, Skipped = skipped, Quarantine = quarantine, PreSplit = preSplit };
        await _store.PutJsonAsync(ObjectKeys.DatasetIndex(_name), index, cancellationToken);
        return new DatasetUpload(_name, _files.Count, Uploaded, _files.Count - Uploaded, UploadedBytes);
    }
}
