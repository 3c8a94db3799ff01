using Pipeline.Cli.Cluster;

namespace Pipeline.Cli.Remote;

/// <summary>
/// The API key a command sends to a server: never from the command line (it would show in the shell's history and in
/// `ps`), but from the environment, a file, or the local deployment's own key.
/// </summary>
internal static class ApiKeySource
{
    public const string KeyVariable = "PIPELINE_API_KEY";
    public const string KeyFileVariable = "PIPELINE_API_KEY_FILE";

    public static readonly string Help =
        $"set {KeyVariable}, or {KeyFileVariable} to a file holding the key (`pipeline cluster up` writes its admin key to " +
        $"{Path.Combine(ClusterPaths.DefaultDir, ClusterPaths.ApiKeyFileName)}, which is used when neither is set).";

    /// <summary><see cref="KeyVariable"/>, else the file <see cref="KeyFileVariable"/> names, else the default deployment's key file; null when none is there.</summary>
    /// <exception cref="PipelineException">A key file that is named but cannot be read.</exception>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } key)
            return key.Trim();
        if (Environment.GetEnvironmentVariable(KeyFileVariable) is { Length: > 0 } file)
            return Read(file) ?? throw new PipelineException($"{KeyFileVariable}: cannot read an API key from '{file}'.");
        return Read(new ClusterPaths(ClusterPaths.DefaultDir).ApiKeyFile);
    }

    private static string? Read(string file)
    {
        try
        {
            return File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } key ? key : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
