using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Pipeline.Testing;

/// <summary>Runs the repository's real <c>./pipeline</c> command, as a user would.</summary>
public static class PipelineCli
{
    public static readonly string RepoRoot = FindRepoRoot();

    public static Process Start(params string[] args) => StartWith(new Dictionary<string, string>(), args);

    /// <summary>Starts the command with <paramref name="environment"/> on top of this process's environment.</summary>
    public static Process StartWith(IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(RepoRoot, "pipeline"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        return Process.Start(start)!;
    }

    public static Task<CliResult> RunAsync(TimeSpan timeout, params string[] args) => RunWithAsync(timeout, new Dictionary<string, string>(), args);

    /// <summary>Runs the command with <paramref name="environment"/> on top of this process's environment.</summary>
    public static async Task<CliResult> RunWithAsync(TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = StartWith(environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pipeline {string.Join(' ', args)} ran past {timeout}. stderr:\n{await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Pipeline.sln not found above the test's folder.");
    }
}
