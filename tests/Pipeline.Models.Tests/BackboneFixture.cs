using Pipeline.Models.Backbones;

namespace Pipeline.Models.Tests;

/// <summary>One registry with a private weights cache for the whole test run, so the ONNX conversion runs once and is tested for real.</summary>
public sealed class BackboneFixture : IDisposable
{
    public BackboneFixture()
    {
        CacheDirectory = Directory.CreateTempSubdirectory("pipeline-weights-").FullName;
        Registry = new BackboneRegistry(CacheDirectory);
    }

    public string CacheDirectory { get; }
    public BackboneRegistry Registry { get; }

    public void Dispose() => Directory.Delete(CacheDirectory, recursive: true);
}

[CollectionDefinition(Name)]
public sealed class LibTorchCollection : ICollectionFixture<BackboneFixture>
{
    // libtorch's thread count and RNG are process-wide: these tests run one at a time.
    public const string Name = "libtorch";
}
