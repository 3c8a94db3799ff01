using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Pipeline.Orchestrator.Api.Security;

/// <summary>
/// The keys the API accepts, read once at startup. Keys are kept as SHA-256 digests and compared in constant time, so
/// neither memory nor response timing gives one away.
/// </summary>
public sealed class ApiKeyRing
{
    public const int MinKeyLength = 16;
    private readonly List<(byte[] Digest, string Role)> _keys = [];

    public ApiKeyRing(IOptions<ApiOptions> options)
    {
        var settings = options.Value;
        foreach (var (entry, index) in settings.Keys.Select((entry, index) => (entry, index)))
            Add(entry.Key, entry.Role, $"{ApiOptions.Section}:Keys:{index}");
        if (settings.KeyFile is { Length: > 0 } file)
            ReadKeyFile(file);
        if (_keys.Count == 0)
            throw new PipelineException(
                $"The API has no keys, so nobody could call it: set {ApiOptions.Section}:KeyFile to a file of 'ROLE KEY' lines, or " +
                $"{ApiOptions.Section}:Keys:0:Key and :Role (roles: {string.Join(", ", ApiRoles.All)}). `pipeline cluster up` makes one for you.");
    }

    /// <summary>The role of the key a client presented; null for a key that is not one of ours.</summary>
    public string? RoleOf(string presented)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        string? role = null;
        // Every key is compared, matched or not, so that the time taken says nothing about which one matched.
        foreach (var key in _keys)
            if (CryptographicOperations.FixedTimeEquals(key.Digest, digest))
                role = key.Role;
        return role;
    }

    private void ReadKeyFile(string path)
    {
        if (!File.Exists(path))
            throw new PipelineException($"The API key file '{path}' ({ApiOptions.Section}:KeyFile) does not exist.");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
            throw new PipelineException($"The API key file '{path}' can be read by other users: make it private with `chmod 600 {path}`.");
        foreach (var (line, number) in File.ReadLines(path).Select((line, index) => (line.Trim(), index + 1)))
        {
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
                throw new PipelineException($"{path}, line {number}: expected 'ROLE KEY' (e.g. 'admin 3f9c…'), two words.");
            Add(parts[1], parts[0], $"{path}, line {number}");
        }
    }

    private void Add(string key, string role, string where)
    {
        if (!ApiRoles.All.Contains(role))
            throw new PipelineException($"{where}: unknown role '{role}'; use one of {string.Join(", ", ApiRoles.All)}.");
        if (key.Length < MinKeyLength || key.Any(char.IsWhiteSpace))
            throw new PipelineException($"{where}: a key must be at least {MinKeyLength} characters without spaces (e.g. `openssl rand -hex 24`).");
        _keys.Add((SHA256.HashData(Encoding.UTF8.GetBytes(key)), role));
    }
}
