namespace Pipeline.Hosting;

public enum StoreProvider
{
    /// <summary>A folder on this machine (embedded mode, or a volume every service mounts).</summary>
    FileSystem,

    /// <summary>An S3 bucket: MinIO, AWS, or anything that speaks the protocol.</summary>
    S3,
}
