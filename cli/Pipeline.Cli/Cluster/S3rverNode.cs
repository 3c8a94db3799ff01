using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipeline.Cli.Cluster;

/// <summary>
/// The deployment's object store: npm's s3rver (pinned in infra/s3rver) on 127.0.0.1 with its data under D and the
/// bucket made at start. It knows the key pair S3RVER/S3RVER only: see <see cref="S3Credentials.S3rverNote"/>.
/// </summary>
public sealed partial class S3rverNode(ClusterPaths paths, PipelineInstallation installation)
{
    public async Task EnsureInstalledAsync(TextWriter progress, CancellationToken cancellationToken)
    {
        if (File.Exists(installation.S3rverEntry))
            return;
        progress.WriteLine($"Installing s3rver (npm ci in {installation.S3rverDir}; once)...");
        CommandResult install;
        try
        {
            install = await CommandRunner.RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], TimeSpan.FromMinutes(5),
                workingDirectory: installation.S3rverDir, cancellationToken: cancellationToken);
        }
        catch (ClusterException e)
        {
            throw new ClusterException($"{e.Message}\nInstall Node.js and npm first: `bash infra/scripts/install-deps.sh --test`.", ClusterException.Refused);
        }
        if (install.ExitCode != 0 || !File.Exists(installation.S3rverEntry))
            throw new ClusterException($"npm ci in {installation.S3rverDir} failed:\n{install.Output}", ClusterException.Refused);
    }

    /// <summary>
    /// Starts s3rver on <paramref name="port"/>, or with 0 on a port it picks itself and prints (no race for it), and
    /// returns once it listens. <paramref name="launched"/> hears of the process as soon as it exists, so that it is
    /// recorded (and stopped on failure) before the wait.
    /// </summary>
    public async Task<ProcessRecord> StartAsync(int port, Action<ProcessRecord> launched, CancellationToken cancellationToken)
    {
        var log = paths.Log(ClusterServices.S3rver, 1);
        var offset = File.Exists(log) ? new FileInfo(log).Length : 0;
        Directory.CreateDirectory(paths.S3Data);
        var process = ProcessLauncher.Start(new LaunchSpec(ClusterServices.S3rver, 1, "node",
        [
            // s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider.
            "--openssl-legacy-provider", installation.S3rverEntry,
            "--directory", paths.S3Data, "--address", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--silent",
            "--configure-bucket", ClusterCredentials.Bucket,
        ], new Dictionary<string, string>(), paths.Dir, log));
        launched(process.Record);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            // --silent still prints "S3rver listening on 127.0.0.1:PORT".
            if (ListeningLine().Match(ReadFrom(log, offset)) is { Success: true } match)
            {
                var listening = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                var record = process.Record with { Port = listening, Url = $"http://127.0.0.1:{listening.ToString(CultureInfo.InvariantCulture)}" };
                await Readiness.WaitAsync(process with { Record = record }, deadline, cancellationToken);
                return record;
            }
            if (process.Process.HasExited || DateTime.UtcNow >= deadline)
                throw new ClusterException(
                    $"s3rver did not start listening ({(process.Process.HasExited ? $"exit code {process.Process.ExitCode}" : "30 s passed")}). " +
                    $"Last lines of {log}:\n{LogTail.Read(log)}");
            await Task.Delay(100, cancellationToken);
        }
    }

    private static string ReadFrom(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(offset, SeekOrigin.Begin);
        return new StreamReader(stream).ReadToEnd();
    }

    [GeneratedRegex(@"listening on [^\s]+:(\d+)")]
    private static partial Regex ListeningLine();
}
