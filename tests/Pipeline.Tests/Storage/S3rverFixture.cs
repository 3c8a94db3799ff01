using Pipeline.Storage;

namespace Pipeline.Tests.Storage;

/// <summary>One s3rver for a test class; every store it makes gets a bucket of its own (created at first use) and a
/// transport that verifies signatures like MinIO would.</summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    private readonly List<S3ObjectStore> _stores = [];

    public S3rverProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await S3rverProcess.StartAsync();

    public async Task DisposeAsync()
    {
        lock (_stores)
            _stores.ForEach(store => store.Dispose());
        await Server.DisposeAsync();
    }

    /// <summary>Quick-failing settings for tests against <paramref name="server"/>, in a new bucket.</summary>
    public static S3StoreOptions Options(S3rverProcess server, string? bucket = null) => new()
    {
        Endpoint = server.Endpoint,
        Bucket = bucket ?? NewBucketName(),
        AccessKey = S3rverProcess.AccessKey,
        SecretKey = S3rverProcess.SecretKey,
        MaxRetryAttempts = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
        RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        AttemptTimeout = TimeSpan.FromSeconds(20),
    };

    public static string NewBucketName() => "test-" + Guid.NewGuid().ToString("N")[..20];

    public S3ObjectStore CreateStore(out SigV4VerifyingHandler transport, Action<S3StoreOptions>? configure = null)
    {
        var options = Options(Server);
        configure?.Invoke(options);
        transport = new SigV4VerifyingHandler(options.SecretKey);
        var store = new S3ObjectStore(options, transport: transport);
        lock (_stores)
            _stores.Add(store);
        return store;
    }
}
