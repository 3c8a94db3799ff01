using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Pipeline.Cli.Cluster;

/// <summary>
/// Whether a process takes work: a pipeline service when GET /health/ready answers 200 (its broker and its bucket
/// answer it), RabbitMQ, s3rver and epmd when their port accepts connections.
/// </summary>
public static class Readiness
{
    // Never through a proxy from the environment: everything is on 127.0.0.1.
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    public static async Task<(bool Ready, string Detail)> ProbeAsync(ProcessRecord process, CancellationToken cancellationToken = default)
    {
        if (!ClusterServices.IsService(process.Name))
            return process.Port is { } port && await FreePorts.AcceptsAsync(port, TimeSpan.FromSeconds(2))
                ? (true, "accepts connections")
                : (false, $"nothing accepts connections on 127.0.0.1:{process.Port?.ToString(CultureInfo.InvariantCulture)}");
        var probe = $"{process.Url}/health/ready";
        try
        {
            using var response = await Http.GetAsync(probe, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.StatusCode == HttpStatusCode.OK
                ? (true, "ready")
                : (false, $"GET {probe} answered {(int)response.StatusCode} {body}".Trim());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (false, $"GET {probe} failed: {e.Message}");
        }
    }

    /// <summary>
    /// Waits until <paramref name="launched"/> is ready, and fails with what went wrong (its last answer, or its exit)
    /// and the end of its log when it exits or <paramref name="deadline"/> passes first.
    /// </summary>
    public static async Task WaitAsync(LaunchedProcess launched, DateTime deadline, CancellationToken cancellationToken)
    {
        var (record, process) = launched;
        var name = $"{record.Name} {record.Index.ToString(CultureInfo.InvariantCulture)}";
        var detail = "no answer yet";
        while (true)
        {
            if (process.HasExited)
                throw new ClusterException(
                    $"{name} exited with code {process.ExitCode} before it was ready. Last lines of {record.Log}:\n{LogTail.Read(record.Log)}");
            bool ready;
            (ready, detail) = await ProbeAsync(record, cancellationToken);
            if (ready)
                return;
            if (DateTime.UtcNow >= deadline)
                throw new ClusterException(
                    $"{name} was not ready in time ({detail}). Last lines of {record.Log}:\n{LogTail.Read(record.Log)}\n" +
                    "A slow machine may need a longer --timeout.");
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Seconds since <paramref name="since"/>, for progress lines.</summary>
    public static string Elapsed(Stopwatch since) => since.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
