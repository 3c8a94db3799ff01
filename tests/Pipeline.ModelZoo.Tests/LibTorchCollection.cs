namespace Pipeline.ModelZoo.Tests;

[CollectionDefinition(Name)]
public sealed class LibTorchCollection : ICollectionFixture<BackboneFixture>
{
    // libtorch's thread count and RNG are process-wide: these tests run one at a time.
    public const string Name = "libtorch";
}
