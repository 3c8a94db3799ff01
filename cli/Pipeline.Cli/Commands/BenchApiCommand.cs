using System.CommandLine;
using Pipeline.Cli.Bench;
using Pipeline.Cli.Embedded;
using Pipeline.Cli.Remote;
using Pipeline.Cli.Serving;
using Microsoft.Extensions.Logging;

namespace Pipeline.Cli.Commands;

/// <summary>`bench api`: submission rate and end-to-end time of a batch of tiny runs through the API. The work is in <see cref="ApiBenchmark"/>.</summary>
public static class BenchApiCommand
{
    public static Command Create()
    {
        var dataDir = new Argument<DirectoryInfo>("DATA_DIR") { Description = "A small ImageFolder (e.g. two classes of `pipeline datasets fashion-mnist`), uploaded once." };
        var runs = new Option<int>("--runs") { Description = "Runs submitted at once.", DefaultValueFactory = _ => 100 };
        runs.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 500) r.AddError("--runs must be between 1 and 500."); });
        var server = ServerOption.Create($"A pipeline server to measure (its key from {ApiKeySource.Help}); by default a `pipeline serve` in this process on a free port with a temporary store.");
        server.DefaultValueFactory = null;
        var timeout = new Option<int>("--timeout") { Description = "Seconds the runs may take in all.", DefaultValueFactory = _ => 3600 };
        var json = new Option<bool>("--json")
        {
            Description = "Print exactly one JSON object on stdout: schemaVersion, server, runs, accepted, final {state: count}, submissionsPerSecond, " +
                          "endToEndSeconds (first submission to last final state), runSecondsP50, runSecondsP95 (each run's submission to its final state), error.",
        };
        var command = new Command("api",
            "Submits --runs copies of a tiny run (resnet18 with random weights, 32-pixel images, one epoch) at once through the HTTP API and follows " +
            "them to their end: submissions per second, end-to-end seconds, and each run's p50/p95. Every run must be accepted and end; none may be lost.")
        {
            dataDir, runs, server, timeout, json,
        };
        command.SetAction(async parse =>
        {
            var asJson = parse.GetValue(json);
            var count = parse.GetValue(runs);
            try
            {
                var result = parse.GetValue(server) is { } url
                    ? await MeasureAsync(ServerOption.Parse(url, out var problem) ?? throw new PipelineException(problem!), apiKey: null, parse, dataDir, count, timeout)
                    : await InProcessAsync(parse, dataDir, count, timeout);
                if (asJson)
                    CommandOutput.Json(result);
                else
                    Console.Out.WriteLine($"{result.Accepted}/{result.Runs} accepted, final {string.Join(", ", result.Final!.Select(p => $"{p.Key} {p.Value}"))}; " +
                                          $"{result.SubmissionsPerSecond} submissions/s, {result.EndToEndSeconds} s end to end, per run p50 {result.RunSecondsP50} s, p95 {result.RunSecondsP95} s");
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is PipelineException or HttpRequestException)
            {
                return CommandOutput.Fail(asJson, ApiBenchJson.Rejected(count, e.Message), e.Message, ExitCodes.BadInput);
            }
        });
        return command;
    }

    private static async Task<ApiBenchJson> InProcessAsync(ParseResult parse, Argument<DirectoryInfo> dataDir, int runs, Option<int> timeout)
    {
        var store = Directory.CreateTempSubdirectory("pipeline-bench-api-").FullName;
        try
        {
            StoreFolder.Prepare(store);
            var key = AdminApiKey.Ensure(Path.Combine(store, ServeCommand.KeyFileName), Path.Combine(store, ServeCommand.ServerKeyFileName));
            await using var app = OneMachineServer.Build(store, "http://127.0.0.1:0", Path.Combine(store, ServeCommand.ServerKeyFileName), LogLevel.Warning);
            await app.StartAsync();
            try
            {
                return await MeasureAsync(new Uri(app.Urls.First()), key, parse, dataDir, runs, timeout);
            }
            finally
            {
                // Stopped before it is disposed: the stages' background services end cleanly rather than being torn down.
                await app.StopAsync();
            }
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    private static async Task<ApiBenchJson> MeasureAsync(Uri url, string? apiKey, ParseResult parse, Argument<DirectoryInfo> dataDir, int runs, Option<int> timeout)
    {
        using var client = new PipelineServer(url, apiKey);
        return await ApiBenchmark.RunAsync(client, parse.GetRequiredValue(dataDir).FullName, runs, TimeSpan.FromSeconds(parse.GetValue(timeout)), CancellationToken.None);
    }
}
