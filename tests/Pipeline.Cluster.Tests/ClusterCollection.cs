namespace Pipeline.Cluster.Tests;

/// <summary>Every test of this project shares one deployment (bringing one up takes half a minute) and runs one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
