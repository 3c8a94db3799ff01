using System.Security.Cryptography;

namespace Pipeline.Cli.Cluster;

/// <summary>The deployment's admin API key: made at the first `up` of a folder and kept, so that clients keep working across restarts.</summary>
public static class ClusterApiKey
{
    /// <returns>The admin key, written to <see cref="ClusterPaths.ApiKeyFile"/> for clients and <see cref="ClusterPaths.ApiKeysFile"/> for the orchestrator.</returns>
    public static string Ensure(ClusterPaths paths)
    {
        var key = File.Exists(paths.ApiKeyFile) && File.ReadAllText(paths.ApiKeyFile).Trim() is { Length: >= 32 } kept
            ? kept
            : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        PrivateFile.Write(paths.ApiKeyFile, key + "\n");
        PrivateFile.Write(paths.ApiKeysFile, $"# Keys of this deployment's API, one 'ROLE KEY' a line (roles: read, submit, admin).\nadmin {key}\n");
        return key;
    }
}
