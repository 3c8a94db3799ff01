using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipeline.Cli.Remote;

namespace Pipeline.Cli.Cluster;

/// <summary>
/// One local deployment in one folder D: RabbitMQ (with its epmd), s3rver, the pipeline's services and, when they are
/// installed, the telemetry viewers (Aspire Dashboard, Prometheus) as separate processes on 127.0.0.1. Brings it up,
/// reports on it, stops and restarts single processes, and takes it down, touching only processes it started (pid and
/// start time, recorded in D/cluster.json).
/// </summary>
public sealed class ClusterDeployment(ClusterPaths paths, TextWriter progress)
{
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ViewerTimeout = TimeSpan.FromSeconds(60);
    private static readonly UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly Lock _gate = new();

    public ClusterPaths Paths => paths;

    /// <summary>cluster.json, or null when no deployment was ever started in D.</summary>
    public ClusterDescription? Load()
    {
        if (!File.Exists(paths.ClusterFile))
            return null;
        try
        {
            return JsonSerializer.Deserialize<ClusterDescription>(File.ReadAllText(paths.ClusterFile), ClusterJson.File)
                   ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new ClusterException($"{paths.ClusterFile} cannot be read ({e.Message}). Stop any process it started by hand and delete it.");
        }
    }

    public async Task<UpResult> UpAsync(UpOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (!OperatingSystem.IsWindows())
            Directory.CreateDirectory(paths.Dir, OwnerOnlyFolder); // a new folder only: an existing one keeps its mode
        else
            Directory.CreateDirectory(paths.Dir);
        using var exclusive = await ClusterLock.AcquireAsync(paths, LockWait, progress, cancellationToken);
        if (Load() is { } previous && previous.Processes.Where(p => p.IsAlive).ToList() is { Count: > 0 } alive)
            throw new ClusterException(alive.Count == previous.Processes.Count
                ? $"A deployment is already up in {paths.Dir} (API {previous.ApiUrl}). Stop it first (`pipeline cluster down --dir {paths.Dir}`) or use another --dir."
                : $"Part of a deployment is still running in {paths.Dir} ({string.Join(", ", alive.Select(p => p.Id))}). " +
                  $"Stop it with `pipeline cluster down --dir {paths.Dir}`, then start again.",
                ClusterException.Refused);

        // Fresh logs for a fresh deployment (`start` of one process appends to its log instead).
        if (Directory.Exists(paths.Logs))
            foreach (var log in Directory.EnumerateFiles(paths.Logs, "*.log"))
                File.Delete(log);

        var installation = PipelineInstallation.Locate();
        foreach (var service in ClusterServices.Services)
            installation.ServiceDll(service);
        var s3 = new S3rverNode(paths, installation);
        await Task.WhenAll(RabbitMqNode.EnsureInstalledAsync(progress, cancellationToken), s3.EnsureInstalledAsync(progress, cancellationToken));

        var credentials = ClusterCredentials.Load(paths.CredentialsFile);
        if (credentials is null)
        {
            credentials = ClusterCredentials.Generate();
            // A broker database left from before knows other credentials; a fresh one gets our user at its first boot.
            if (Directory.Exists(paths.RabbitMqMnesia))
                Directory.Delete(paths.RabbitMqMnesia, recursive: true);
        }
        var apiKey = AdminApiKey.Ensure(paths.ApiKeyFile, paths.ApiKeysFile);
        var instances = Instances(options.Trainers);
        var ports = FreePorts.Take(8 + instances.Count);
        var settings = new RabbitMqSettings(paths.NodeName, ports[0], ports[1], ports[2], paths.RabbitMq, ports[3]);
        var telemetry = new TelemetrySettings(ports[4], ports[5], ports[6], ports[7]);
        var description = new ClusterDescription
        {
            Dir = paths.Dir, StartedAt = DateTimeOffset.UtcNow, Trainers = options.Trainers, RabbitMq = settings, Telemetry = telemetry,
        };
        Save(description);
        var viewers = ClusterServices.Viewers.Select(name => Viewer(name, telemetry, installation)).ToList();
        var notes = viewers.Where(v => v.Launch is null).Select(v => v.Missing).ToList();
        notes.ForEach(progress.WriteLine);
        var rabbit = new RabbitMqNode(paths, settings);
        rabbit.Configure(installation.RabbitMqConfigTemplate, credentials.RabbitMq);
        try
        {
            if (options.StopWithPid is { } owner)
                StartWatchdog(description, installation, owner);

            // The broker (about 10 s), s3rver and the viewers (about 1 s each) boot side by side.
            Record(description, (await rabbit.StartEpmdAsync(cancellationToken)).Record);
            ProcessRecord? broker = null, store = null;
            var viewersReady = DateTime.UtcNow + ViewerTimeout;
            await AllAsync(
            [
                async token => Record(description, broker = await rabbit.StartAsync(TimeSpan.FromSeconds(90), token)),
                async token => Record(description, store = await s3.StartAsync(0, record => Record(description, record), token)),
                .. viewers.Where(v => v.Launch is not null)
                    .Select(v => (Func<CancellationToken, Task>)(token => StartViewerAsync(v.Launch!, description, viewersReady, token))),
            ], cancellationToken);
            progress.WriteLine($"RabbitMQ node {settings.NodeName} on {broker!.Url}, s3rver on {store!.Url} ({Readiness.Elapsed(clock)})");

            credentials = credentials with
            {
                RabbitMq = credentials.RabbitMq with { Port = settings.Port },
                S3 = credentials.S3 with { Endpoint = store.Url! },
            };
            credentials.Save(paths.CredentialsFile);
            // The user exists since the broker's first boot: the services may connect while rabbitmqctl checks it.
            var user = rabbit.EnsureUserAsync(credentials.RabbitMq, cancellationToken);

            var launched = new List<LaunchedProcess>();
            foreach (var ((service, index), port) in instances.Zip(ports.Skip(8)))
            {
                var process = ProcessLauncher.Start(ClusterServices.Launch(service, index, port, description, credentials, paths, installation));
                Record(description, process.Record);
                launched.Add(process);
            }
            await user;
            var deadline = DateTime.UtcNow + options.Timeout;
            await AllAsync(launched.Select(p => (Func<CancellationToken, Task>)(token => Readiness.WaitAsync(p, deadline, token))), cancellationToken);
            progress.WriteLine($"{launched.Count} services ready ({Readiness.Elapsed(clock)}); Prometheus metrics at {string.Join(", ", description.MetricsUrls)}");
            var dashboardUrl = description.OtlpEndpoint is null ? null : telemetry.DashboardUrl;
            var prometheusUrl = description.Find(ClusterServices.Prometheus, 1) is null ? null : telemetry.PrometheusUrl;
            return new UpResult(1, description.ApiUrl, paths.Dir, paths.CredentialsFile, Ordered(description.Processes).Select(ProcessView.Of).ToList(),
                apiKey, paths.ApiKeyFile, description.MetricsUrls, dashboardUrl, description.OtlpEndpoint, prometheusUrl, notes);
        }
        catch
        {
            progress.WriteLine("Stopping what this `up` started...");
            await StopAllAsync(description, TimeSpan.FromSeconds(5));
            throw;
        }
    }

    public async Task<StatusResult> StatusAsync(CancellationToken cancellationToken)
    {
        var description = Load() ?? throw NoDeployment();
        var statuses = await Task.WhenAll(Ordered(description.Processes).Select(async p =>
        {
            if (!p.IsAlive)
                return new ProcessStatus(p.Name, p.Index, p.Pid, p.Url, p.Log, false, false, "not running");
            var (ready, detail) = await Readiness.ProbeAsync(p, cancellationToken);
            return new ProcessStatus(p.Name, p.Index, p.Pid, p.Url, p.Log, true, ready, detail);
        }));
        return new StatusResult(1, paths.Dir, description.ApiUrl, statuses.Length > 0 && statuses.All(s => s.Alive && s.Ready), statuses, description.MetricsUrls);
    }

    /// <summary>Stops everything the deployment started; returns what was still running. Idempotent.</summary>
    public async Task<IReadOnlyList<string>> DownAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!File.Exists(paths.ClusterFile))
            return [];
        using var exclusive = await ClusterLock.AcquireAsync(paths, LockWait, progress, cancellationToken);
        return Load() is { } description ? await StopAllAsync(description, grace) : [];
    }

    /// <summary>Stops one process (SIGTERM, or SIGKILL with <paramref name="kill"/>: a crash); the rest keeps running.</summary>
    public async Task<bool> StopProcessAsync(string name, int index, bool kill, TimeSpan grace, CancellationToken cancellationToken)
    {
        using var exclusive = await ClusterLock.AcquireAsync(paths, LockWait, progress, cancellationToken);
        var description = Load() ?? throw NoDeployment();
        var process = description.Find(name, index) ?? throw UnknownProcess(description, name, index);
        if (!process.IsAlive)
            return false;
        if (kill)
        {
            LinuxProcess.Signal(process.Pid, process.StartTime, LinuxProcess.SigKill, groupLeader: name != ClusterServices.RabbitMq);
            await LinuxProcess.WaitForExitAsync(process.Pid, process.StartTime, TimeSpan.FromSeconds(10));
        }
        else if (name == ClusterServices.RabbitMq)
            await new RabbitMqNode(paths, description.RabbitMq).StopAsync(process, IsAlive(description, ClusterServices.Epmd), grace);
        else
            await LinuxProcess.StopAsync(process.Pid, process.StartTime, grace);
        return true;
    }

    /// <summary>
    /// Starts one process again with the very same configuration (environment, port, data), or one more instance of a
    /// service (a fourth trainer), and waits until it is ready.
    /// </summary>
    /// <param name="extraEnvironment">Variables added for this start only (a failpoint for a test); never recorded.</param>
    public async Task<ProcessRecord> StartProcessAsync(string name, int index, TimeSpan timeout, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        using var exclusive = await ClusterLock.AcquireAsync(paths, LockWait, progress, cancellationToken);
        var description = Load() ?? throw NoDeployment();
        var credentials = ClusterCredentials.Load(paths.CredentialsFile)
                          ?? throw new ClusterException($"{paths.CredentialsFile} is missing: take the deployment down and up again.");
        var existing = description.Find(name, index);
        if (existing is null && !ClusterServices.IsService(name))
            throw UnknownProcess(description, name, index);
        if (existing is { IsAlive: true })
            throw new ClusterException($"{name} {index} is already running (pid {existing.Pid}).", ClusterException.Refused);

        var installation = PipelineInstallation.Locate();
        var rabbit = new RabbitMqNode(paths, description.RabbitMq);
        ProcessRecord started;
        switch (name)
        {
            case ClusterServices.Epmd:
                started = (await rabbit.StartEpmdAsync(cancellationToken)).Record;
                break;
            case ClusterServices.RabbitMq:
                if (!IsAlive(description, ClusterServices.Epmd))
                    Record(description, (await rabbit.StartEpmdAsync(cancellationToken)).Record);
                started = await rabbit.StartAsync(timeout, cancellationToken);
                break;
            case ClusterServices.S3rver:
                started = await new S3rverNode(paths, installation).StartAsync(existing?.Port ?? 0, record => Record(description, record), cancellationToken);
                break;
            case ClusterServices.Dashboard or ClusterServices.Prometheus:
                var telemetry = description.Telemetry
                                ?? throw new ClusterException($"This deployment predates {name}: take it down and up again.", ClusterException.Refused);
                var (viewer, missing) = Viewer(name, telemetry, installation);
                started = await StartViewerAsync(viewer ?? throw new ClusterException(missing, ClusterException.Refused), description,
                    DateTime.UtcNow + timeout, cancellationToken);
                break;
            default:
                // A service would only wait for them until its timeout.
                foreach (var needed in new[] { ClusterServices.RabbitMq, ClusterServices.S3rver })
                    if (!IsAlive(description, needed))
                        throw new ClusterException($"{needed} is not running: start it first (`pipeline cluster start {needed} --dir {paths.Dir}`).", ClusterException.Refused);
                var port = existing?.Port ?? FreePorts.Take(1)[0];
                var launch = ClusterServices.Launch(name, index, port, description, credentials, paths, installation);
                if (extraEnvironment is { Count: > 0 })
                    launch = launch with { Environment = launch.Environment.Concat(extraEnvironment).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value) };
                var process = ProcessLauncher.Start(launch);
                Record(description, process.Record);
                try
                {
                    await Readiness.WaitAsync(process, DateTime.UtcNow + timeout, cancellationToken);
                }
                catch
                {
                    await LinuxProcess.StopAsync(process.Record.Pid, process.Record.StartTime, TimeSpan.FromSeconds(5));
                    throw;
                }
                started = process.Record;
                break;
        }
        Record(description, started);
        return started;
    }

    /// <summary>Services first (they would only complain about a missing broker), then s3rver and the viewers, the broker, its epmd.</summary>
    private async Task<IReadOnlyList<string>> StopAllAsync(ClusterDescription description, TimeSpan grace)
    {
        var stopped = new List<string>();
        if (description.Watchdog is { } watchdog && watchdog.Pid != Environment.ProcessId
            && await LinuxProcess.StopAsync(watchdog.Pid, watchdog.StartTime, grace))
            stopped.Add(watchdog.Id);

        async Task StopAsync(IEnumerable<ProcessRecord> processes) =>
            stopped.AddRange((await Task.WhenAll(processes.Select(async p =>
                    await LinuxProcess.StopAsync(p.Pid, p.StartTime, grace) ? p.Id : null)))
                .OfType<string>());

        await StopAsync(description.Processes.Where(p => ClusterServices.IsService(p.Name)));
        await StopAsync(description.Processes.Where(p => p.Name == ClusterServices.S3rver || ClusterServices.Viewers.Contains(p.Name)));
        var rabbit = description.Find(ClusterServices.RabbitMq, 1);
        if (await new RabbitMqNode(paths, description.RabbitMq).StopAsync(rabbit, IsAlive(description, ClusterServices.Epmd), grace))
            stopped.Add(rabbit?.Id ?? "rabbitmq-1");
        await StopAsync(description.Processes.Where(p => p.Name == ClusterServices.Epmd));
        return stopped;
    }

    private void StartWatchdog(ClusterDescription description, PipelineInstallation installation, int owner)
    {
        var ownerStart = LinuxProcess.StartTime(owner)
                         ?? throw new ClusterException($"--stop-with-pid {owner}: there is no such process.", ClusterException.Refused);
        var watchdog = ProcessLauncher.Start(new LaunchSpec("watchdog", 1, PipelineInstallation.DotnetHost,
            [installation.CliDll, "cluster", "watch", "--dir", paths.Dir, "--pid", Text(owner), "--start-time", Text(ownerStart)],
            new Dictionary<string, string>(), paths.Dir, paths.Log("watchdog", 1)));
        lock (_gate)
        {
            description.Watchdog = watchdog.Record;
            Save(description);
        }
    }

    /// <summary>How to start a telemetry viewer, or, when it is not installed, a note that says how to install it.</summary>
    private (LaunchSpec? Launch, string Missing) Viewer(string name, TelemetrySettings telemetry, PipelineInstallation installation) => name switch
    {
        ClusterServices.Dashboard => AspireDashboardNode.Locate() is { } program
            ? (AspireDashboardNode.Launch(program, telemetry, paths), "")
            : (null, $"The Aspire Dashboard is not installed, so the services export no traces: {AspireDashboardNode.InstallHint}."),
        _ => PrometheusNode.Locate() is not null
            ? (PrometheusNode.Launch(telemetry, paths, installation), "")
            : (null, $"Prometheus is not installed (every service still serves /metrics): {PrometheusNode.InstallHint}."),
    };

    private async Task<ProcessRecord> StartViewerAsync(LaunchSpec launch, ClusterDescription description, DateTime deadline, CancellationToken cancellationToken)
    {
        var process = ProcessLauncher.Start(launch);
        Record(description, process.Record);
        await Readiness.WaitAsync(process, deadline, cancellationToken);
        return process.Record;
    }

    /// <summary>Runs every wait; the first failure cancels the others (no point waiting two minutes for them) and is thrown.</summary>
    private static async Task AllAsync(IEnumerable<Func<CancellationToken, Task>> waits, CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = waits.Select(async wait =>
        {
            try
            {
                await wait(failed.Token);
            }
            catch when (!failed.IsCancellationRequested)
            {
                await failed.CancelAsync();
                throw;
            }
        }).ToList();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The first real failure, not the cancellations it caused.
            throw tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException)
                  ?? new OperationCanceledException();
        }
    }

    private static List<(string Service, int Index)> Instances(int trainers) =>
    [
        (ClusterServices.Orchestrator, 1),
        (ClusterServices.Preprocessor, 1),
        .. Enumerable.Range(1, trainers).Select(i => (ClusterServices.Trainer, i)),
        (ClusterServices.Evaluator, 1),
    ];

    private static IEnumerable<ProcessRecord> Ordered(IEnumerable<ProcessRecord> processes) =>
        processes.OrderBy(p => ClusterServices.All.ToList().IndexOf(p.Name)).ThenBy(p => p.Index);

    private static bool IsAlive(ClusterDescription description, string name) => description.Find(name, 1) is { IsAlive: true };

    private void Record(ClusterDescription description, ProcessRecord process)
    {
        lock (_gate)
        {
            description.Record(process);
            Save(description);
        }
    }

    /// <summary>cluster.json, and Prometheus's targets, which follow the processes.</summary>
    private void Save(ClusterDescription description)
    {
        PrivateFile.Write(paths.ClusterFile, JsonSerializer.Serialize(description, ClusterJson.File));
        PrometheusNode.WriteTargets(description, paths);
    }

    private ClusterException NoDeployment() =>
        new($"No deployment in {paths.Dir} (no cluster.json): start one with `pipeline cluster up --dir {paths.Dir}`.");

    private static ClusterException UnknownProcess(ClusterDescription description, string name, int index) =>
        new($"The deployment has no {name} {index}; it has {string.Join(", ", Ordered(description.Processes).Select(p => p.Id))}.", ClusterException.Refused);

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
