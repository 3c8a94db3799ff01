using System.CommandLine;

namespace Pipeline.Cli.Commands;

public static class ReportCommand
{
    public static Command Create()
    {
        var id = ClientCommand.RunIdArgument();
        var store = new Option<DirectoryInfo>("--store")
        {
            Description = "The local folder the reports go under, as reports/<ID>/.",
            DefaultValueFactory = _ => new DirectoryInfo(".pipeline"),
        };
        return ClientCommand.Create("report",
            "Downloads a run's reports from a pipeline server (the run-level comparison and every trial's report) into --store/reports/<ID>/ and prints that folder.",
            ClientJson.Rejected,
            async (parse, server, asJson) =>
            {
                var run = await server.GetRunAsync(ClientCommand.RunId(parse.GetRequiredValue(id)), CancellationToken.None);
                var folders = run.Trials.Select(trial => trial.ReportPath).Append(run.SummaryPath).OfType<string>()
                    .Select(path => path[..(path.LastIndexOf('/') + 1)]).Distinct().ToList();
                if (folders.Count == 0)
                    return CommandOutput.Fail(asJson, ClientJson.Of(run) with { Error = $"run {run.RunId:N} is {run.State} and has no report yet" },
                        $"run {run.RunId:N} is {run.State} and has no report yet", ExitCodes.RunFailed);
                var target = Path.Combine(parse.GetValue(store)!.FullName, "reports", run.RunId.ToString("N"));
                await server.DownloadAsync(run.RunId, folders, target, CancellationToken.None);
                if (asJson)
                    CommandOutput.Json(ClientJson.Of(run, target));
                else
                    Console.Out.WriteLine(target);
                return ExitCodes.Success;
            }, id, store);
    }
}
