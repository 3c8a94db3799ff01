using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Pipeline.Cli.Remote;
using Pipeline.Orchestrator.Retention;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;

namespace Pipeline.Cli.Commands;

public static class GcCommand
{
    public static Command Create()
    {
        var store = new Option<DirectoryInfo>("--store")
        {
            Description = "The local store to clean (the folder of `pipeline run --store` or `pipeline serve --store`).",
            DefaultValueFactory = _ => new DirectoryInfo(".pipeline"),
        };
        var server = new Option<string?>("--server")
        {
            Description = $"Clean a pipeline server's store instead (an admin key is needed; it comes from {ApiKeySource.Help}). " +
                          $"Without a URL: {ServerOption.Variable}.",
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "URL",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only say what would be removed and how many bytes that would free." };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object on stdout: removed [{kind, prefix, objects, bytes, reason}], objects, bytes, kept." };
        var command = new Command("gc",
            "Removes what no run needs: prepared datasets (shards, manifest) and cached features that no live run uses, once unused for " +
            $"{RetentionOptions.Section}:KeepPreparedDays (default {new RetentionOptions().KeepPreparedDays}) and :KeepFeaturesDays " +
            $"(default {new RetentionOptions().KeepFeaturesDays}) days (set as environment variables, e.g. Pipeline__Retention__KeepFeaturesDays=1, or in the server's settings); " +
            "leftovers of a preparation or feature extraction that never finished; and the checkpoints of runs that are over (their models and reports stay). " +
            "What a live or interrupted run uses is never removed.")
        {
            store, server, dryRun, json,
        };
        command.SetAction(async parse =>
        {
            var asJson = parse.GetValue(json);
            try
            {
                CollectionReport report;
                if (parse.GetResult(server) is not null)
                {
                    if (ServerOption.Parse(parse.GetValue(server) ?? Environment.GetEnvironmentVariable(ServerOption.Variable), out var problem) is not { } url)
                        return CommandOutput.Fail(asJson, GcJson.Rejected(problem!), problem!, ExitCodes.BadInput);
                    using var client = new PipelineServer(url);
                    report = await client.CollectAsync(parse.GetValue(dryRun), CancellationToken.None);
                }
                else
                    report = await CollectLocalAsync(parse.GetValue(store)!.FullName, parse.GetValue(dryRun));
                if (asJson)
                    CommandOutput.Json(GcJson.Of(report));
                else
                    Describe(report);
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is PipelineException or HttpRequestException)
            {
                var error = e is HttpRequestException ? $"cannot reach the server: {e.Message}" : e.Message;
                return CommandOutput.Fail(asJson, GcJson.Rejected(error), error, ExitCodes.BadInput);
            }
        });
        return command;
    }

    private static Task<CollectionReport> CollectLocalAsync(string folder, bool dryRun)
    {
        var database = Path.Combine(folder, "runs.db");
        var objects = Path.Combine(folder, "objects");
        if (!File.Exists(database) || !Directory.Exists(objects))
            throw new PipelineException($"--store: '{folder}' is not a pipeline store (no runs.db and objects/ in it); name the folder given to `pipeline run --store` or `pipeline serve --store`.");
        var retention = new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection(RetentionOptions.Section).Get<RetentionOptions>() ?? new RetentionOptions();
        var collector = new StoreCollector(new RunStore($"Data Source={database}"), new FileSystemObjectStore(objects), Options.Create(retention), TimeProvider.System);
        return collector.CollectAsync(dryRun);
    }

    private static void Describe(CollectionReport report)
    {
        foreach (var group in report.Removed)
            Console.Out.WriteLine($"{(report.DryRun ? "would remove" : "removed")} {group.Kind} {group.Prefix} ({group.Objects} objects, {Size(group.Bytes)}): {group.Reason}");
        foreach (var kept in report.Kept)
            Console.Out.WriteLine($"kept {kept}");
        Console.Out.WriteLine($"{(report.DryRun ? "would free" : "freed")} {Size(report.Bytes)} in {report.Objects} objects");
    }

    private static string Size(long bytes) => bytes < 1048576
        ? (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB"
        : (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
}
