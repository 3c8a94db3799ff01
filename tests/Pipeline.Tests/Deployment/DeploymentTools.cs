using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pipeline.Tests.Deployment;

/// <summary>
/// The command-line tools the deployment tests drive: Debian's docker-compose 1.29 (validates and resolves a compose
/// file without a Docker engine), promtool, and /usr/bin/python3 with PyYAML to read YAML. The test project has no YAML
/// package and docker-compose 1.29's <c>config</c> prints only YAML; python3-yaml is a dependency of Debian's
/// docker-compose package, so wherever docker-compose is installed, so is the converter.
/// </summary>
internal static partial class DeploymentTools
{
    public static readonly string RepoRoot = FindRepoRoot();

    private const string InstallHint = "run `bash infra/scripts/install-deps.sh --test`";

    /// <summary>Runs a program in the repository (see <see cref="ToolProcess.Run"/>).</summary>
    public static ToolResult Run(string program, IEnumerable<string> arguments, string missingHint,
        IReadOnlyDictionary<string, string?>? environment = null, string? stdin = null, string? workingDirectory = null) =>
        ToolProcess.Run(program, arguments, missingHint, environment, stdin, workingDirectory ?? RepoRoot);

    /// <summary><c>docker-compose -f docker-compose.yml --env-file ENV_FILE config [extra]</c> in the repository.
    /// The variables .env.example names are removed from its environment: a shell's own would win over the file.</summary>
    public static ToolResult ComposeConfig(string envFile, params string[] extra)
    {
        var environment = EnvExampleVariables().Keys.ToDictionary(name => name, string? (_) => null);
        foreach (var name in new[] { "COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES", "COMPOSE_PATH_SEPARATOR" })
            environment[name] = null;
        return Run("docker-compose", ["-f", "docker-compose.yml", "--env-file", envFile, "config", .. extra],
            $"docker-compose is missing (Debian package docker-compose): {InstallHint}", environment);
    }

    /// <summary>The resolved compose file as JSON: <c>config</c> with .env.example, through PyYAML.</summary>
    public static JsonElement ComposeConfigJson(params string[] extra)
    {
        var config = ComposeConfig(".env.example", extra);
        Assert.True(config.ExitCode == 0, $"docker-compose config failed (exit code {config.ExitCode}):\n{config.Stderr}");
        return YamlToJson(config.Stdout);
    }

    public static JsonElement YamlToJson(string yaml)
    {
        var converted = Run("/usr/bin/python3", ["-c", "import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"],
            $"/usr/bin/python3 with PyYAML is missing (Debian package python3-yaml, a dependency of docker-compose): {InstallHint}",
            stdin: yaml);
        Assert.True(converted.ExitCode == 0, $"YAML to JSON failed (exit code {converted.ExitCode}):\n{converted.Stderr}");
        using var document = JsonDocument.Parse(converted.Stdout);
        return document.RootElement.Clone();
    }

    /// <summary>NAME=value lines of .env.example.</summary>
    public static IReadOnlyDictionary<string, string> EnvExampleVariables() =>
        File.ReadLines(Path.Combine(RepoRoot, ".env.example"))
            .Select(line => EnvLine().Match(line))
            .Where(match => match.Success)
            .ToDictionary(match => match.Groups[1].Value, match => match.Groups[2].Value);

    /// <summary>promtool on PATH, else where infra/scripts/fetch-promtool.sh puts it.</summary>
    public static string Promtool()
    {
        var fetched = Path.Combine(RepoRoot, ".build", "tools", "promtool");
        if (File.Exists(fetched))
            return fetched;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "promtool"))
            .FirstOrDefault(File.Exists);
        Assert.True(onPath is not null, $"promtool is missing (from Debian package prometheus, unpacked by infra/scripts/fetch-promtool.sh): {InstallHint}");
        return onPath;
    }

    public static string ReadRepoFile(string relativePath) => File.ReadAllText(Path.Combine(RepoRoot, relativePath));

    [GeneratedRegex(@"^([A-Z_][A-Z0-9_]*)=(.*)$")]
    private static partial Regex EnvLine();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Pipeline.sln not found above the test's folder.");
    }
}
