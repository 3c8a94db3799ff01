using System.Security.Cryptography;
using System.Text.Json;

namespace Pipeline.Cli.Cluster;

/// <summary>credentials.json (mode 0600): what a client needs to reach the broker and the object store.</summary>
public sealed record ClusterCredentials(int SchemaVersion, RabbitMqCredentials RabbitMq, S3Credentials S3)
{
    public const string Bucket = "pipeline";

    /// <summary>A new broker user with a random password; the S3 part is filled in once s3rver listens.</summary>
    public static ClusterCredentials Generate() => new(
        1,
        new RabbitMqCredentials("127.0.0.1", 0, "/", "pipeline", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
        new S3Credentials("", Bucket, S3Credentials.S3rverKey, S3Credentials.S3rverKey, S3Credentials.S3rverNote));

    /// <summary>The credentials of an earlier `up` of the same folder, whose broker database already holds that user.</summary>
    public static ClusterCredentials? Load(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<ClusterCredentials>(File.ReadAllText(path), ClusterJson.File) is { RabbitMq.Password.Length: > 0 } credentials
                ? credentials
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(string path) => PrivateFile.Write(path, JsonSerializer.Serialize(this, ClusterJson.File));
}
