namespace Pipeline.EndToEnd.Tests;

/// <summary>All end-to-end tests share one dataset and run one at a time (each trains a model on 2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<FashionMnistFixture>
{
    public const string Name = "end-to-end";
}
