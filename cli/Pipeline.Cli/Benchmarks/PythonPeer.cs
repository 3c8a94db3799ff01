using System.Diagnostics;
using Pipeline.Contracts;

namespace Pipeline.Cli.Benchmarks;

/// <summary>Runs the Python peers of the benchmarks (scripts shipped beside the CLI under <c>benchmarks/</c>) with Debian's python3.</summary>
public static class PythonPeer
{
    public const string Python = "/usr/bin/python3";

    /// <summary>A peer script's path beside the CLI.</summary>
    public static string Script(string fileName) => Path.Combine(AppContext.BaseDirectory, "benchmarks", fileName);

    /// <summary>Null when <paramref name="imports"/> import; else why not and how to fix it (<paramref name="packages"/>: the Debian packages that provide them).</summary>
    public static string? Unavailable(string imports, string packages)
    {
        if (!File.Exists(Python))
            return $"{Python} is missing: run `apt-get install {packages}`";
        var (exitCode, _, _) = Run(["-c", $"import {imports}"]);
        return exitCode == 0 ? null : $"{Python} cannot import {imports}: run `apt-get install {packages}`";
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new PipelineException($"{Python} did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}
