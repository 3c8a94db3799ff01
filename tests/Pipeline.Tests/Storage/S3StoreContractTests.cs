using Pipeline.Storage;

namespace Pipeline.Tests.Storage;

/// <summary>The object store contract on a real s3rver, each test in a bucket of its own, every request's signature
/// checked the way MinIO would check it.</summary>
public sealed class S3StoreContractTests(S3rverFixture s3rver) : ObjectStoreContract, IClassFixture<S3rverFixture>
{
    private SigV4VerifyingHandler _transport = null!;

    protected override Task<IObjectStore> CreateStoreAsync() =>
        Task.FromResult<IObjectStore>(s3rver.CreateStore(out _transport));

    public override Task DisposeAsync()
    {
        Assert.Empty(_transport.Mismatches);
        return Task.CompletedTask;
    }
}
