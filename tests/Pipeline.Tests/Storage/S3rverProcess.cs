using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Tests.Storage;

/// <summary>
/// A real s3rver (npm, pinned in infra/s3rver) on 127.0.0.1, with a data folder of its own. It can be stopped and
/// started again on the same port and data (an outage), or paused with SIGSTOP (a hung server). Killed on dispose.
/// s3rver's command line has no credential options: it knows only the key pair S3RVER/S3RVER (and does not check
/// SigV4 signatures at all; <see cref="SigV4VerifyingHandler"/> does that on the client side).
/// </summary>
public sealed partial class S3rverProcess : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly TempDirectory _data = new();
    private readonly StringBuilder _stderr = new();
    private Process? _process;

    private S3rverProcess()
    {
    }

    public int Port { get; private set; }

    public string Endpoint => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts s3rver on a free port the server picks itself (no race for the port).</summary>
    public static async Task<S3rverProcess> StartAsync()
    {
        var server = new S3rverProcess();
        try
        {
            await server.LaunchAsync(port: 0);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the server (SIGKILL): connections are refused until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
            return;
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port, with the same data.</summary>
    public Task RestartAsync() => LaunchAsync(Port);

    /// <summary>SIGSTOP: the kernel still accepts connections, nothing answers them.</summary>
    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
            Signal("CONT");
        await StopAsync();
        _data.Dispose();
    }

    private async Task LaunchAsync(int port)
    {
        var entry = EntryPoint();
        var start = new ProcessStartInfo("node")
        {
            // s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider:
            // without this flag every listing longer than one page answers 500.
            ArgumentList = { "--openssl-legacy-provider", entry, "--directory", _data.Path, "--address", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--silent" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"node is not installed ({e.Message}): run `bash infra/scripts/install-deps.sh`.", e);
        }
        _process.ErrorDataReceived += (_, line) =>
        {
            lock (_stderr)
                _stderr.AppendLine(line.Data);
        };
        _process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // --silent keeps the request log quiet but still prints "S3rver listening on 127.0.0.1:PORT".
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                await _process.WaitForExitAsync(timeout.Token);
                lock (_stderr)
                    throw new InvalidOperationException($"s3rver exited with code {_process.ExitCode} before listening on port {port}: {_stderr}");
            }
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                Port = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                break;
            }
        }
        _ = _process.StandardOutput.ReadToEndAsync(CancellationToken.None); // keep the pipe drained
        await WaitUntilListeningAsync(timeout.Token);
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private void Signal(string signal)
    {
        if (_process is not { HasExited: false } process)
            return;
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {process.Id.ToString(CultureInfo.InvariantCulture)}") { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    private static string EntryPoint()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var manifest = Path.Combine(folder.FullName, "infra", "s3rver", "package.json");
            if (!File.Exists(manifest))
                continue;
            var entry = Path.Combine(folder.FullName, "infra", "s3rver", "node_modules", "s3rver", "bin", "s3rver.js");
            return File.Exists(entry)
                ? entry
                : throw new InvalidOperationException($"s3rver is not installed ({entry} is missing): run `bash infra/scripts/install-deps.sh`.");
        }
        throw new InvalidOperationException($"No infra/s3rver/package.json above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"listening on [^\s]+:(\d+)")]
    private static partial Regex ListeningLine();
}
