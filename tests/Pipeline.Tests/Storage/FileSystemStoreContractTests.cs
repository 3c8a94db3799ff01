using Pipeline.Storage;

namespace Pipeline.Tests.Storage;

public sealed class FileSystemStoreContractTests : ObjectStoreContract
{
    private readonly TempDirectory _temp = new();

    protected override Task<IObjectStore> CreateStoreAsync() =>
        Task.FromResult<IObjectStore>(new FileSystemObjectStore(_temp.Combine("store")));

    public override Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }
}
