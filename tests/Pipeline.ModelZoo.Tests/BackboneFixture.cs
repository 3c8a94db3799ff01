using Pipeline.ModelZoo.Backbones;
using Pipeline.Storage;
using Pipeline.Weights;

namespace Pipeline.ModelZoo.Tests;

/// <summary>
/// One registry for the whole test run, with a private weights cache (so the ONNX conversion runs once and is tested for
/// real) and a private object store for <c>store:</c> weights.
/// </summary>
public sealed class BackboneFixture : IDisposable
{
    private readonly TempDirectory _folder = new();

    public BackboneFixture()
    {
        CacheDirectory = _folder.Combine("weights-cache");
        Store = new FileSystemObjectStore(_folder.Combine("store"));
        Registry = new BackboneRegistry(Store, CacheDirectory);
    }

    public string CacheDirectory { get; }
    public FileSystemObjectStore Store { get; }
    public BackboneRegistry Registry { get; }

    /// <summary>A folder for files a test makes, removed with the fixture.</summary>
    public string Folder => _folder.Path;

    public Backbone Load(string name, string? weights = null) => Registry.LoadAsync(name, weights).GetAwaiter().GetResult();

    /// <summary>Copies a local state_dict into the store, as the CLI does, and returns its reference.</summary>
    public string Import(string path) => WeightsImport.ImportAsync(Store, path).GetAwaiter().GetResult();

    public void Dispose() => _folder.Dispose();
}
