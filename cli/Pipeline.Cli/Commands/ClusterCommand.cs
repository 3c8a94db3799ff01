using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using Pipeline.Cli.Cluster;
using Pipeline.Cli.Remote;

namespace Pipeline.Cli.Commands;

/// <summary>`pipeline cluster`: a local distributed deployment without Docker. The work is in <see cref="ClusterDeployment"/>.</summary>
public static class ClusterCommand
{
    public static Command Create() =>
        new("cluster",
            "A local deployment of the distributed pipeline without Docker, on 127.0.0.1 with free ports: RabbitMQ (Debian's " +
            "rabbitmq-server, a node of its own), s3rver (an S3 test server), the orchestrator, preprocessor, trainer(s) and " +
            "evaluator as separate processes, configured by environment variables only, and, when installed, the Aspire Dashboard " +
            "(receives every service's traces, metrics and logs over OTLP and shows them) and Prometheus (scrapes every /metrics). Everything lives in one folder " +
            $"(--dir, default {ClusterPaths.DefaultDir}): cluster.json (what was started), credentials.json (mode 0600), " +
            "logs/<service>-<i>.log, the run database, the broker's and the bucket's data.")
        {
            Up(), Status(), Down(), Env(), Start(), Stop(), Watch(),
        };

    private static Command Up()
    {
        var dir = DirOption();
        var json = JsonOption("apiUrl, dir, credentialsFile, processes [{name, index, pid, url, log}], apiKey (the admin key), apiKeyFile, metricsUrls (every Prometheus endpoint: the services and RabbitMQ's plugin), " +
            "dashboardUrl (the Aspire Dashboard: a run's trace is at dashboardUrl/traces/detail/TRACE_ID), otlpUrl (where the services export), " +
            "prometheusUrl (null each when not installed), notes (what is missing and how to install it)");
        var trainers = new Option<int>("--trainers") { Description = "Trainer processes; each gets max(1, cores / N) libtorch threads.", DefaultValueFactory = _ => 1 };
        trainers.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 64) r.AddError("--trainers must be between 1 and 64."); });
        var timeout = TimeoutOption("Seconds the services may take to become ready (GET /health/ready answers 200).", 120);
        var stopWithPid = new Option<int?>("--stop-with-pid")
        {
            Description = "Take the deployment down when process PID exits (a test run, a script), even if it never calls `down`.",
        };
        var command = new Command("up",
            "Starts the deployment and waits until every process is ready; prints the API URL (the orchestrator's). Installs " +
            "rabbitmq-server (apt-get) and s3rver (npm ci in infra/s3rver) when missing; without the Aspire Dashboard or Prometheus " +
            "installed it starts without them and says how to install them. A folder that is already up is left " +
            "alone (exit code 2). If anything fails to come up, what was started is stopped again and the error names the " +
            "process and shows the end of its log (exit code 1).")
        {
            dir, trainers, timeout, stopWithPid, json,
        };
        command.SetAction(async (parse, _) =>
        {
            var paths = new ClusterPaths(parse.GetValue(dir)!);
            var asJson = parse.GetValue(json);
            // Ctrl+C stops what was started so far; the processes themselves never see it (sessions of their own).
            using var cancel = new CancellationTokenSource();
            var signalled = 0;
            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = Interlocked.Exchange(ref signalled, 1) == 0;
                cancel.Cancel();
            }
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            try
            {
                var started = DateTime.UtcNow;
                var options = new UpOptions(parse.GetValue(trainers), TimeSpan.FromSeconds(parse.GetValue(timeout)), parse.GetValue(stopWithPid));
                var result = await new ClusterDeployment(paths, Console.Error).UpAsync(options, cancel.Token);
                if (asJson)
                    Print(result);
                else
                {
                    Console.Out.WriteLine(result.ApiUrl);
                    Console.Error.WriteLine($"Up in {(DateTime.UtcNow - started).TotalSeconds:0.0} s:");
                    foreach (var p in result.Processes)
                        Console.Error.WriteLine($"  {p.Name + " " + p.Index,-16} pid {p.Pid,-8} {p.Url ?? "",-26} {p.Log}");
                    Console.Error.WriteLine($"API: {result.ApiUrl}   admin key: {result.ApiKeyFile}   credentials: {result.CredentialsFile} (both mode 0600)");
                    if (result.DashboardUrl is not null)
                        Console.Error.WriteLine($"Traces, logs, metrics: {result.DashboardUrl} (Aspire Dashboard; a run's traceId is in GET /runs/ID)");
                    if (result.PrometheusUrl is not null)
                        Console.Error.WriteLine($"Prometheus: {result.PrometheusUrl}");
                    Console.Error.WriteLine($"Clients: export $(./pipeline cluster env --dir {paths.Dir}). Stop it: ./pipeline cluster down --dir {paths.Dir}");
                }
                return ExitCodes.Success;
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return Fail(new ClusterException("Cancelled; everything this `up` had started is stopped again.", ExitCodes.Cancelled), paths, asJson);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Fail(e, paths, asJson);
            }
        });
        return command;
    }

    private static Command Status()
    {
        var dir = DirOption();
        var json = JsonOption("dir, apiUrl, ready, processes [{name, index, pid, url, log, alive, ready, detail}], metricsUrls");
        var command = new Command("status",
            "Shows each process of the deployment: alive (its pid runs and started when ours did, so a recycled pid never " +
            "passes for ours) and ready (services: GET /health/ready answers 200; RabbitMQ, s3rver, epmd: their port " +
            "accepts connections). Exit code 0 when all are, 1 otherwise.")
        {
            dir, json,
        };
        command.SetAction(async (parse, token) =>
        {
            var paths = new ClusterPaths(parse.GetValue(dir)!);
            var asJson = parse.GetValue(json);
            try
            {
                var status = await new ClusterDeployment(paths, Console.Error).StatusAsync(token);
                if (asJson)
                    Print(status);
                else
                {
                    Console.Out.WriteLine($"{"PROCESS",-16} {"PID",-8} {"ALIVE",-6} {"READY",-6} {"URL",-26} DETAIL");
                    foreach (var p in status.Processes)
                        Console.Out.WriteLine($"{p.Name + "-" + p.Index,-16} {p.Pid,-8} {YesNo(p.Alive),-6} {YesNo(p.Ready),-6} {p.Url ?? "",-26} {p.Detail}");
                    Console.Out.WriteLine(status.Ready ? $"All ready. API: {status.ApiUrl}" : "Not all ready.");
                }
                return status.Ready ? ExitCodes.Success : ClusterException.Failed;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Fail(e, paths, asJson);
            }
        });
        return command;
    }

    private static Command Down()
    {
        var dir = DirOption();
        var json = JsonOption("dir, stopped [the processes that were still running]");
        var grace = TimeoutOption("Seconds each process gets to stop after SIGTERM before SIGKILL.", 15);
        var command = new Command("down",
            "Stops everything the deployment started and nothing else (pid and start time checked): the services, s3rver, the viewers, " +
            "RabbitMQ (rabbitmqctl stop, then its pid) and its epmd. Each gets SIGTERM, then SIGKILL after --timeout. " +
            "Data (runs.db, the bucket, the broker's database) and logs stay in the folder. Running it again does nothing.")
        {
            dir, grace, json,
        };
        command.SetAction(async (parse, token) =>
        {
            var paths = new ClusterPaths(parse.GetValue(dir)!);
            var asJson = parse.GetValue(json);
            try
            {
                var stopped = await new ClusterDeployment(paths, Console.Error).DownAsync(TimeSpan.FromSeconds(parse.GetValue(grace)), token);
                if (asJson)
                    Print(new DownResult(1, paths.Dir, stopped));
                Console.Error.WriteLine(stopped.Count == 0 ? $"Nothing was running in {paths.Dir}." : $"Stopped {string.Join(", ", stopped)}.");
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Fail(e, paths, asJson);
            }
        });
        return command;
    }

    private static Command Env()
    {
        var dir = DirOption();
        var services = new Option<bool>("--services")
        {
            Description = "Also print the Pipeline__ variables a further service needs to join this deployment (they hold its secrets).",
        };
        var command = new Command("env",
            "Prints PIPELINE_SERVER=<API URL> and PIPELINE_API_KEY_FILE=<the admin key's file> for clients, one NAME=value a line: " +
            "`export $(pipeline cluster env)`, or an env file.")
        {
            dir, services,
        };
        command.SetAction(parse =>
        {
            var paths = new ClusterPaths(parse.GetValue(dir)!);
            try
            {
                var description = new ClusterDeployment(paths, Console.Error).Load()
                                  ?? throw new ClusterException($"No deployment in {paths.Dir}: start one with `pipeline cluster up --dir {paths.Dir}`.");
                Console.Out.WriteLine($"PIPELINE_SERVER={description.ApiUrl}");
                Console.Out.WriteLine($"{ApiKeySource.KeyFileVariable}={paths.ApiKeyFile}");
                if (parse.GetValue(services))
                {
                    var credentials = ClusterCredentials.Load(paths.CredentialsFile)
                                      ?? throw new ClusterException($"{paths.CredentialsFile} is missing: take the deployment down and up again.");
                    foreach (var (name, value) in ClusterServices.Environment("", description.Trainers, credentials, paths, description.OtlpEndpoint))
                        Console.Out.WriteLine($"{name}={value}");
                }
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Fail(e, paths, asJson: false);
            }
        });
        return command;
    }

    private static Command Start()
    {
        var (dir, service, index) = ProcessArguments();
        var timeout = TimeoutOption("Seconds the process may take to become ready.", 120);
        var environment = new Option<string[]>("--env")
        {
            Description = "KEY=VALUE added to a service's environment for this start only, e.g. PIPELINE_FAILPOINTS=orchestrator.afterStateSaved (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("start",
            "Starts one process of the deployment again (after `stop`, or a crash) with the same environment, port and data, " +
            "and waits until it is ready; for a service, an INDEX beyond the last starts one more instance (a fourth trainer).")
        {
            service, index, dir, timeout, environment,
        };
        command.SetAction(async (parse, token) =>
        {
            var paths = new ClusterPaths(parse.GetValue(dir)!);
            var extra = new Dictionary<string, string>();
            foreach (var pair in parse.GetValue(environment) ?? [])
            {
                if (pair.IndexOf('=') is var equals and > 0)
                    extra[pair[..equals]] = pair[(equals + 1)..];
                else
                    return Fail(new ClusterException($"--env {pair}: expected KEY=VALUE.", ClusterException.Refused), paths, asJson: false);
            }
            try
            {
                var started = await new ClusterDeployment(paths, Console.Error)
                    .StartProcessAsync(parse.GetValue(service)!, parse.GetValue(index), TimeSpan.FromSeconds(parse.GetValue(timeout)), token, extra);
                Console.Error.WriteLine($"{started.Name} {started.Index} is ready (pid {started.Pid}{(started.Url is null ? "" : ", " + started.Url)}).");
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Fail(e, paths, asJson: false);
            }
        });
        return command;
    }

    private static Command Stop()
    {
        var (dir, service, index) = ProcessArguments();
        var kill = new Option<bool>("--kill") { Description = "SIGKILL at once, as a crash would (default: SIGTERM, then SIGKILL after --timeout)." };
        var grace = TimeoutOption("Seconds the process gets to stop after SIGTERM before SIGKILL.", 15);
        var command = new Command("stop", "Stops one process of the deployment; the others keep running. `start` brings it back.")
        {
            service, index, dir, kill, grace,
        };
        command.SetAction(async (parse, token) =>
        {
            var paths = new ClusterPaths(parse.GetValue(dir)!);
            try
            {
                var name = parse.GetValue(service)!;
                var stopped = await new ClusterDeployment(paths, Console.Error)
                    .StopProcessAsync(name, parse.GetValue(index), parse.GetValue(kill), TimeSpan.FromSeconds(parse.GetValue(grace)), token);
                Console.Error.WriteLine(stopped ? $"Stopped {name} {parse.GetValue(index)}." : $"{name} {parse.GetValue(index)} was not running.");
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Fail(e, paths, asJson: false);
            }
        });
        return command;
    }

    /// <summary>The watchdog of `up --stop-with-pid`; not for people.</summary>
    private static Command Watch()
    {
        var dir = DirOption();
        var pid = new Option<int>("--pid") { Required = true };
        var startTime = new Option<long>("--start-time") { Required = true };
        var command = new Command("watch", "Takes the deployment down when process --pid exits (started by `up --stop-with-pid`).")
        {
            dir, pid, startTime,
        };
        command.Hidden = true;
        command.SetAction(async (parse, token) =>
        {
            await ClusterWatchdog.RunAsync(new ClusterPaths(parse.GetValue(dir)!), parse.GetValue(pid), parse.GetValue(startTime), Console.Out, token);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<string> DirOption() => new("--dir")
    {
        Description = "The deployment's folder: cluster.json, credentials.json, logs/, data.",
        DefaultValueFactory = _ => ClusterPaths.DefaultDir,
    };

    private static Option<bool> JsonOption(string fields) =>
        new("--json") { Description = $"Print exactly one JSON object on stdout (schemaVersion, {fields}; error when it failed)." };

    private static Option<int> TimeoutOption(string description, int seconds)
    {
        var option = new Option<int>("--timeout") { Description = description, DefaultValueFactory = _ => seconds };
        option.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--timeout must be at least 1 second."); });
        return option;
    }

    private static (Option<string> Dir, Argument<string> Service, Argument<int> Index) ProcessArguments()
    {
        var service = new Argument<string>("SERVICE") { Description = $"One of: {string.Join(", ", ClusterServices.All)}.", HelpName = "SERVICE" };
        service.AcceptOnlyFromAmong([.. ClusterServices.All]);
        var index = new Argument<int>("INDEX") { Description = "Which one (1-based; trainers are 1..N).", DefaultValueFactory = _ => 1, Arity = ArgumentArity.ZeroOrOne };
        index.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("INDEX starts at 1."); });
        return (DirOption(), service, index);
    }

    private static void Print<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, ClusterJson.Output));

    /// <summary>A <see cref="ClusterException"/> is told as it is; anything else is a bug, told with its stack trace.</summary>
    private static int Fail(Exception e, ClusterPaths paths, bool asJson)
    {
        var message = e is ClusterException ? e.Message : $"unexpected error, please report it: {e}";
        Console.Error.WriteLine($"error: {message}");
        if (asJson)
            Print(new ErrorResult(1, paths.Dir, message));
        return e is ClusterException cluster ? cluster.ExitCode : ClusterException.Failed;
    }

    private static string YesNo(bool value) => value ? "yes" : "no";
}
