using System.Security.Cryptography;
using Pipeline.Cli.Cluster;

namespace Pipeline.Cli.Remote;

/// <summary>
/// The admin API key of a server this CLI starts (`cluster up`, `serve`): made the first time and kept, so that clients
/// keep working across restarts.
/// </summary>
public static class AdminApiKey
{
    /// <param name="keyFile">Gets the key alone, for clients (<c>PIPELINE_API_KEY_FILE</c>).</param>
    /// <param name="serverKeyFile">Gets the key as a 'ROLE KEY' line, for the server (<c>Pipeline:Api:KeyFile</c>).</param>
    /// <returns>The admin key; both files are readable by their owner only.</returns>
    public static string Ensure(string keyFile, string serverKeyFile)
    {
        var key = File.Exists(keyFile) && File.ReadAllText(keyFile).Trim() is { Length: >= 32 } kept
            ? kept
            : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        PrivateFile.Write(keyFile, key + "\n");
        PrivateFile.Write(serverKeyFile, $"# Keys of this server's API, one 'ROLE KEY' a line (roles: read, submit, admin).\nadmin {key}\n");
        return key;
    }
}
