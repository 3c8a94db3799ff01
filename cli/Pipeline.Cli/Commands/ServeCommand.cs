using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Pipeline.Cli.Embedded;
using Pipeline.Cli.Remote;
using Pipeline.Cli.Serving;

namespace Pipeline.Cli.Commands;

public static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>The files `serve` writes its admin key to when no key file is given, in the store folder.</summary>
    public const string KeyFileName = "api-key", ServerKeyFileName = "api-keys";

    public static Command Create()
    {
        var urls = new Option<string>("--urls")
        {
            Description = $"Where to listen, e.g. http://127.0.0.1:8080 (several separated by ';'; port 0 picks a free one, printed at start). " +
                          $"Default {DefaultUrls}: this machine only; listen on other addresses only behind TLS (a reverse proxy), as keys travel in headers.",
            DefaultValueFactory = _ => DefaultUrls,
        };
        var keyFile = new Option<FileInfo?>("--api-key-file")
        {
            Description = "The API's keys: one 'ROLE KEY' line each (roles read, submit, admin; # starts a comment), readable by its owner only (chmod 600). " +
                          $"Without it, an admin key is made once and kept in --store/{KeyFileName} (mode 0600; give that file to clients as " +
                          $"{ApiKeySource.KeyFileVariable}) and --store/{ServerKeyFileName}.",
        };
        var store = new Option<DirectoryInfo>("--store")
        {
            Description = "Folder for objects (datasets, shards, checkpoints, reports) and the run database, as for `pipeline run`.",
            DefaultValueFactory = _ => new DirectoryInfo(".pipeline"),
        };
        var command = new Command("serve",
            "Serves the pipeline's HTTP API (runs, sweeps, datasets, weights, artifacts; the orchestrator service's API, keys and limits) with every " +
            "stage in this process: a pipeline server on one machine. Clients use it as they use a cluster's (`pipeline run DIR --server URL`, " +
            "status, watch, cancel, report). Configured like the orchestrator service (appsettings.json, environment variables such as " +
            "Pipeline__Api__Limits__MaxEpochs). Stops on Ctrl+C or SIGTERM; runs still live then are Interrupted.")
        {
            urls, keyFile, store,
        };
        command.SetAction(async (parse, _) =>
        {
            var storeFolder = parse.GetValue(store)!.FullName;
            if (StoreFolder.Prepare(storeFolder) is { } problem)
                return Fail(problem);
            var serverKeys = parse.GetValue(keyFile)?.FullName;
            if (serverKeys is null)
            {
                var clientKeyFile = Path.Combine(storeFolder, KeyFileName);
                serverKeys = Path.Combine(storeFolder, ServerKeyFileName);
                AdminApiKey.Ensure(clientKeyFile, serverKeys);
                Console.Out.WriteLine($"Admin API key: {clientKeyFile} (readable by you only); clients: export {ApiKeySource.KeyFileVariable}={clientKeyFile}");
            }
            try
            {
                await using var app = OneMachineServer.Build(storeFolder, parse.GetValue(urls)!, serverKeys);
                await app.StartAsync();
                foreach (var address in app.Urls)
                    Console.Out.WriteLine($"Serving the pipeline API on {address} (store {storeFolder})");
                await app.WaitForShutdownAsync();
                return ExitCodes.Success;
            }
            catch (PipelineException e)
            {
                return Fail(e.Message);
            }
            catch (IOException e)
            {
                return Fail($"--urls: cannot listen on {parse.GetValue(urls)} ({e.Message}); pick another port or address.");
            }
        });
        return command;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return ExitCodes.BadInput;
    }
}
