using System.Globalization;
using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Cli.Benchmarks;

/// <summary>Runs the Python peer (<c>benchmarks/preprocess_peer.py</c>, shipped beside the CLI) with Debian's python3.</summary>
public static class PreprocessPeer
{
    public const string Python = PythonPeer.Python;
    public static readonly string Script = PythonPeer.Script("preprocess_peer.py");

    /// <summary>Null when the peer can run; else why not and how to make it.</summary>
    public static string? Unavailable() => PythonPeer.Unavailable("PIL, torchvision", "python3-pil python3-torchvision");

    /// <summary>Prepares <paramref name="files"/> with <paramref name="processes"/> worker processes at <paramref name="size"/> pixels.</summary>
    /// <exception cref="PipelineException">The peer failed; the message holds what it printed.</exception>
    public static PeerMeasurement Measure(IReadOnlyList<string> files, int processes, int size)
    {
        var list = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(list, files);
            var (exitCode, stdout, stderr) = PythonPeer.Run([Script, "--files-from", list, "--processes", Text(processes), "--size", Text(size)]);
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
}
