using System.Collections.Concurrent;

namespace Pipeline.Datasets;

/// <summary>
/// Local folders known by name to this process only: the CLI registers the folder it was given before it submits
/// the run, so that no message ever carries a path.
/// </summary>
public sealed class LocalDatasets
{
    private readonly ConcurrentDictionary<string, string> _folders = new(StringComparer.Ordinal);

    public void Register(string name, string folder) => _folders[name] = Path.GetFullPath(folder);

    public string? Find(string name) => _folders.GetValueOrDefault(name);
}
