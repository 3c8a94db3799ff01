using System.CommandLine;

namespace Pipeline.Cli.Commands;

/// <summary><c>--server URL</c>, defaulting to <c>PIPELINE_SERVER</c>: the pipeline server a command talks to.</summary>
public static class ServerOption
{
    public const string Variable = "PIPELINE_SERVER";

    public static Option<string?> Create(string description) => new("--server")
    {
        Description = description,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(Variable),
    };

    /// <summary>The server's URL; null with <paramref name="problem"/> when <paramref name="value"/> is not an http(s) URL.</summary>
    public static Uri? Parse(string? value, out string? problem)
    {
        problem = null;
        if (Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            return url;
        problem = string.IsNullOrEmpty(value)
            ? $"--server: give the server's API URL (or set {Variable}), e.g. http://127.0.0.1:8080."
            : $"--server: '{value}' is not an http(s) URL such as http://127.0.0.1:8080.";
        return null;
    }
}
