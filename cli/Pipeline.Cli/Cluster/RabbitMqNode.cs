using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Pipeline.Cli.Cluster;

/// <summary>
/// The deployment's own RabbitMQ node, from Debian's rabbitmq-server package and without systemd: its own node name,
/// data, logs, configuration, Erlang cookie and epmd (on a port of its own, so that no other deployment's node ever
/// registers with it and stopping it hurts nobody else), everything on 127.0.0.1.
/// </summary>
public sealed class RabbitMqNode(ClusterPaths paths, RabbitMqSettings settings)
{
    // The scripts themselves: /usr/sbin's wrappers switch to the rabbitmq user and its /var/lib/rabbitmq.
    private const string Scripts = "/usr/lib/rabbitmq/bin";
    private const string ServerScript = Scripts + "/rabbitmq-server";
    private const string Ctl = Scripts + "/rabbitmqctl";
    private const string EpmdProgram = "epmd";

    public static Task EnsureInstalledAsync(TextWriter progress, CancellationToken cancellationToken) =>
        DebianPackages.EnsureAsync("rabbitmq-server", ServerScript, "about 25 s", progress, cancellationToken);

    /// <summary>What the node and rabbitmqctl both need: the same HOME (cookie), epmd port and node name.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["HOME"] = settings.Home,
        ["RABBITMQ_NODENAME"] = settings.NodeName,
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_NODE_PORT"] = Text(settings.Port),
        ["RABBITMQ_DIST_PORT"] = Text(settings.DistPort),
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
        ["ERL_EPMD_PORT"] = Text(settings.EpmdPort),
        // Nothing from /etc/rabbitmq: our configuration, no advanced.config, no env file, our plugin list (a system-wide
        // management plugin would try to take port 15672).
        ["RABBITMQ_CONFIG_FILE"] = paths.RabbitMqConfig,
        ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(paths.RabbitMq, "advanced.config"),
        ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(paths.RabbitMq, "rabbitmq-env.conf"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(paths.RabbitMq, "enabled_plugins"),
        ["RABBITMQ_MNESIA_BASE"] = paths.RabbitMqMnesia,
        ["RABBITMQ_LOG_BASE"] = paths.RabbitMqLogs,
        ["RABBITMQ_LOGS"] = paths.Log(ClusterServices.RabbitMq, 1),
        ["RABBITMQ_PID_FILE"] = paths.RabbitMqPidFile,
        // -start_epmd false: no Erlang program here (the node, rabbitmqctl) may start an epmd of its own that would
        // outlive us; ours is started first and stopped last. The distribution port listens on 127.0.0.1 only.
        ["ERL_FLAGS"] = "-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}",
    };

    /// <summary>The configuration (the repository's rabbitmq.conf plus the user), the cookie and the plugin list.</summary>
    public void Configure(string configTemplate, RabbitMqCredentials credentials)
    {
        Directory.CreateDirectory(paths.RabbitMq);
        Directory.CreateDirectory(paths.RabbitMqLogs);
        // The user exists from the first boot on, so there is never a guest user, not even for a moment.
        var configuration = new StringBuilder(File.ReadAllText(configTemplate)).AppendLine()
            .AppendLine("# Added by `pipeline cluster up`: the deployment's own user; no guest.")
            .AppendLine(CultureInfo.InvariantCulture, $"default_user = {credentials.Username}")
            .AppendLine(CultureInfo.InvariantCulture, $"default_pass = {credentials.Password}")
            .AppendLine("default_user_tags.administrator = true")
            .AppendLine("default_permissions.configure = .*")
            .AppendLine("default_permissions.read = .*")
            .AppendLine("default_permissions.write = .*")
            .AppendLine("# Queue backlog and rates for Prometheus (rabbitmq_prometheus), on this deployment's own port.")
            .AppendLine("prometheus.tcp.ip = 127.0.0.1")
            .AppendLine(CultureInfo.InvariantCulture, $"prometheus.tcp.port = {settings.PrometheusPort}")
            .ToString();
        PrivateFile.Write(paths.RabbitMqConfig, configuration);
        PrivateFile.Write(Path.Combine(paths.RabbitMq, "enabled_plugins"), "[rabbitmq_prometheus].\n");
        var cookie = Path.Combine(settings.Home, ".erlang.cookie");
        if (!File.Exists(cookie))
            PrivateFile.Write(cookie, Convert.ToHexString(RandomNumberGenerator.GetBytes(20)), UnixFileMode.UserRead);
    }

    /// <summary>Starts epmd in the foreground (so its pid is ours) and waits until it listens.</summary>
    public async Task<LaunchedProcess> StartEpmdAsync(CancellationToken cancellationToken)
    {
        var epmd = ProcessLauncher.Start(new LaunchSpec(ClusterServices.Epmd, 1, EpmdProgram,
            ["-port", Text(settings.EpmdPort), "-address", "127.0.0.1"], new Dictionary<string, string>(), paths.Dir,
            paths.Log(ClusterServices.Epmd, 1), settings.EpmdPort));
        await Readiness.WaitAsync(epmd, DateTime.UtcNow.AddSeconds(15), cancellationToken);
        return epmd;
    }

    /// <summary>Starts the node detached and waits (`rabbitmqctl wait`) until RabbitMQ runs on it.</summary>
    public async Task<ProcessRecord> StartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        File.Delete(paths.RabbitMqPidFile);
        var log = paths.Log(ClusterServices.RabbitMq, 1);
        // The script execs erl -detached, which leaves a daemon behind and exits at once.
        var script = ProcessLauncher.Start(new LaunchSpec("rabbitmq-server", 1, ServerScript, ["-detached"], Environment, paths.Dir, log));
        await script.Process.WaitForExitAsync(cancellationToken);
        if (script.Process.ExitCode != 0)
            throw new ClusterException($"rabbitmq-server -detached failed (exit code {script.Process.ExitCode}). Last lines of {log}:\n{LogTail.Read(log)}");

        var wait = await CtlAsync(["wait", paths.RabbitMqPidFile, "--timeout", Text((int)timeout.TotalSeconds)], timeout + TimeSpan.FromSeconds(10), cancellationToken);
        if (wait.ExitCode != 0 || FindNode() is not { } node)
            throw new ClusterException($"RabbitMQ did not start:\n{wait.Output}\nLast lines of {log}:\n{LogTail.Read(log)}");
        return new ProcessRecord(ClusterServices.RabbitMq, 1, node.Pid, node.StartTime, settings.Port,
            $"amqp://127.0.0.1:{Text(settings.Port)}", log);
    }

    /// <summary>
    /// Makes sure the broker knows exactly our user: added (password through stdin, never on a command line) when an
    /// older database lacks it, and guest deleted should a database from elsewhere have it.
    /// </summary>
    public async Task EnsureUserAsync(RabbitMqCredentials credentials, CancellationToken cancellationToken)
    {
        var list = await CtlAsync(["list_users", "--formatter", "json", "--quiet"], TimeSpan.FromSeconds(60), cancellationToken);
        if (list.ExitCode != 0)
            throw new ClusterException($"rabbitmqctl list_users failed:\n{list.Output}");
        var users = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Select(u => u.GetProperty("user").GetString()).ToHashSet();
        if (!users.Contains(credentials.Username))
        {
            await CheckedAsync(["add_user", credentials.Username], credentials.Password, cancellationToken);
            await CheckedAsync(["set_user_tags", credentials.Username, "administrator"], null, cancellationToken);
            await CheckedAsync(["set_permissions", "-p", credentials.VirtualHost, credentials.Username, ".*", ".*", ".*"], null, cancellationToken);
        }
        if (users.Contains("guest"))
            await CheckedAsync(["delete_user", "guest"], null, cancellationToken);
    }

    /// <summary>
    /// Stops our node: `rabbitmqctl stop` (a clean shutdown) while epmd still answers, then SIGTERM and SIGKILL
    /// for whatever is left. Finds the node even when `up` died before recording it.
    /// </summary>
    public async Task<bool> StopAsync(ProcessRecord? recorded, bool epmdAlive, TimeSpan grace)
    {
        var node = recorded is { IsAlive: true } ? (recorded.Pid, recorded.StartTime) : FindNode();
        if (node is not var (pid, startTime))
            return false;
        if (epmdAlive)
        {
            try
            {
                await CtlAsync(["stop", paths.RabbitMqPidFile], grace + TimeSpan.FromSeconds(15), CancellationToken.None);
            }
            catch (ClusterException)
            {
                // It did not stop in time: the signals below end it.
            }
        }
        // Its process group is not its own (erl -detached forked it): signal the node only; its port programs
        // (erl_child_setup, inet_gethost) exit with it.
        await LinuxProcess.StopAsync(pid, startTime, grace, groupLeader: false);
        return true;
    }

    /// <summary>
    /// Our beam.smp: the one whose command line holds `-home HOME` (our folder). Read from the pid file first, else
    /// found in /proc (when `up` was killed before the pid file appeared).
    /// </summary>
    public (int Pid, long StartTime)? FindNode()
    {
        var candidates = new List<int>();
        if (File.Exists(paths.RabbitMqPidFile) && int.TryParse(File.ReadAllText(paths.RabbitMqPidFile).Trim(), CultureInfo.InvariantCulture, out var fromFile))
            candidates.Add(fromFile);
        candidates.AddRange(Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0));
        foreach (var pid in candidates)
        {
            var arguments = LinuxProcess.CommandLine(pid);
            var home = arguments.ToList().IndexOf("-home");
            if (home >= 0 && home + 1 < arguments.Count && arguments[home + 1] == settings.Home
                && arguments[0].EndsWith("beam.smp", StringComparison.Ordinal) && LinuxProcess.StartTime(pid) is { } startTime)
                return (pid, startTime);
        }
        return null;
    }

    private async Task CheckedAsync(string[] arguments, string? stdin, CancellationToken cancellationToken)
    {
        var result = await CtlAsync(arguments, TimeSpan.FromSeconds(60), cancellationToken, stdin);
        if (result.ExitCode != 0)
            throw new ClusterException($"rabbitmqctl {arguments[0]} failed:\n{result.Output}");
    }

    private Task<CommandResult> CtlAsync(string[] arguments, TimeSpan timeout, CancellationToken cancellationToken, string? stdin = null) =>
        CommandRunner.RunAsync(Ctl, ["-n", settings.NodeName, .. arguments], timeout, Environment, stdin, paths.Dir, cancellationToken);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
