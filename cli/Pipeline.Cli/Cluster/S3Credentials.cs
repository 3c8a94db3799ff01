namespace Pipeline.Cli.Cluster;

/// <summary>How a client reaches the deployment's object store.</summary>
public sealed record S3Credentials(string Endpoint, string Bucket, string AccessKey, string SecretKey, string Note)
{
    /// <summary>s3rver's command line sets no credentials: it knows this key pair only (and checks no signatures).</summary>
    public const string S3rverKey = "S3RVER";

    public const string S3rverNote =
        "s3rver (the local S3 test server) accepts only the fixed key pair S3RVER/S3RVER and verifies no signatures: " +
        "it is for a local deployment on 127.0.0.1, never for data that needs protecting. Use MinIO or S3 for that.";
}
