namespace Pipeline.Hosting;

/// <summary><c>Pipeline:Store</c>: where the objects live.</summary>
public sealed class StoreOptions
{
    public const string Section = "Pipeline:Store";

    /// <summary>The folder that holds the objects (file-system store).</summary>
    public string Root { get; set; } = Path.Combine(".pipeline", "objects");
}
