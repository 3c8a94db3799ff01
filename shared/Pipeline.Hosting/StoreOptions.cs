using Pipeline.Storage;

namespace Pipeline.Hosting;

/// <summary><c>Pipeline:Store</c>: where the objects live.</summary>
public sealed class StoreOptions
{
    public const string Section = "Pipeline:Store";

    public StoreProvider Provider { get; set; } = StoreProvider.FileSystem;

    /// <summary>The folder that holds the objects (file-system store).</summary>
    public string Root { get; set; } = Path.Combine(".pipeline", "objects");

    /// <summary>The bucket and its server (S3 store), <c>Pipeline:Store:S3</c>.</summary>
    public S3StoreOptions S3 { get; set; } = new();
}
