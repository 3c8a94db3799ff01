using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Cli.Benchmarks;

/// <summary>Runs the Python peer (<c>benchmarks/preprocess_peer.py</c>, shipped beside the CLI) with Debian's python3.</summary>
public static class PreprocessPeer
{
    public const string Python = "/usr/bin/python3";
    public static readonly string Script = Path.Combine(AppContext.BaseDirectory, "benchmarks", "preprocess_peer.py");

    /// <summary>Null when the peer can run; else why not and how to make it.</summary>
    public static string? Unavailable()
    {
        if (!File.Exists(Python))
            return $"{Python} is missing: run `apt-get install python3-pil python3-torchvision`";
        var (exitCode, _, _) = Run(["-c", "import PIL, torchvision"]);
        return exitCode == 0 ? null : $"{Python} lacks Pillow or torchvision: run `apt-get install python3-pil python3-torchvision`";
    }

    /// <summary>Prepares <paramref name="files"/> with <paramref name="processes"/> worker processes at <paramref name="size"/> pixels.</summary>
    /// <exception cref="PipelineException">The peer failed; the message holds what it printed.</exception>
    public static PeerMeasurement Measure(IReadOnlyList<string> files, int processes, int size)
    {
        var list = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(list, files);
            var (exitCode, stdout, stderr) = Run([Script, "--files-from", list, "--processes", Text(processes), "--size", Text(size)]);
            if (exitCode != 0)
                throw new PipelineException($"The Python peer ({Script}) failed with exit code {exitCode}: {stderr.Trim()} {stdout.Trim()}");
            return JsonSerializer.Deserialize<PeerMeasurement>(stdout, PipelineJson.Options)
                   ?? throw new PipelineException($"The Python peer ({Script}) printed no result.");
        }
        finally
        {
            File.Delete(list);
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static (int ExitCode, string Stdout, string Stderr) Run(IEnumerable<string> arguments)
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
